/**
 * AES-128 segment encryption as HLS defines it (RFC 8216 §5.2): the whole segment in AES-CBC
 * with PKCS#7 padding, a 16-byte key and a 16-byte IV. Uses WebCrypto, present in Node ≥ 20,
 * Deno, Bun, browsers and workers.
 */
import { HlsError, invalidArgument } from './errors.js';

/**
 * The IV the playlist announces for a segment: its media sequence number as a 128-bit
 * big-endian integer, the same value a player would assume without an `IV` attribute.
 */
export function sequenceIv(sequence: number): Uint8Array {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    invalidArgument('sequence', 'a non-negative safe integer', sequence);
  }
  const iv = new Uint8Array(16);
  let rest = sequence;
  for (let i = 15; i >= 8 && rest > 0; i--) {
    iv[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return iv;
}

/** Encrypts segments with one AES-128 key. */
export class SegmentCipher {
  private readonly key: Promise<CryptoKey>;

  /**
   * @param key the 16 raw key bytes a player will fetch from the key URI.
   * @throws {HlsError} `INVALID_ARGUMENT` for a key of another size, `ENCRYPTION_UNAVAILABLE`
   *   when the runtime has no WebCrypto.
   */
  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length !== 16) {
      invalidArgument('encryption.key', '16 bytes', key);
    }
    const subtle = globalThis.crypto?.subtle;
    if (!subtle)
      throw new HlsError('ENCRYPTION_UNAVAILABLE', 'globalThis.crypto.subtle is missing');
    this.key = subtle.importKey('raw', key.slice(), { name: 'AES-CBC' }, false, ['encrypt']);
  }

  /** AES-128-CBC with PKCS#7 padding: the output is 1 to 16 bytes longer than the input. */
  async encrypt(segment: Uint8Array, iv: Uint8Array): Promise<Uint8Array> {
    if (iv.length !== 16) invalidArgument('iv', '16 bytes', iv);
    const key = await this.key;
    const out = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-CBC', iv: iv.slice() },
      key,
      segment.slice(),
    );
    return new Uint8Array(out);
  }
}
