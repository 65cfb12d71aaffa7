/**
 * The `node` entry: the same API as the default entry, with hashing done by `node:crypto`
 * (OpenSSL), which is several times faster than pure JavaScript. Every export is documented
 * on the default entry.
 *
 * @module
 */
import { bindHashes } from './api.js';
import { nodeHashes } from './node/hashes.js';

export * from './shared.js';

const api = bindHashes(nodeHashes);

/** Which hash implementation this entry uses: `node:crypto`. */
export const hashBackend: string = nodeHashes.name;
/** MD5 digest of `data` (node:crypto). */
export const md5 = api.md5;
/** SHA-256 digest of `data` (node:crypto). */
export const sha256 = api.sha256;
/** HMAC-SHA1 (node:crypto). */
export const hmacSha1 = api.hmacSha1;
/** HMAC-SHA256 (node:crypto). */
export const hmacSha256 = api.hmacSha256;
/** A running MD5 (node:crypto). */
export const createMd5 = api.createMd5;
/** `Content-MD5` of a body: base64 of its MD5 (node:crypto). */
export const contentMd5 = api.contentMd5;
/** `Content-MD5` of a body given as chunks (node:crypto). */
export const contentMd5Of = api.contentMd5Of;
/** V1 signature: base64 HMAC-SHA1 (node:crypto). */
export const signatureV1 = api.signatureV1;
/** Signs a request with V1; see the default entry. */
export const signRequestV1 = api.signRequestV1;
/** A V1 presigned URL; see the default entry. */
export const presignUrlV1 = api.presignUrlV1;
/** V4 StringToSign (node:crypto SHA-256). */
export const stringToSignV4 = api.stringToSignV4;
/** V4 signing key (node:crypto HMAC-SHA256). */
export const signingKeyV4 = api.signingKeyV4;
/** V4 signature: hex HMAC-SHA256 (node:crypto). */
export const signatureV4 = api.signatureV4;
/** Signs a request with V4; see the default entry. */
export const signRequestV4 = api.signRequestV4;
/** A V4 presigned URL; see the default entry. */
export const presignUrlV4 = api.presignUrlV4;
