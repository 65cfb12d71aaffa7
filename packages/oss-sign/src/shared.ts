// The part of the public API that does not hash: identical under every export condition.

export type { HashedApi } from './api.js';
export { bindHashes } from './api.js';
export type { Credentials, SignableRequest } from './canonical.js';
export {
  canonicalHeadersV4,
  canonicalizedOssHeaders,
  canonicalizedResource,
  canonicalQueryV4,
  canonicalRequestV4,
  canonicalUriV4,
  SIGNED_SUBRESOURCES,
} from './canonical.js';
export { Crc64, crc64, crc64Combine, crc64FromString, crc64ToString } from './crc64.js';
export { fromBase64, timingSafeEqual, toBase64, toHex, utf8 } from './encoding.js';
export { OssSignError } from './errors.js';
export type { HashBackend, IncrementalHash } from './hashes.js';
export type { ParsedAuthorization, ParsedPresign } from './parse.js';
export { parseAuthorization, parsePresignedQuery } from './parse.js';
export type { PresignOptions } from './presign-common.js';
export { authorizationV1, stringToSignV1 } from './v1-header.js';
export type { PresignV4Options, SignV4Options } from './v4.js';
export { ALGORITHM_V4, authorizationV4, MAX_EXPIRES_V4 } from './v4.js';
