import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunksOf, piecesOf, skipBytes } from '../src/sources.js';

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of iterable) out.push(chunk.slice());
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const piecesArbitrary = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 });

describe('re-chunking', () => {
  it('keeps every byte in order and cuts chunks of exactly chunkSize but the last', async () => {
    await fc.assert(
      fc.asyncProperty(piecesArbitrary, fc.integer({ min: 1, max: 200 }), async (pieces, size) => {
        const chunks = await collect(chunksOf(piecesOf(pieces), size));
        expect(concat(chunks)).toEqual(concat(pieces));
        for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBe(size);
        const last = chunks.at(-1);
        if (last !== undefined) expect(last.length).toBeGreaterThan(0);
      }),
    );
  });

  it('skipBytes splits the stream at any offset', async () => {
    await fc.assert(
      fc.asyncProperty(piecesArbitrary, fc.nat(2000), async (pieces, skip) => {
        const whole = concat(pieces);
        const skipped: Uint8Array[] = [];
        const rest = await collect(skipBytes(piecesOf(pieces), skip, (p) => skipped.push(p)));
        const cut = Math.min(skip, whole.length);
        expect(concat(skipped)).toEqual(whole.subarray(0, cut));
        expect(concat(rest)).toEqual(whole.subarray(cut));
      }),
    );
  });

  it('reads a ReadableStream and rejects pieces that are not bytes', async () => {
    const stream = new Blob(['abc', 'def']).stream();
    expect(new TextDecoder().decode(concat(await collect(piecesOf(stream))))).toBe('abcdef');
    await expect(collect(piecesOf(['text' as unknown as Uint8Array]))).rejects.toThrow(TypeError);
  });
});

describe('runtime entries', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

  /**
   * Every module an entry reaches, following relative imports: sources as paths relative to
   * `src/` (e.g. `node/source.ts`), packages by their specifier.
   */
  function graph(entry: string, seen = new Set<string>()): Set<string> {
    if (seen.has(entry)) return seen;
    seen.add(entry);
    const text = readFileSync(join(src, entry), 'utf8');
    for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
      const target = match[1]!;
      if (!target.startsWith('.')) seen.add(target);
      else graph(posix.join(posix.dirname(entry), target.replace(/\.js$/, '.ts')), seen);
    }
    return seen;
  }

  it('the default entry reaches no node: module and not undici', () => {
    const reached = [...graph('index.ts')];
    expect(reached.filter((name) => name.startsWith('node:') || name === 'undici')).toEqual([]);
    expect(reached).not.toContain('undici-transport.ts');
    expect(reached).not.toContain('node/source.ts');
    expect(reached).not.toContain('node/native-crc.ts');
  });

  it('the node entry adds the undici transport and file sources', () => {
    const reached = [...graph('node.ts')];
    expect(reached).toContain('undici-transport.ts');
    expect(reached).toContain('node/source.ts');
    expect(reached).toContain('node/native-crc.ts');
  });
});

describe('native CRC-64 (Node entry)', () => {
  it('agrees with the JavaScript CRC-64, continued from any previous value', async () => {
    const { loadNativeCrc64 } = await import('../src/node/native-crc.js');
    const { crc64 } = await import('@oss-media/oss-sign');
    const native = loadNativeCrc64();
    if (native === undefined) {
      if (process.env.CI === 'true') throw new Error('crc64-ecma182 did not load in CI');
      console.log('skipped: the optional crc64-ecma182 addon is not installed');
      return;
    }
    expect(native(new TextEncoder().encode('123456789'), 0n)).toBe(0x995dc9bbdf1939fan);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.bigInt(0n, 2n ** 64n - 1n), (data, p) => {
        return native(data, p) === crc64(data, p);
      }),
    );
  });
});
