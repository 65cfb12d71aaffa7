import { describe, expect, test } from 'vitest';
import { ENTRIES } from './entries.js';

const credentials = { accessKeyId: 'ak', accessKeySecret: 'sk' };
const presign = {
  endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
  bucket: 'b',
  key: 'k',
  credentials,
};
const req = { method: 'GET', bucket: 'b', key: 'k' };

describe.each(ENTRIES)('%s', (_, api) => {
  test('missing or empty credentials: TypeError naming the field', () => {
    // @ts-expect-error deliberately missing
    expect(() => api.signRequestV1(req)).toThrow(
      new TypeError('credentials must be an object, got undefined'),
    );
    // @ts-expect-error deliberately incomplete
    expect(() => api.signRequestV1(req, { accessKeyId: 'ak' })).toThrow(
      /credentials\.accessKeySecret/,
    );
    expect(() =>
      api.signRequestV4(req, { ...credentials, accessKeyId: '' }, { region: 'r' }),
    ).toThrow(/credentials\.accessKeyId/);
    const badToken = { ...credentials, securityToken: 1 } as unknown as typeof credentials;
    expect(() =>
      api.presignUrlV1({
        ...presign,
        credentials: badToken,
        expires: 1,
      }),
    ).toThrow(/credentials\.securityToken/);
  });

  test('a header value that is not a string: TypeError naming the header', () => {
    const headers = { 'x-oss-meta-a': 1 } as unknown as Record<string, string>;
    expect(() => api.signRequestV1({ ...req, headers }, credentials)).toThrow(TypeError);
    expect(() => api.signRequestV1({ ...req, headers }, credentials)).toThrow(
      /req\.headers\["x-oss-meta-a"\]/,
    );
    expect(() => api.canonicalizedOssHeaders(headers)).toThrow(
      /headers\["x-oss-meta-a"\] must be a string, got number 1/,
    );
    expect(() => api.presignUrlV4({ ...presign, region: 'r', expires: 1, headers })).toThrow(
      /options\.headers/,
    );
  });

  test('an invalid Date: RangeError naming the option', () => {
    expect(() => api.signRequestV1(req, credentials, { date: new Date('nope') })).toThrow(
      RangeError,
    );
    expect(() => api.signRequestV1(req, credentials, { date: new Date('nope') })).toThrow(
      /options\.date/,
    );
    expect(() =>
      api.signRequestV4(req, credentials, { region: 'r', date: new Date(Number.NaN) }),
    ).toThrow(/options\.date/);
    expect(() => api.presignUrlV1({ ...presign, expires: 1, now: new Date('x') })).toThrow(
      /options\.now/,
    );
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'expires %s: RangeError',
    (expires) => {
      expect(() => api.presignUrlV1({ ...presign, expires })).toThrow(RangeError);
      expect(() => api.presignUrlV4({ ...presign, region: 'r', expires })).toThrow(/expires/);
    },
  );

  test('V4 expires above seven days: RangeError; exactly seven days is accepted', () => {
    expect(() => api.presignUrlV4({ ...presign, region: 'r', expires: 604801 })).toThrow(
      new RangeError('expires must be at most 604800 seconds, got 604801'),
    );
    expect(api.presignUrlV4({ ...presign, region: 'r', expires: 604800 })).toContain(
      'x-oss-expires=604800',
    );
  });

  test('other arguments are named too', () => {
    // @ts-expect-error deliberately missing
    expect(() => api.signRequestV4(req, credentials, {})).toThrow(/region/);
    // @ts-expect-error deliberately wrong
    expect(() => api.signRequestV1({ bucket: 'b' }, credentials)).toThrow(/req\.method/);
    expect(() => api.presignUrlV1({ ...presign, endpoint: 'not a url', expires: 1 })).toThrow(
      /endpoint/,
    );
    expect(() => api.presignUrlV1({ ...presign, bucket: '', expires: 1 })).toThrow(/bucket/);
    // @ts-expect-error deliberately wrong
    expect(() => api.md5('text')).toThrow(/data must be a Uint8Array, got "text"/);
    // @ts-expect-error deliberately wrong
    expect(() => api.hmacSha256(null, 'x')).toThrow(/key/);
    expect(() => api.stringToSignV4('', '2023-12-16', 'r')).toThrow(/isoDate/);
    expect(() => api.signingKeyV4('sk', '2023121', 'r')).toThrow(/day/);
    // @ts-expect-error deliberately wrong
    expect(() => api.crc64('abc')).toThrow(/data/);
    expect(() => api.crc64(new Uint8Array(1), -1n)).toThrow(/previous/);
    expect(() => api.crc64Combine(0n, 0n, -1)).toThrow(/length2/);
    expect(() => api.crc64FromString('12a')).toThrow(RangeError);
    expect(() => api.crc64FromString('18446744073709551616')).toThrow(/out of the 64-bit range/);
    expect(() => api.fromBase64('ab$=')).toThrow(TypeError);
  });

  test('contentMd5Of rejects a chunk that is not bytes', async () => {
    // @ts-expect-error deliberately wrong
    await expect(api.contentMd5Of(['text'])).rejects.toThrow(/chunk/);
  });
});
