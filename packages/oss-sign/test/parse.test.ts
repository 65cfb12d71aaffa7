import { describe, expect, test } from 'vitest';
import { OssSignError, parseAuthorization, parsePresignedQuery } from '../src/index.js';
import { ENTRIES } from './entries.js';

const SIG = 'e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe';
const CREDENTIAL = 'ak/20231216/cn-hangzhou/oss/aliyun_v4_request';
const V4 = {
  version: 'v4',
  accessKeyId: 'ak',
  day: '20231216',
  region: 'cn-hangzhou',
  product: 'oss',
  additionalHeaders: ['host', 'range'],
  signature: SIG,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof OssSignError ? error.code : `not an OssSignError: ${error}`;
  }
  return undefined;
}

describe('parseAuthorization', () => {
  test('reads V1 "OSS ak:signature"', () => {
    expect(parseAuthorization('OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=')).toEqual({
      version: 'v1',
      accessKeyId: '44CF9590006BF252F707',
      signature: '26NBxoKdsyly4EDv6inkoDft/yA=',
    });
  });

  test('reads V4 written without spaces', () => {
    const header =
      `OSS4-HMAC-SHA256 Credential=${CREDENTIAL},` +
      `AdditionalHeaders=host;range,Signature=${SIG}`;
    expect(parseAuthorization(header)).toEqual(V4);
  });

  test('reads V4 written with ", " separators in another field order', () => {
    const header =
      `OSS4-HMAC-SHA256 Signature=${SIG}, ` +
      `Credential=${CREDENTIAL}, AdditionalHeaders=host;range`;
    expect(parseAuthorization(header)).toEqual(V4);
  });

  test('reads V4 without AdditionalHeaders, and a key id of temporary credentials', () => {
    const header =
      'OSS4-HMAC-SHA256 Credential=STS.NV7x/20231216/cn-hangzhou/oss/aliyun_v4_request,' +
      `Signature=${SIG}`;
    expect(parseAuthorization(header)).toMatchObject({
      accessKeyId: 'STS.NV7x',
      additionalHeaders: [],
    });
  });

  test.each([
    ['another scheme', 'Bearer abc'],
    ['V1 without a colon', 'OSS ak'],
    ['V1 with an empty signature', 'OSS ak:'],
    ['V4 without Signature', `OSS4-HMAC-SHA256 Credential=${CREDENTIAL}`],
    ['V4 without Credential', `OSS4-HMAC-SHA256 Signature=${SIG}`],
    [
      'V4 with a short Credential',
      `OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss,Signature=${SIG}`,
    ],
    [
      'V4 with a bad terminator',
      `OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/v4,Signature=${SIG}`,
    ],
    [
      'V4 with a bad date',
      'OSS4-HMAC-SHA256 Credential=ak/2023-12-16/cn-hangzhou/oss/aliyun_v4_request,' +
        `Signature=${SIG}`,
    ],
    ['V4 with a non-hex signature', `OSS4-HMAC-SHA256 Credential=${CREDENTIAL},Signature=xyz`],
    [
      'V4 with a field that is not name=value',
      `OSS4-HMAC-SHA256 Credential=${CREDENTIAL},junk,Signature=${SIG}`,
    ],
    [
      'V4 with a repeated field',
      `OSS4-HMAC-SHA256 Credential=${CREDENTIAL},Signature=${SIG},Signature=${SIG}`,
    ],
  ])('rejects %s with InvalidAuthorization', (_, header) => {
    expect(codeOf(() => parseAuthorization(header))).toBe('InvalidAuthorization');
  });

  test.each(ENTRIES)('reads back what signRequestV4 of the %s wrote', (_, api) => {
    const headers = api.signRequestV4(
      { method: 'GET', bucket: 'b', key: 'k', headers: { Host: 'h' } },
      { accessKeyId: 'ak', accessKeySecret: 'sk' },
      {
        region: 'eu-central-1',
        date: new Date('2024-01-02T03:04:05Z'),
        additionalHeaders: ['host'],
      },
    );
    expect(parseAuthorization(headers.Authorization!)).toMatchObject({
      version: 'v4',
      accessKeyId: 'ak',
      day: '20240102',
      region: 'eu-central-1',
      additionalHeaders: ['host'],
    });
  });
});

describe('parsePresignedQuery', () => {
  test('is undefined for a query that is not presigned', () => {
    expect(parsePresignedQuery({})).toBeUndefined();
    expect(parsePresignedQuery({ append: '', position: '0', Expires: 'x' })).toBeUndefined();
  });

  test('rejects a V1 query missing a parameter', () => {
    expect(codeOf(() => parsePresignedQuery({ OSSAccessKeyId: 'ak', Signature: 's' }))).toBe(
      'InvalidPresignedQuery',
    );
    expect(codeOf(() => parsePresignedQuery({ Signature: 's', Expires: '1' }))).toBe(
      'InvalidPresignedQuery',
    );
    expect(
      codeOf(() => parsePresignedQuery({ OSSAccessKeyId: 'ak', Signature: 's', Expires: '1.5' })),
    ).toBe('InvalidPresignedQuery');
  });

  test('rejects a V4 query with an unknown version, a missing signature or a bad date', () => {
    const good = {
      'x-oss-signature-version': 'OSS4-HMAC-SHA256',
      'x-oss-credential': CREDENTIAL,
      'x-oss-date': '20231216T162057Z',
      'x-oss-expires': '60',
      'x-oss-signature': SIG,
    };
    expect(parsePresignedQuery(good)).toMatchObject({
      version: 'v4',
      expires: 60,
      isoDate: '20231216T162057Z',
    });
    for (const bad of [
      { ...good, 'x-oss-signature-version': 'OSS4-HMAC-SHA1' },
      { ...good, 'x-oss-signature': '' },
      { ...good, 'x-oss-date': '2023-12-16' },
      { ...good, 'x-oss-expires': '-1' },
      { ...good, 'x-oss-credential': 'ak' },
    ]) {
      expect(codeOf(() => parsePresignedQuery(bad))).toBe('InvalidPresignedQuery');
    }
  });
});
