import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ENTRIES } from './entries.js';

const bytes = fc.uint8Array({ maxLength: 300 });

describe.each(ENTRIES)('%s', (_, api) => {
  test('md5, sha256 and the HMACs agree with OpenSSL', () => {
    fc.assert(
      fc.property(bytes, bytes, (key, data) => {
        expect(api.toHex(api.md5(data))).toBe(createHash('md5').update(data).digest('hex'));
        expect(api.toHex(api.sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
        expect(api.toHex(api.hmacSha1(key, data))).toBe(
          createHmac('sha1', key).update(data).digest('hex'),
        );
        expect(api.toHex(api.hmacSha256(key, data))).toBe(
          createHmac('sha256', key).update(data).digest('hex'),
        );
      }),
      { numRuns: 60 },
    );
  });

  test('signatureV1 equals an OpenSSL HMAC-SHA1 on both sides of every fast-path cut-off', () => {
    // The node entry builds short-message HMACs from one-shot hashes with cached key blocks;
    // secrets around the 64-byte block and messages around the buffer limit take other paths.
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }),
        fc.string({ maxLength: 2000, unit: 'grapheme' }),
        (secret, text) => {
          expect(api.signatureV1(secret, text)).toBe(
            createHmac('sha1', secret).update(text).digest('base64'),
          );
        },
      ),
      { numRuns: 300 },
    );
    for (const length of [1364, 1365, 1366, 4096]) {
      const text = 'é'.repeat(length);
      const secrets = ['k'.repeat(63), 'k'.repeat(64), 'k'.repeat(65), 'ключ'.repeat(20)];
      for (const secret of secrets) {
        expect(api.signatureV1(secret, text)).toBe(
          createHmac('sha1', secret).update(text).digest('base64'),
        );
      }
    }
  });

  test('strings are hashed as UTF-8', () => {
    expect(api.sha256('é')).toEqual(api.sha256(api.utf8('é')));
    expect(api.hmacSha1('ключ', 'данные')).toEqual(
      api.hmacSha1(api.utf8('ключ'), api.utf8('данные')),
    );
  });

  test('results are plain Uint8Arrays from both back-ends', () => {
    expect(Object.getPrototypeOf(api.md5(new Uint8Array(0)))).toBe(Uint8Array.prototype);
  });

  test('Content-MD5 of bytes, of chunks and of an async stream agree', async () => {
    expect(api.contentMd5(api.utf8('hello'))).toBe('XUFAKrxLKna5cZ2REBfFkg==');
    await fc.assert(
      fc.asyncProperty(fc.array(bytes, { maxLength: 6 }), async (chunks) => {
        const whole = Uint8Array.from(chunks.flatMap((c) => [...c]));
        const expected = createHash('md5').update(whole).digest('base64');
        expect(api.contentMd5(whole)).toBe(expected);
        expect(await api.contentMd5Of(chunks)).toBe(expected);
        async function* stream() {
          for (const c of chunks) yield c;
        }
        expect(await api.contentMd5Of(stream())).toBe(expected);
        const running = api.createMd5();
        for (const c of chunks) running.update(c);
        expect(api.toBase64(running.digest())).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('encodings', () => {
  const [, api] = ENTRIES[0]!;

  test('base64 and hex agree with Buffer and round-trip', () => {
    fc.assert(
      fc.property(bytes, (data) => {
        const b64 = api.toBase64(data);
        expect(b64).toBe(Buffer.from(data).toString('base64'));
        expect(api.fromBase64(b64)).toEqual(data);
        expect(api.fromBase64(b64.replace(/=+$/, ''))).toEqual(data);
        expect(api.toHex(data)).toBe(Buffer.from(data).toString('hex'));
      }),
    );
  });

  test('timingSafeEqual compares strings and bytes', () => {
    expect(api.timingSafeEqual('abc', 'abc')).toBe(true);
    expect(api.timingSafeEqual('abc', 'abd')).toBe(false);
    expect(api.timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(api.timingSafeEqual(api.utf8('é'), 'é')).toBe(true);
  });
});
