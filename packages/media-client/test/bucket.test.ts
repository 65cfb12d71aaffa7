import { describe, expect, it } from 'vitest';
import { createClient, parseListPage, type Transport } from '../src/index.js';
import { CREDENTIALS } from './helpers/fake-oss.js';

const encoder = new TextEncoder();

describe('listing', () => {
  it('decodes URL-encoded names and keeps the continuation token as sent', () => {
    const page = parseListPage(`<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>b</Name><Prefix>cam%2F</Prefix><MaxKeys>2</MaxKeys>
<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
<NextContinuationToken>Ch+abc/d==</NextContinuationToken>
<Contents><Key>cam/%C3%A4+b%2Bc.ts</Key><LastModified>2015-02-02T05:15:13.000Z</LastModified>
<ETag>"5B3C1A2E053D763E1B002CC607C5A0FE"</ETag><Type>Appendable</Type><Size>007</Size>
<StorageClass>Standard</StorageClass></Contents>
<CommonPrefixes><Prefix>cam/sub/</Prefix></CommonPrefixes></ListBucketResult>`);
    expect(page).toEqual({
      objects: [
        {
          key: 'cam/ä b+c.ts',
          size: 7,
          lastModified: new Date('2015-02-02T05:15:13.000Z'),
          etag: '"5B3C1A2E053D763E1B002CC607C5A0FE"',
          type: 'Appendable',
          storageClass: 'Standard',
        },
      ],
      prefixes: ['cam/sub/'],
      isTruncated: true,
      nextContinuationToken: 'Ch+abc/d==',
    });
  });

  it('follows continuation tokens until the listing ends', async () => {
    const urls: string[] = [];
    const pages = [
      '<ListBucketResult><IsTruncated>true</IsTruncated>' +
        '<NextContinuationToken>t+1</NextContinuationToken>' +
        '<Contents><Key>a</Key><Size>1</Size></Contents></ListBucketResult>',
      '<ListBucketResult><IsTruncated>false</IsTruncated>' +
        '<Contents><Key>b</Key><Size>2</Size></Contents></ListBucketResult>',
    ];
    const transport: Transport = async (request) => {
      urls.push(request.url);
      return { status: 200, headers: {}, body: encoder.encode(pages.shift()!) };
    };
    const client = createClient({ endpoint: 'http://127.0.0.1:9', auth: CREDENTIALS, transport });
    const keys = [];
    for await (const object of client.listObjects('b', { prefix: 'x/', maxKeys: 1 })) {
      keys.push(object.key);
    }
    expect(keys).toEqual(['a', 'b']);
    expect(urls[0]).toBe(
      'http://127.0.0.1:9/b/?list-type=2&encoding-type=url&prefix=x%2F&max-keys=1',
    );
    expect(urls[1]).toContain('continuation-token=t%2B1');
  });
});

describe('lifecycle and buckets', () => {
  it('sends the rules as a LifecycleConfiguration and reads them back', async () => {
    let sent = '';
    const transport: Transport = async (request) => {
      if (request.method === 'PUT') {
        sent = new TextDecoder().decode(request.body);
        return { status: 200, headers: {}, body: new Uint8Array(0) };
      }
      return { status: 200, headers: {}, body: encoder.encode(sent) };
    };
    const client = createClient({ endpoint: 'http://127.0.0.1:9', auth: CREDENTIALS, transport });
    const rules = [
      { id: 'r1', prefix: 'videos/', status: 'Enabled' as const, expirationDays: 30 },
      {
        prefix: 'a&b<',
        status: 'Disabled' as const,
        createdBeforeDate: '2027-01-01T00:00:00.000Z',
      },
    ];
    await client.putBucketLifecycle('b', rules);
    expect(sent).toContain('<Rule><ID>r1</ID><Prefix>videos/</Prefix><Status>Enabled</Status>');
    expect(sent).toContain('<Expiration><Days>30</Days></Expiration>');
    expect(sent).toContain('a&amp;b&lt;');
    expect(sent).toContain('<CreatedBeforeDate>2027-01-01T00:00:00.000Z</CreatedBeforeDate>');
    expect(await client.getBucketLifecycle('b')).toEqual(rules);
  });

  it('creates a bucket with the ACL header and a storage class', async () => {
    const seen: Array<{ headers: Record<string, string>; body: string }> = [];
    const transport: Transport = async (request) => {
      seen.push({
        headers: request.headers,
        body: new TextDecoder().decode(request.body ?? new Uint8Array(0)),
      });
      return { status: 200, headers: {}, body: new Uint8Array(0) };
    };
    const client = createClient({ endpoint: 'http://127.0.0.1:9', auth: CREDENTIALS, transport });
    await client.createBucket('b', { acl: 'public-read', storageClass: 'IA' });
    expect(seen[0]?.headers['x-oss-acl']).toBe('public-read');
    expect(seen[0]?.body).toContain('<CreateBucketConfiguration><StorageClass>IA</StorageClass>');
  });
});
