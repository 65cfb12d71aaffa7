import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64 } from './encoding.js';
import type { HashBackend, IncrementalHash } from './hashes.js';

const encoder = new TextEncoder();
const bytes = (x: Uint8Array | string): Uint8Array =>
  typeof x === 'string' ? encoder.encode(x) : x;

class NobleMd5 implements IncrementalHash {
  readonly #state = md5.create();

  update(chunk: Uint8Array): this {
    this.#state.update(chunk);
    return this;
  }

  digest(): Uint8Array {
    return this.#state.digest();
  }
}

/** Pure-JavaScript hashes from `@noble/hashes`: no `node:` module, runs in any runtime. */
export const nobleHashes: HashBackend = {
  name: 'noble',
  md5: (data) => md5(data),
  md5Base64: (data) => toBase64(md5(data)),
  sha256: (data) => sha256(bytes(data)),
  hmacSha1: (key, data) => hmac(sha1, bytes(key), bytes(data)),
  hmacSha1Base64: (key, data) => toBase64(hmac(sha1, bytes(key), bytes(data))),
  hmacSha256: (key, data) => hmac(sha256, bytes(key), bytes(data)),
  createMd5: () => new NobleMd5(),
};
