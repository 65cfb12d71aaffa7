import { createHash, createHmac, type Hash, hash } from 'node:crypto';
import type { HashBackend, IncrementalHash } from '../hashes.js';

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

// The V1 signature is one short HMAC-SHA1 per request, and there `createHmac` costs far more in
// object set-up than in hashing. RFC 2104 spelled out over the one-shot `hash` (no JS object,
// no Buffer for the digest) measured about twice as fast: H(K^opad || H(K^ipad || m)). The
// padded key blocks of the most recent string key are kept; `inner` holds K^ipad followed by
// room for the message, so the message is encoded once, straight behind it.
const BLOCK = 64;
const INNER_ROOM = 4096;
let padKeyText: string | undefined;
const inner = Buffer.alloc(BLOCK + INNER_ROOM);
const outer = Buffer.alloc(BLOCK + 20);

function setPadKeys(key: string): void {
  let k: Buffer = Buffer.from(key, 'utf8');
  if (k.length > BLOCK) k = hash('sha1', k, 'buffer');
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = (k[i] ?? 0) ^ 0x36;
    outer[i] = (k[i] ?? 0) ^ 0x5c;
  }
  padKeyText = key;
}

function hmacSha1Base64(key: Uint8Array | string, data: Uint8Array | string): string {
  // A UTF-16 unit takes at most 3 bytes of UTF-8; longer or binary input takes the usual road.
  if (typeof key !== 'string' || typeof data !== 'string' || data.length * 3 > INNER_ROOM) {
    return createHmac('sha1', keyBytes(key)).update(data).digest('base64');
  }
  if (key !== padKeyText) setPadKeys(key);
  const length = inner.write(data, BLOCK, 'utf8');
  // 'binary' (latin1) gives the 20 digest bytes as a short string, cheaper than a Buffer.
  outer.write(hash('sha1', inner.subarray(0, BLOCK + length), 'binary'), BLOCK, 'latin1');
  return hash('sha1', outer, 'base64');
}

/** Hashes from `node:crypto` (OpenSSL). Only the `node` entry imports this file. */
export const nodeHashes: HashBackend = {
  name: 'node:crypto',
  md5: (data) => view(createHash('md5').update(data).digest()),
  md5Base64: (data) => createHash('md5').update(data).digest('base64'),
  sha256: (data) => view(createHash('sha256').update(data).digest()),
  hmacSha1: (key, data) => view(createHmac('sha1', keyBytes(key)).update(data).digest()),
  hmacSha1Base64,
  hmacSha256: (key, data) => view(createHmac('sha256', keyBytes(key)).update(data).digest()),
  createMd5: () => new NodeMd5(),
};
