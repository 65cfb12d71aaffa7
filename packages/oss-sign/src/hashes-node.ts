import { createHash, createHmac, type Hash } from 'node:crypto';
import type { HashBackend, IncrementalHash } from './hashes.js';

// A Buffer is a Uint8Array, but results are handed out as plain views so that callers comparing
// with `toEqual` or structured-cloning them see the same type from both back-ends.
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

class NodeMd5 implements IncrementalHash {
  readonly #state: Hash = createHash('md5');

  update(chunk: Uint8Array): this {
    this.#state.update(chunk);
    return this;
  }

  digest(): Uint8Array {
    return view(this.#state.digest());
  }
}

// OpenSSL takes a key as bytes; converting the same secret string on every signature costs a
// quarter of a short HMAC, so the bytes of the most recent string key are kept.
let lastKeyText: string | undefined;
let lastKeyBytes: Buffer = Buffer.alloc(0);

function keyBytes(key: Uint8Array | string): Uint8Array {
  if (typeof key !== 'string') return key;
  if (key !== lastKeyText) {
    lastKeyBytes = Buffer.from(key, 'utf8');
    lastKeyText = key;
  }
  return lastKeyBytes;
}

/** Hashes from `node:crypto` (OpenSSL). Only the `node` entry imports this file. */
export const nodeHashes: HashBackend = {
  name: 'node:crypto',
  md5: (data) => view(createHash('md5').update(data).digest()),
  md5Base64: (data) => createHash('md5').update(data).digest('base64'),
  sha256: (data) => view(createHash('sha256').update(data).digest()),
  hmacSha1: (key, data) => view(createHmac('sha1', keyBytes(key)).update(data).digest()),
  hmacSha1Base64: (key, data) => createHmac('sha1', keyBytes(key)).update(data).digest('base64'),
  hmacSha256: (key, data) => view(createHmac('sha256', keyBytes(key)).update(data).digest()),
  createMd5: () => new NodeMd5(),
};
