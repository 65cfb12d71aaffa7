/**
 * OSS request signing for any JavaScript runtime: V1 and V4 header signatures and presigned
 * URLs, Content-MD5 and CRC-64. This default entry hashes with `@noble/hashes` and imports no
 * `node:` module; under the `node` export condition the same API hashes with `node:crypto`.
 *
 * @module
 */
import { bindHashes } from './api.js';
import { nobleHashes } from './hashes-noble.js';

export * from './shared.js';

const api = bindHashes(nobleHashes);

/** Which hash implementation this entry uses: `noble` here, `node:crypto` under `node`. */
export const hashBackend: string = nobleHashes.name;

/** MD5 digest of `data` (16 bytes). */
export const md5 = api.md5;

/** SHA-256 digest of `data` (32 bytes); a string is hashed as UTF-8. */
export const sha256 = api.sha256;

/** HMAC-SHA1 of `data` under `key` (20 bytes); strings are UTF-8. */
export const hmacSha1 = api.hmacSha1;

/** HMAC-SHA256 of `data` under `key` (32 bytes); strings are UTF-8. */
export const hmacSha256 = api.hmacSha256;

/**
 * A running MD5 for data that arrives in chunks.
 * @example
 * const h = createMd5(); h.update(a).update(b); toBase64(h.digest());
 */
export const createMd5 = api.createMd5;

/**
 * The `Content-MD5` header value of a body: base64 of its MD5.
 * @example
 * contentMd5(utf8('hello')) === 'XUFAKrxLKna5cZ2REBfFkg=='
 */
export const contentMd5 = api.contentMd5;

/**
 * The `Content-MD5` of a body given as chunks (a Node stream, a web `ReadableStream` in
 * runtimes where it is async-iterable, or an array).
 * @throws {TypeError} when a chunk is not a Uint8Array.
 */
export const contentMd5Of = api.contentMd5Of;

/**
 * V1 signature: base64 of HMAC-SHA1(secret, StringToSign).
 * @example
 * signatureV1(
 *   'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV',
 *   'PUT\n\n\nThu, 17 Nov 2005 18:49:58 GMT\n/',
 * ) === 'PPaaX3Rt4ntpD31O9aqkyCf2pd4='
 */
export const signatureV1 = api.signatureV1;

/**
 * Signs a request with V1 and returns the headers to send: the input headers plus `x-oss-date`
 * (from `options.date`, else kept from the input, else now), `x-oss-security-token` for
 * temporary credentials, and `Authorization`.
 *
 * @throws {TypeError} for missing credentials or a header value that is not a string.
 * @throws {RangeError} for an invalid `options.date`.
 * @example
 * const headers = signRequestV1(
 *   { method: 'PUT', bucket: 'b', key: 'cam/1.ts', headers: { 'Content-Type': 'video/mp2t' } },
 *   { accessKeyId: 'ak', accessKeySecret: 'sk' },
 * );
 * await fetch('https://b.oss-cn-hangzhou.aliyuncs.com/cam/1.ts', { method: 'PUT', headers, body });
 */
export const signRequestV1 = api.signRequestV1;

/**
 * A V1 presigned URL: `Expires` (absolute Unix seconds), `OSSAccessKeyId`, `Signature`, plus
 * `security-token` for temporary credentials. The key is percent-encoded in the path (`/` kept,
 * so `a//b` stays two slashes); the signature covers the decoded key.
 *
 * @throws {RangeError} when `expires` is not a positive integer or `now` is invalid.
 * @example
 * presignUrlV1({ endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'b', key: 'a b.mp4',
 *   credentials, expires: 3600 });
 * // https://b.oss-cn-hangzhou.aliyuncs.com/a%20b.mp4?OSSAccessKeyId=…&Expires=…&Signature=…
 */
export const presignUrlV1 = api.presignUrlV1;

/**
 * V4 StringToSign: `OSS4-HMAC-SHA256`, the timestamp, the scope
 * `<yyyymmdd>/<region>/oss/aliyun_v4_request` and the hex SHA-256 of the canonical request.
 * @throws {RangeError} when `isoDate` is not `yyyymmddTHHMMSSZ`.
 */
export const stringToSignV4 = api.stringToSignV4;

/** V4 signing key: the HMAC-SHA256 chain over day, region, `oss` and `aliyun_v4_request`. */
export const signingKeyV4 = api.signingKeyV4;

/** V4 signature: hex of HMAC-SHA256(signing key, StringToSign). */
export const signatureV4 = api.signatureV4;

/**
 * Signs a request with V4 and returns the headers to send: the input plus `x-oss-date`
 * (yyyymmddTHHMMSSZ), `x-oss-content-sha256` (`UNSIGNED-PAYLOAD` unless given),
 * `x-oss-security-token` for temporary credentials, and `Authorization`.
 *
 * @throws {TypeError} for missing credentials or region, or a non-string header value.
 * @example
 * signRequestV4({ method: 'GET', bucket: 'b', key: 'k' }, credentials, { region: 'cn-hangzhou' });
 */
export const signRequestV4 = api.signRequestV4;

/**
 * A V4 presigned URL (`x-oss-signature-version`, `x-oss-credential`, `x-oss-date`,
 * `x-oss-expires`, optional `x-oss-additional-headers` and `x-oss-security-token`, then
 * `x-oss-signature`).
 * @throws {RangeError} when `expires` is not in 1..604800.
 */
export const presignUrlV4 = api.presignUrlV4;
