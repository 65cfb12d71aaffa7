import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ENTRIES } from './entries.js';

// The official JavaScript client's own signing helpers: an independent implementation to
// compare the canonical strings and signatures with.
const aliSign = createRequire(import.meta.url)('ali-oss/lib/common/signUtils.js');

const credentials = { accessKeyId: 'ak', accessKeySecret: 'sk' };
const DATE = new Date('2024-03-01T08:00:00Z');

const headerName = fc
  .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.boolean())
  .map(([n, upper]) => (upper ? `X-OSS-Meta-${n}` : `x-oss-meta-${n}`));
const headerValue = fc.stringMatching(/^[!-~][ -~]{0,20}$/);
const SIGNED = [
  'acl',
  'append',
  'position',
  'uploadId',
  'partNumber',
  'versionId',
  'x-oss-process',
];
const subResources = fc.dictionary(
  fc.constantFrom(...SIGNED, 'response-content-disposition'),
  fc.oneof(fc.constant(''), fc.stringMatching(/^[ -~]{1,16}$/)),
);
const objectKey = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });

describe.each(ENTRIES)('%s', (_, api) => {
  describe('V1 canonicalized resource', () => {
    test('writes sub-resources sorted, bare when empty, with decoded values', () => {
      const resource = api.canonicalizedResource({
        bucket: 'b',
        key: 'dir/a b+c.ts',
        query: {
          position: '0',
          append: '',
          acl: null,
          'response-content-disposition': 'attachment; filename="a b.mp4"',
        },
      });
      expect(resource).toBe(
        '/b/dir/a b+c.ts?acl&append&position=0' +
          '&response-content-disposition=attachment; filename="a b.mp4"',
      );
    });

    test('leaves out listing parameters, unknown parameters and undefined values', () => {
      const query = {
        prefix: 'a/',
        marker: 'm',
        'max-keys': '10',
        delimiter: '/',
        'list-type': '2',
        'encoding-type': 'url',
        'start-after': 's',
        'fetch-owner': 'true',
        'made-up': 'x',
        uploadId: undefined,
      };
      expect(api.canonicalizedResource({ bucket: 'b', query })).toBe('/b/');
      expect(api.canonicalizedResource({ bucket: 'b', query: { ...query, lifecycle: '' } })).toBe(
        '/b/?lifecycle',
      );
    });

    test('covers the whole sub-resource list of the protocol', () => {
      const listed =
        'acl uploads location cors logging website referer lifecycle delete append tagging ' +
        'objectMeta uploadId partNumber security-token position img style styleName replication ' +
        'replicationProgress replicationLocation cname bucketInfo comp qos live status vod ' +
        'startTime endTime symlink x-oss-process response-content-type response-content-language ' +
        'response-expires response-cache-control response-content-disposition ' +
        'response-content-encoding policy stat encryption versions versioning versionId ' +
        'continuation-token callback callback-var sequential restore resourceGroup';
      for (const name of listed.split(' '))
        expect(api.SIGNED_SUBRESOURCES.has(name), name).toBe(true);
    });

    test('is "/" for the service and "/bucket/" for a bucket', () => {
      expect(api.canonicalizedResource({})).toBe('/');
      expect(api.canonicalizedResource({ bucket: 'b' })).toBe('/b/');
      expect(() => api.canonicalizedResource({ key: 'k' })).toThrow(TypeError);
    });
  });

  describe('V1 canonicalized OSS headers', () => {
    test('trims values exactly as String#trim does, and keeps other control characters', () => {
      const values = ['\t a \u00a0', '\u0001a\u0001', ' ', '', 'b\u2028', '\ufeffc'];
      const headers = Object.fromEntries(values.map((v, i) => [`x-oss-meta-${i}`, v]));
      const expected = values.map((v, i) => `x-oss-meta-${i}:${v.trim()}\n`).join('');
      expect(api.canonicalizedOssHeaders(headers)).toBe(expected);
    });

    test('sorts names as code units, later spellings winning', () => {
      const headers = {
        'x-oss-b': '1',
        'X-OSS-A': '2',
        'x-oss-a': '3',
        'x-oss-a-': '4',
        'x-oss-B': '5',
      };
      expect(api.canonicalizedOssHeaders(headers)).toBe('x-oss-a:3\nx-oss-a-:4\nx-oss-b:5\n');
    });
  });

  describe('V1 string to sign', () => {
    test('takes x-oss-date over Date, and an explicit Expires over both', () => {
      const headers = { Date: 'date-header', 'x-oss-date': 'oss-date' };
      expect(api.stringToSignV1({ method: 'get', headers }).split('\n')[3]).toBe('oss-date');
      expect(api.stringToSignV1({ method: 'GET', headers: { Date: 'd' } }).split('\n')[3]).toBe(
        'd',
      );
      expect(api.stringToSignV1({ method: 'GET', headers }, '1700000000').split('\n')[3]).toBe(
        '1700000000',
      );
    });

    test('matches the official client for random headers, keys and sub-resources', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
          objectKey,
          fc.dictionary(headerName, headerValue),
          subResources,
          fc.option(fc.constantFrom('video/mp2t', 'text/plain'), { nil: undefined }),
          (method, key, meta, query, contentType) => {
            const headers: Record<string, string> = { ...meta, 'x-oss-date': DATE.toUTCString() };
            if (contentType) headers['Content-Type'] = contentType;
            const ours = api.stringToSignV1({ method, bucket: 'bkt', key, query, headers });
            const theirs = aliSign.buildCanonicalString(method, `/bkt/${key}`, {
              headers,
              parameters: query,
            });
            expect(ours).toBe(theirs);
            expect(api.signatureV1('sk', ours)).toBe(aliSign.computeSignature('sk', theirs));
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  describe('signRequestV1', () => {
    test('adds x-oss-date, the security token and Authorization, and keeps the rest', () => {
      const headers = api.signRequestV1(
        {
          method: 'POST',
          bucket: 'b',
          key: 'cam/1.ts',
          query: { append: '', position: '0' },
          headers: { 'Content-Type': 'video/mp2t' },
        },
        { ...credentials, securityToken: 'token+/=' },
        { date: DATE },
      );
      expect(headers['Content-Type']).toBe('video/mp2t');
      expect(headers['x-oss-date']).toBe('Fri, 01 Mar 2024 08:00:00 GMT');
      expect(headers['x-oss-security-token']).toBe('token+/=');

      const stringToSign =
        'POST\n\nvideo/mp2t\nFri, 01 Mar 2024 08:00:00 GMT\n' +
        'x-oss-date:Fri, 01 Mar 2024 08:00:00 GMT\nx-oss-security-token:token+/=\n' +
        '/b/cam/1.ts?append&position=0';
      expect(headers.Authorization).toBe(`OSS ak:${aliSign.computeSignature('sk', stringToSign)}`);
    });

    test('replaces a differently cased x-oss-date instead of sending two', () => {
      const headers = api.signRequestV1(
        { method: 'GET', bucket: 'b', headers: { 'X-OSS-Date': 'old' } },
        credentials,
        { date: DATE },
      );
      expect(Object.keys(headers).sort()).toEqual(['Authorization', 'x-oss-date']);
    });

    test('keeps a given x-oss-date when no date option is passed', () => {
      const headers = api.signRequestV1(
        { method: 'GET', bucket: 'b', headers: { 'x-oss-date': 'Thu, 01 Feb 2024 00:00:00 GMT' } },
        credentials,
      );
      expect(headers['x-oss-date']).toBe('Thu, 01 Feb 2024 00:00:00 GMT');
    });

    test('does not modify the request it was given', () => {
      const req = { method: 'GET', bucket: 'b', headers: { a: '1' } };
      api.signRequestV1(req, credentials);
      expect(req.headers).toEqual({ a: '1' });
    });
  });

  describe('V4', () => {
    test('canonical headers sign content-type, content-md5, x-oss-* and named extras only', () => {
      const headers = {
        Host: 'b.example',
        Range: 'bytes=0-1',
        'Content-MD5': ' abc ',
        'X-Oss-Meta-A': 'v',
        'User-Agent': 'x',
      };
      expect(api.canonicalHeadersV4(headers)).toBe('content-md5:abc\nx-oss-meta-a:v\n');
      expect(api.canonicalHeadersV4(headers, ['host', 'range'])).toBe(
        'content-md5:abc\nhost:b.example\nrange:bytes=0-1\nx-oss-meta-a:v\n',
      );
    });

    test('canonical URI keeps "/" and encodes everything else but unreserved characters', () => {
      expect(api.canonicalUriV4()).toBe('/');
      expect(api.canonicalUriV4('b')).toBe('/b/');
      expect(api.canonicalUriV4('b', "a b/é//~!*'()")).toBe('/b/a%20b/%C3%A9//~%21%2A%27%28%29');
    });

    test('canonical query encodes "/" and sorts by encoded name', () => {
      expect(api.canonicalQueryV4({ b: 'x/y', a: '', 'a b': 'c d', z: undefined })).toBe(
        'a&a%20b=c%20d&b=x%2Fy',
      );
    });

    test('the canonical request ignores a presigned x-oss-signature parameter', () => {
      const req = { method: 'GET', bucket: 'b', key: 'k', query: { a: '1' } };
      expect(api.canonicalRequestV4({ ...req, query: { a: '1', 'x-oss-signature': 'f' } })).toBe(
        api.canonicalRequestV4(req),
      );
    });

    test('signRequestV4 matches the official client, with additional headers and a token', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('GET', 'PUT', 'POST'),
          objectKey,
          fc.dictionary(
            headerName.map((h) => h.toLowerCase()),
            headerValue,
          ),
          fc.dictionary(
            fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
            fc.oneof(fc.constant(''), headerValue),
          ),
          fc.subarray(['host', 'range']),
          fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/), { nil: undefined }),
          (method, key, meta, query, additional, token) => {
            const headers: Record<string, string> = {
              ...meta,
              host: 'bkt.oss-cn-hangzhou.aliyuncs.com',
              range: 'bytes=0-99',
              'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
            };
            const creds =
              token === undefined ? credentials : { ...credentials, securityToken: token };
            const signed = api.signRequestV4(
              { method, bucket: 'bkt', key, query, headers },
              creds,
              {
                region: 'cn-hangzhou',
                date: DATE,
                additionalHeaders: additional,
              },
            );

            const theirQuery = Object.fromEntries(
              Object.entries(query).map(([k, v]) => [k, v === '' ? null : v]),
            );
            const { Authorization: _, ...sentHeaders } = signed;
            const theirs = aliSign.authorizationV4(
              'ak',
              'sk',
              'cn-hangzhou',
              method,
              { headers: sentHeaders, queries: theirQuery },
              'bkt',
              key,
              additional,
            );
            expect(signed.Authorization).toBe(theirs);
            expect(signed['x-oss-date']).toBe('20240301T080000Z');
          },
        ),
        { numRuns: 150 },
      );
    });

    test('additional headers the request does not carry, or signs anyway, are dropped', () => {
      const signed = api.signRequestV4(
        { method: 'GET', bucket: 'b', key: 'k', headers: { Host: 'h' } },
        credentials,
        {
          region: 'cn-hangzhou',
          date: DATE,
          additionalHeaders: ['HOST', 'range', 'x-oss-meta-a', 'host'],
        },
      );
      expect(api.parseAuthorization(signed.Authorization!)).toMatchObject({
        additionalHeaders: ['host'],
      });
    });
  });
});
