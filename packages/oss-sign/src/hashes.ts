/** A running hash: feed chunks with `update`, read the result once with `digest`. */
export interface IncrementalHash {
  update(chunk: Uint8Array): this;
  digest(): Uint8Array;
}

/**
 * The hash functions the signing stages need. The default entry binds a pure-JavaScript
 * implementation; the `node` entry binds `node:crypto`, which is several times faster there.
 * Strings are hashed as their UTF-8 bytes.
 */
export interface HashBackend {
  /** `noble` or `node:crypto`. */
  readonly name: string;
  md5(data: Uint8Array): Uint8Array;
  /** Base64 of the MD5 of `data`; a separate member so a back-end can skip a copy. */
  md5Base64(data: Uint8Array): string;
  sha256(data: Uint8Array | string): Uint8Array;
  hmacSha1(key: Uint8Array | string, data: Uint8Array | string): Uint8Array;
  /** Base64 of the HMAC-SHA1, the V1 signature; separate so a back-end can skip a copy. */
  hmacSha1Base64(key: Uint8Array | string, data: Uint8Array | string): string;
  hmacSha256(key: Uint8Array | string, data: Uint8Array | string): Uint8Array;
  createMd5(): IncrementalHash;
}
