import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ENTRIES } from './entries.js';

const ENDPOINT = 'https://oss-cn-hangzhou.aliyuncs.com';
const NOW = new Date('2024-03-01T08:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const credentials = { accessKeyId: 'ak', accessKeySecret: 'sk' };
const temporary = { accessKeyId: 'STS.ak', accessKeySecret: 'sk', securityToken: 'CAIS+tok/en==' };

/** What a server sees: the decoded query and the decoded key of the path. */
function receive(url: string, pathStyle = false) {
  const parsed = new URL(url);
  // The path is taken from the string: URL parsing would resolve "." and ".." segments.
  const pathname = url.slice(url.indexOf('/', url.indexOf('//') + 2), url.indexOf('?'));
  const segments = pathname.slice(1).split('/').map(decodeURIComponent);
  const key = (pathStyle ? segments.slice(1) : segments).join('/');
  return { parsed, key, query: Object.fromEntries(parsed.searchParams) };
}

const AWKWARD_KEYS: [string, string, string][] = [
  ['space', 'video/a b.mp4', '/video/a%20b.mp4'],
  ['plus', 'a+b', '/a%2Bb'],
  ['hash', 'clip#1.ts', '/clip%231.ts'],
  ['question mark', 'why?.ts', '/why%3F.ts'],
  ['percent', '100%.ts', '/100%25.ts'],
  ['unicode', '摄像头/é.ts', '/%E6%91%84%E5%83%8F%E5%A4%B4/%C3%A9.ts'],
  ['double slash', 'a//b', '/a//b'],
  ['leading slash', '/a', '//a'],
];

describe.each(ENTRIES)('%s', (_, api) => {
  describe('presignUrlV1', () => {
    test.each(AWKWARD_KEYS)(
      'percent-encodes a key with a %s and signs the decoded key',
      (_, key, path) => {
        const url = api.presignUrlV1({
          endpoint: ENDPOINT,
          bucket: 'b',
          key,
          credentials,
          expires: 60,
          now: NOW,
        });
        const { parsed, key: received, query } = receive(url);
        expect(parsed.host).toBe('b.oss-cn-hangzhou.aliyuncs.com');
        expect(url).toContain(`aliyuncs.com${path}?`);
        expect(received).toBe(key);

        const stringToSign = api.stringToSignV1({ method: 'GET', bucket: 'b', key }, query.Expires);
        expect(query.Signature).toBe(api.signatureV1('sk', stringToSign));
      },
    );

    test('adds security-token for temporary credentials and signs it as a sub-resource', () => {
      const url = api.presignUrlV1({
        endpoint: ENDPOINT,
        bucket: 'b',
        key: 'k',
        credentials: temporary,
        expires: 60,
        now: NOW,
      });
      const { query } = receive(url);
      expect(query['security-token']).toBe('CAIS+tok/en==');
      expect(query.Expires).toBe(String(NOW_SECONDS + 60));
      const stringToSign = `GET\n\n\n${NOW_SECONDS + 60}\n/b/k?security-token=CAIS+tok/en==`;
      expect(query.Signature).toBe(api.signatureV1('sk', stringToSign));
    });

    test('signs the headers and sub-resources the request will carry', () => {
      const url = api.presignUrlV1({
        endpoint: ENDPOINT,
        bucket: 'b',
        key: 'k',
        method: 'PUT',
        credentials,
        expires: 60,
        now: NOW,
        headers: { 'Content-Type': 'video/mp2t', 'x-oss-meta-camera': '7' },
        query: { 'response-content-type': 'video/mp4', prefix: 'ignored' },
      });
      const { query } = receive(url);
      expect(query.prefix).toBe('ignored');
      const stringToSign =
        `PUT\n\nvideo/mp2t\n${NOW_SECONDS + 60}\nx-oss-meta-camera:7\n` +
        '/b/k?response-content-type=video/mp4';
      expect(query.Signature).toBe(api.signatureV1('sk', stringToSign));
    });

    test('path style puts the bucket in the path on the endpoint host', () => {
      const url = api.presignUrlV1({
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'b',
        key: 'a b',
        credentials,
        expires: 1,
        now: NOW,
        pathStyle: true,
      });
      expect(url.startsWith('http://127.0.0.1:9000/b/a%20b?OSSAccessKeyId=ak&Expires=')).toBe(true);
      expect(receive(url, true).key).toBe('a b');
    });

    test('property: the URL parses back into what was signed', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 7 * 86400 }),
          fc.boolean(),
          (key, expires, withToken) => {
            const creds = withToken ? temporary : credentials;
            const url = api.presignUrlV1({
              endpoint: ENDPOINT,
              bucket: 'b',
              key,
              credentials: creds,
              expires,
              now: NOW,
            });
            const { key: received, query } = receive(url);
            const parsed = api.parsePresignedQuery(query);
            expect(received).toBe(key);
            expect(parsed).toEqual({
              version: 'v1',
              accessKeyId: creds.accessKeyId,
              expires: NOW_SECONDS + expires,
              signature: query.Signature,
              ...(withToken ? { securityToken: temporary.securityToken } : {}),
            });
            const stringToSign = api.stringToSignV1(
              { method: 'GET', bucket: 'b', key: received, query },
              query.Expires,
            );
            expect(
              api.timingSafeEqual(api.signatureV1('sk', stringToSign), parsed!.signature),
            ).toBe(true);
          },
        ),
        { numRuns: 100 },
      );
    });

    test(
      'property: any unicode key signs with the ' + 'decoded key and is percent-encoded in the URL',
      () => {
        fc.assert(
          fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (key) => {
            const url = api.presignUrlV1({
              endpoint: ENDPOINT,
              bucket: 'b',
              key,
              credentials,
              expires: 60,
              now: NOW,
            });
            const path = url.slice(
              'https://b.oss-cn-hangzhou.aliyuncs.com'.length,
              url.indexOf('?'),
            );
            expect(path).toMatch(/^\/[A-Za-z0-9\-_.~/%]*$/);
            expect(decodeURIComponent(path.slice(1))).toBe(key);
            const stringToSign = `GET\n\n\n${NOW_SECONDS + 60}\n/b/${key}`;
            expect(new URL(url).searchParams.get('Signature')).toBe(
              api.signatureV1('sk', stringToSign),
            );
          }),
          { numRuns: 150 },
        );
      },
    );
  });

  describe('presignUrlV4', () => {
    test('writes the V4 parameters and a signature over all of them', () => {
      const url = api.presignUrlV4({
        endpoint: ENDPOINT,
        region: 'cn-hangzhou',
        bucket: 'b',
        key: 'a b/c',
        credentials: temporary,
        expires: 900,
        now: NOW,
        additionalHeaders: ['host'],
      });
      const { query, key } = receive(url);
      expect(key).toBe('a b/c');
      expect(query).toMatchObject({
        'x-oss-signature-version': 'OSS4-HMAC-SHA256',
        'x-oss-credential': 'STS.ak/20240301/cn-hangzhou/oss/aliyun_v4_request',
        'x-oss-date': '20240301T080000Z',
        'x-oss-expires': '900',
        'x-oss-additional-headers': 'host',
        'x-oss-security-token': 'CAIS+tok/en==',
      });

      const canonical = api.canonicalRequestV4(
        {
          method: 'GET',
          bucket: 'b',
          key,
          query,
          headers: { host: 'b.oss-cn-hangzhou.aliyuncs.com' },
        },
        ['host'],
      );
      expect(canonical.split('\n').slice(3)).toEqual([
        'host:b.oss-cn-hangzhou.aliyuncs.com',
        '',
        'host',
        'UNSIGNED-PAYLOAD',
      ]);
      const stringToSign = api.stringToSignV4(canonical, '20240301T080000Z', 'cn-hangzhou');
      const signingKey = api.signingKeyV4('sk', '20240301', 'cn-hangzhou');
      expect(query['x-oss-signature']).toBe(api.signatureV4(signingKey, stringToSign));
    });

    test('property: the URL parses back into what was signed, and verifies', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 604800 }),
          fc.boolean(),
          (key, expires, withToken) => {
            const creds = withToken ? temporary : credentials;
            const url = api.presignUrlV4({
              endpoint: ENDPOINT,
              region: 'cn-shanghai',
              bucket: 'b',
              key,
              credentials: creds,
              expires,
              now: NOW,
            });
            const { key: received, query } = receive(url);
            const parsed = api.parsePresignedQuery(query);
            expect(parsed).toEqual({
              version: 'v4',
              accessKeyId: creds.accessKeyId,
              day: '20240301',
              region: 'cn-shanghai',
              isoDate: '20240301T080000Z',
              expires,
              additionalHeaders: [],
              signature: query['x-oss-signature'],
              ...(withToken ? { securityToken: temporary.securityToken } : {}),
            });
            const canonical = api.canonicalRequestV4({
              method: 'GET',
              bucket: 'b',
              key: received,
              query,
            });
            const stringToSign = api.stringToSignV4(
              canonical,
              parsed!.version === 'v4' ? parsed!.isoDate : '',
              'cn-shanghai',
            );
            const signature = api.signatureV4(
              api.signingKeyV4('sk', '20240301', 'cn-shanghai'),
              stringToSign,
            );
            expect(signature).toBe(parsed!.signature);
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});
