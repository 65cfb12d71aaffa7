// The test vectors of shared/protocol.md §1, §2, §3 and §7 as data, with the stage-by-stage
// expectations they imply. Also bundled into the browser test, so this file imports nothing
// from Node.
import type { SignableRequest } from '../src/index.js';

/** The public functions a vector run needs; both entries and the browser bundle provide them. */
export type SignApi = typeof import('../src/index.js');

export interface V1Vector {
  name: string;
  accessKeyId: string;
  secret: string;
  request: SignableRequest;
  expected: {
    canonicalizedOssHeaders: string;
    canonicalizedResource: string;
    stringToSign: string;
    signature: string;
    authorization: string;
  };
}

export interface PresignV1Vector {
  name: string;
  accessKeyId: string;
  secret: string;
  bucket: string;
  key: string;
  method: string;
  /** Absolute Unix seconds, the Expires line of the string to sign. */
  expiresAt: number;
  expected: { stringToSign: string; signature: string; url: string };
}

export interface V4Vector {
  name: string;
  accessKeyId: string;
  secret: string;
  region: string;
  request: SignableRequest;
  expected: {
    canonicalUri: string;
    canonicalQuery: string;
    canonicalHeaders: string;
    canonicalRequest: string;
    scope: string;
    signature: string;
    authorization: string;
  };
}

export interface Crc64Vector {
  name: string;
  input: string;
  expected: string;
}

const DOC_SECRET = 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV';
const D = 'Wed, 28 Dec 2022 10:27:41 GMT';

export const V1_VECTORS: V1Vector[] = [
  {
    name: 'V1 PUT object with Content-MD5, Content-Type and two x-oss headers (§1 table row 1)',
    accessKeyId: '44CF9590006BF252F707',
    secret: DOC_SECRET,
    request: {
      method: 'PUT',
      bucket: 'oss-example',
      key: 'nelson',
      headers: {
        'Content-MD5': 'ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=',
        'Content-Type': 'text/html',
        Date: 'Thu, 17 Nov 2005 18:49:58 GMT',
        'X-OSS-Meta-Author': 'foo@bar.com',
        'X-OSS-Magic': 'abracadabra',
      },
    },
    expected: {
      canonicalizedOssHeaders: 'x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n',
      canonicalizedResource: '/oss-example/nelson',
      stringToSign:
        'PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\n' +
        'Thu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n' +
        '/oss-example/nelson',
      signature: '26NBxoKdsyly4EDv6inkoDft/yA=',
      authorization: 'OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=',
    },
  },
  {
    name: 'V1 service-level PUT with no headers but Date (§1 table row 2)',
    accessKeyId: 'ak',
    secret: DOC_SECRET,
    request: { method: 'PUT', headers: { Date: 'Thu, 17 Nov 2005 18:49:58 GMT' } },
    expected: {
      canonicalizedOssHeaders: '',
      canonicalizedResource: '/',
      stringToSign: 'PUT\n\n\nThu, 17 Nov 2005 18:49:58 GMT\n/',
      signature: 'PPaaX3Rt4ntpD31O9aqkyCf2pd4=',
      authorization: 'OSS ak:PPaaX3Rt4ntpD31O9aqkyCf2pd4=',
    },
  },
  {
    name: 'V1 PUT signed with x-oss-date instead of Date (§1 secret sk)',
    accessKeyId: 'ak',
    secret: 'sk',
    request: {
      method: 'PUT',
      bucket: 'examplebucket',
      key: 'nelson',
      headers: {
        'x-oss-date': D,
        'x-oss-meta-author': 'alice',
        'x-oss-meta-magic': 'abracadabra',
        'content-md5': 'eB5eJF1ptWaXm4bijSPyxw==',
        'content-type': 'text/html',
      },
    },
    expected: {
      canonicalizedOssHeaders:
        `x-oss-date:${D}\n` + 'x-oss-meta-author:alice\n' + 'x-oss-meta-magic:abracadabra\n',
      canonicalizedResource: '/examplebucket/nelson',
      stringToSign:
        `PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n${D}\nx-oss-date:${D}\n` +
        'x-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson',
      signature: 'kSHKmLxlyEAKtZPkJhG9bZb5k7M=',
      authorization: 'OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=',
    },
  },
];

export const PRESIGN_V1_VECTORS: PresignV1Vector[] = [
  {
    name: 'V1 presigned GET of oss-api.pdf (§2)',
    accessKeyId: 'ak',
    secret: DOC_SECRET,
    bucket: 'oss-example',
    key: 'oss-api.pdf',
    method: 'GET',
    expiresAt: 1141889120,
    expected: {
      stringToSign: 'GET\n\n\n1141889120\n/oss-example/oss-api.pdf',
      signature: 'EwaNTn1erJGkimiJ9WmXgwnANLc=',
      url:
        'https://oss-example.oss-cn-hangzhou.aliyuncs.com/oss-api.pdf' +
        '?OSSAccessKeyId=ak&Expires=1141889120&Signature=EwaNTn1erJGkimiJ9WmXgwnANLc%3D',
    },
  },
];

