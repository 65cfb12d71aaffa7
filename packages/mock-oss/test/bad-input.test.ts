import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MockOss } from '../src/index.js';
import { newMock, send, xmlText } from './helpers.js';

/** Everything stored, as comparable text. */
function snapshot(mock: MockOss): string {
  const buckets = mock.store.listBuckets().map((bucket) => ({
    bucket,
    objects: (mock.store.keys(bucket.name)?.toArray() ?? []).map((key) => {
      const meta = mock.store.head(bucket.name, key);
      return { ...meta, crc64: meta?.crc64.toString() };
    }),
  }));
  return JSON.stringify(buckets);
}

async function seeded(): Promise<MockOss> {
  const mock = newMock();
  await send(mock, { method: 'PUT', bucket: 'media', key: 'keep.txt', body: 'keep' });
  await send(mock, {
    method: 'POST',
    bucket: 'media',
    key: 'live.ts',
    query: { append: '', position: '0' },
    body: 'abc',
  });
  return mock;
}

function raw(mock: MockOss, path: string, init: RequestInit = {}): Promise<Response> {
  return mock.handle(new Request(`http://127.0.0.1:9000${path}`, init));
}

describe('bad input answers the service error and changes nothing', () => {
  const authorizations = [
    'OSS',
    'OSS ',
    'OSS nocolon',
    'OSS :sig',
    'OSS4-HMAC-SHA256',
    'OSS4-HMAC-SHA256 Credential=',
    'OSS4-HMAC-SHA256 Credential=ak/20240101/cn-hangzhou/oss/aliyun_v4_request,Signature=zz',
    'Bearer token',
    'x'.repeat(10_000),
  ];
  for (const authorization of authorizations) {
    it(`malformed Authorization ${JSON.stringify(authorization.slice(0, 40))}`, async () => {
      const mock = await seeded();
      const before = snapshot(mock);
      const res = await raw(mock, '/media/keep.txt', {
        method: 'PUT',
        body: new Uint8Array([1]),
        headers: { authorization, 'x-oss-date': new Date().toUTCString() },
      });
      expect([400, 403]).toContain(res.status);
      expect(xmlText(await res.text(), 'Code')).toMatch(
        /^(InvalidArgument|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch)$/,
      );
      expect(snapshot(mock)).toBe(before);
    });
  }

  const xmlBodies: Array<[string, Record<string, string>, string]> = [
    ['not XML', { delete: '' }, 'hello'],
    ['unclosed', { delete: '' }, '<Delete><Object><Key>a</Key>'],
    [
      'a DTD with an entity',
      { delete: '' },
      '<!DOCTYPE d [<!ENTITY x "keep.txt">]><Delete><Object><Key>&x;</Key></Object></Delete>',
    ],
    ['an empty Delete', { delete: '' }, '<Delete></Delete>'],
    ['lifecycle garbage', { lifecycle: '' }, '<LifecycleConfiguration><Rule>'],
    [
      'cors with an unknown method',
      { cors: '' },
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>' +
        '<AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>',
    ],
    ['deep nesting', { lifecycle: '' }, `${'<a>'.repeat(500)}${'</a>'.repeat(500)}`],
  ];
  for (const [name, query, body] of xmlBodies) {
    it(`invalid XML body: ${name}`, async () => {
      const mock = await seeded();
      const before = snapshot(mock);
      const method = 'delete' in query ? 'POST' : 'PUT';
      const res = await send(mock, { method, bucket: 'media', query, body });
      expect(res.status).toBe(400);
      expect(xmlText(await res.text(), 'Code')).toMatch(/^(MalformedXML|InvalidArgument)$/);
      expect(snapshot(mock)).toBe(before);
    });
  }

  it('invalid UTF-8 or malformed escapes in keys are 400, not a crash', async () => {
    const mock = await seeded();
    const before = snapshot(mock);
    for (const path of ['/media/%FF%FE', '/media/%C3', '/media/%ZZ', '/media/a%']) {
      const res = await raw(mock, path, { method: 'PUT', body: new Uint8Array([1]) });
      expect(res.status, path).toBe(400);
      expect(xmlText(await res.text(), 'Code')).toBe('InvalidObjectName');
    }
    const query = await raw(mock, '/media/keep.txt?prefix=%E0%A4%A', { method: 'GET' });
    expect(query.status).toBe(400);
    expect(snapshot(mock)).toBe(before);
  });

  it('a key with dot segments is just a key', async () => {
    const mock = newMock({ noAuth: true });
    const res = await mock.dispatch({
      method: 'PUT',
      path: '/media/../../etc/passwd',
      rawQuery: '',
      headers: { host: '127.0.0.1' },
      body: (async function* () {
        yield new Uint8Array([1]);
      })(),
    });
    expect(res.status).toBe(200);
    expect(mock.store.head('media', '../../etc/passwd')).toBeDefined();
  });

  it(
    'random requests never crash the handler and ' + 'always answer with a request id (property)',
    async () => {
      const mock = await seeded();
      const before = snapshot(mock);
      const method = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH');
      const segment = fc.string({ maxLength: 12 }).map((text) => encodeURIComponent(text));
      const query = fc.dictionary(
        fc.constantFrom(
          'append',
          'position',
          'prefix',
          'max-keys',
          'delete',
          'acl',
          'uploads',
          'list-type',
          'marker',
          'lifecycle',
        ),
        fc.string({ maxLength: 8 }),
      );
      const header = fc.dictionary(
        fc.constantFrom(
          'authorization',
          'range',
          'content-md5',
          'x-oss-copy-source',
          'if-match',
          'x-oss-date',
          'content-length',
        ),
        fc.string({ maxLength: 30 }).map((text) => text.replace(/[^\x20-\x7e]/g, 'x')),
      );
      await fc.assert(
        fc.asyncProperty(
          method,
          fc.array(segment, { maxLength: 3 }),
          query,
          header,
          fc.uint8Array({ maxLength: 64 }),
          async (m, path, q, h, body) => {
            const search = new URLSearchParams(q).toString();
            const init: RequestInit = { method: m, headers: h };
            if (m !== 'GET' && m !== 'HEAD') init.body = body;
            let res: Response;
            try {
              res = await raw(mock, `/media/${path.join('/')}${search ? `?${search}` : ''}`, init);
            } catch (error) {
              // The Request constructor itself may refuse some inputs; the handler must not throw.
              if (error instanceof TypeError && !('code' in error)) return;
              throw error;
            }
            expect(res.headers.get('x-oss-request-id')).toMatch(/^[0-9A-F]{24}$/);
            await res.arrayBuffer();
          },
        ),
        { numRuns: 200 },
      );
      // Unsigned random requests may not change anything.
      expect(snapshot(mock)).toBe(before);
    },
  );
});
