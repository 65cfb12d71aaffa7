import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Crc64, crc64, crc64Combine, crc64FromString, crc64ToString } from '../src/index.js';

// The native addon OSS's own Node SDK used: an independent reference implementation.
const native = createRequire(import.meta.url)('crc64-ecma182') as {
  crc64(data: Buffer): Buffer;
};
const reference = (data: Uint8Array): bigint =>
  native.crc64(Buffer.from(data.buffer, data.byteOffset, data.byteLength)).readBigUInt64LE();

// Lengths around the word path's threshold and odd offsets exercise every alignment case.
const data = fc
  .tuple(fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.integer({ min: 0, max: 7 }))
  .map(([bytes, offset]) => bytes.subarray(Math.min(offset, bytes.length)));

describe('CRC-64', () => {
  test('equals the native crc64-ecma182 addon on random data at every alignment', () => {
    fc.assert(
      fc.property(data, (d) => {
        expect(crc64(d)).toBe(reference(d));
      }),
      { numRuns: 300 },
    );
  });

  test('equals the native addon on large buffers (two lanes, several blocks, odd tails)', () => {
    const big = new Uint8Array((5 << 19) + 13).map((_, i) => (i * 2654435761) >>> 23);
    for (const part of [big, big.subarray(3), big.subarray(1, 300_001), big.subarray(0, 1 << 20)]) {
      expect(crc64(part)).toBe(reference(part));
    }
    const running = new Crc64();
    for (let o = 0; o < big.length; o += 700_001) running.update(big.subarray(o, o + 700_001));
    expect(running.digest()).toBe(reference(big));
  });

  test('property: CRC of a concatenation == combined == continued', () => {
    fc.assert(
      fc.property(data, data, (a, b) => {
        const whole = new Uint8Array(a.length + b.length);
        whole.set(a);
        whole.set(b, a.length);
        const expected = crc64(whole);
        expect(crc64Combine(crc64(a), crc64(b), b.length)).toBe(expected);
        expect(crc64Combine(crc64(a), crc64(b), BigInt(b.length))).toBe(expected);
        expect(crc64(b, crc64(a))).toBe(expected);
        expect(new Crc64().update(a).update(b).digest()).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  test('combines over lengths beyond 4 GiB (an appendable object may reach 5 GB)', () => {
    // CRC of 5 GiB of zero bytes after "a", by doubling:
    // zeros(2n) = combine(zeros(n), zeros(n), n).
    let zeros = crc64(new Uint8Array(1));
    let length = 1n;
    while (length < 5n << 30n) {
      zeros = crc64Combine(zeros, zeros, length);
      length *= 2n;
    }
    const head = crc64(Uint8Array.of(97));
    const combined = crc64Combine(head, zeros, length);
    // Continuing "a" over that many zeros would take too long; instead check that grouping
    // does not matter, which a length truncated to 32 bits or a wrong shift operator breaks.
    const grouped = crc64Combine(head, crc64Combine(zeros, zeros, length), 2n * length);
    expect(crc64Combine(combined, zeros, length)).toBe(grouped);
    expect(crc64Combine(head, zeros, length)).not.toBe(
      crc64Combine(head, zeros, length & 0xffffffffn),
    );
  });

  test('Crc64 tracks the length and keeps going after digest()', () => {
    const crc = new Crc64().update(new Uint8Array(100));
    expect(crc.length).toBe(100);
    const first = crc.digest();
    crc.update(new Uint8Array(28));
    expect(crc.length).toBe(128);
    expect(crc.digest()).toBe(crc64(new Uint8Array(28), first));
    expect(crc.toString()).toBe(crc64ToString(crc.digest()));
  });

  test('decimal string form round-trips the whole 64-bit range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        expect(crc64FromString(crc64ToString(n))).toBe(n);
      }),
    );
    expect(crc64ToString((1n << 64n) - 1n)).toBe('18446744073709551615');
  });
});