const V4_DATE = '20231216T162057Z';

export const V4_VECTORS: V4Vector[] = [
  {
    name: 'V4 PUT with +, | and bare query parameters (§3)',
    accessKeyId: 'ak',
    secret: 'sk',
    region: 'cn-hangzhou',
    request: {
      method: 'PUT',
      bucket: 'bucket',
      key: '1234+-/123/1.txt',
      query: {
        param1: 'value1',
        '|param1': 'value4',
        '+param1': 'value3',
        param2: '',
        '|param2': '',
        '+param2': null,
      },
      headers: {
        'x-oss-head1': 'value',
        'x-oss-date': V4_DATE,
        'Content-Type': 'text/plain',
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    },
    expected: {
      canonicalUri: '/bucket/1234%2B-/123/1.txt',
      canonicalQuery: '%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2',
      canonicalHeaders:
        'content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n' +
        `x-oss-date:${V4_DATE}\nx-oss-head1:value\n`,
      canonicalRequest:
        'PUT\n/bucket/1234%2B-/123/1.txt\n' +
        '%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n' +
        'content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n' +
        `x-oss-date:${V4_DATE}\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD`,
      scope: '20231216/cn-hangzhou/oss/aliyun_v4_request',
      signature: 'e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
      authorization:
        'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,' +
        'Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
    },
  },
];

export const CRC64_VECTORS: Crc64Vector[] = [
  {
    name: 'CRC-64 check value of "123456789" (§7)',
    input: '123456789',
    expected: '11051210869376104954',
  },
  { name: 'CRC-64 of the empty input is 0 (§7)', input: '', expected: '0' },
];

/** Every stage of a V1 vector as `api` computes it, shaped like `expected`. */
export function v1Stages(api: SignApi, v: V1Vector): V1Vector['expected'] {
  const stringToSign = api.stringToSignV1(v.request);
  const signature = api.signatureV1(v.secret, stringToSign);
  return {
    canonicalizedOssHeaders: api.canonicalizedOssHeaders(v.request.headers ?? {}),
    canonicalizedResource: api.canonicalizedResource(v.request),
    stringToSign,
    signature,
    authorization: api.authorizationV1(v.accessKeyId, signature),
  };
}

/** The presigned URL and its stages as `api` computes them, shaped like `expected`. */
export function presignV1Stages(api: SignApi, v: PresignV1Vector): PresignV1Vector['expected'] {
  const request = { method: v.method, bucket: v.bucket, key: v.key };
  const stringToSign = api.stringToSignV1(request, String(v.expiresAt));
  const url = api.presignUrlV1({
    endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    bucket: v.bucket,
    key: v.key,
    method: v.method,
    credentials: { accessKeyId: v.accessKeyId, accessKeySecret: v.secret },
    now: new Date((v.expiresAt - 900) * 1000),
    expires: 900,
  });
  return { stringToSign, signature: api.signatureV1(v.secret, stringToSign), url };
}

/** Every stage of a V4 vector as `api` computes it, shaped like `expected`. */
export function v4Stages(api: SignApi, v: V4Vector): V4Vector['expected'] {
  const isoDate = v.request.headers?.['x-oss-date'] ?? '';
  const day = isoDate.slice(0, 8);
  const canonicalRequest = api.canonicalRequestV4(v.request);
  const stringToSign = api.stringToSignV4(canonicalRequest, isoDate, v.region);
  const signature = api.signatureV4(api.signingKeyV4(v.secret, day, v.region), stringToSign);
  return {
    canonicalUri: api.canonicalUriV4(v.request.bucket, v.request.key),
    canonicalQuery: api.canonicalQueryV4(v.request.query),
    canonicalHeaders: api.canonicalHeadersV4(v.request.headers ?? {}),
    canonicalRequest,
    scope: stringToSign.split('\n')[2] ?? '',
    signature,
    authorization: api.authorizationV4({
      accessKeyId: v.accessKeyId,
      day,
      region: v.region,
      signature,
    }),
  };
}

/** The CRC-64 of a vector's input: whole, byte by byte, and combined from two halves. */
export function crc64Stages(api: SignApi, v: Crc64Vector) {
  const bytes = api.utf8(v.input);
  const running = new api.Crc64();
  for (const b of bytes) running.update(Uint8Array.of(b));
  const cut = bytes.length >> 1;
  const left = api.crc64(bytes.subarray(0, cut));
  const right = api.crc64(bytes.subarray(cut));
  return {
    whole: api.crc64ToString(api.crc64(bytes)),
    byteByByte: running.toString(),
    continued: api.crc64ToString(api.crc64(bytes.subarray(cut), left)),
    combined: api.crc64ToString(api.crc64Combine(left, right, bytes.length - cut)),
  };
}
