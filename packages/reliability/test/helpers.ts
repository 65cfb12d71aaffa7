import { crc64 } from '@oss-media/oss-sign';

/** Percent-encodes an object key for a request path, keeping the `/` separators. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Deterministic bytes for a given seed, so a failure can be reproduced from its seed. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** CRC-64 of several chunks, as one stream. */
export function crcOf(chunks: Iterable<Uint8Array>): bigint {
  let crc = 0n;
  for (const chunk of chunks) crc = crc64(chunk, crc);
  return crc;
}

/**
 * Lines that state what a test file proved, printed together when the file ends so a run's
 * output carries one summary line per category.
 */
export class Summary {
  readonly #category: string;
  readonly #counts = new Map<string, number>();

  constructor(category: string) {
    this.#category = category;
  }

  add(name: string, amount = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + amount);
  }

  get(name: string): number {
    return this.#counts.get(name) ?? 0;
  }

  print(): void {
    const parts = [...this.#counts].map(([name, count]) => `${count} ${name}`);
    console.log(`reliability summary — ${this.#category}: ${parts.join(', ')}`);
  }
}
