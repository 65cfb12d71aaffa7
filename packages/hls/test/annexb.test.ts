import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AccessUnit, AccessUnitAssembler, AnnexBSplitter, nalType } from '../src/index.js';
import { makeH264 } from './helpers/streams.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function split(chunks: Uint8Array[]): { nals: string[]; chunks: number[] } {
  const splitter = new AnnexBSplitter();
  const nals: string[] = [];
  const indices: number[] = [];
  const collect = (nal: Uint8Array, chunkIndex: number) => {
    nals.push(hex(nal));
    indices.push(chunkIndex);
  };
  for (const chunk of chunks) splitter.push(chunk, collect);
  splitter.flush(collect);
  return { nals, chunks: indices };
}

/** Cuts `bytes` at the given positions. */
function cut(bytes: Uint8Array, positions: number[]): Uint8Array[] {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const position of sorted) {
    out.push(bytes.slice(from, position));
    from = position;
  }
  out.push(bytes.slice(from));
  return out;
}

describe('Annex-B start codes', () => {
  it('splits on 3- and 4-byte start codes and drops leading garbage and trailing zeros', () => {
    const stream = Uint8Array.from([
      0xaa,
      0x00, // bytes before the first start code
      0x00,
      0x00,
      0x00,
      0x01,
      0x09,
      0xf0, // 4-byte start code, AUD
      0x00,
      0x00,
      0x01,
      0x67,
      0x42, // 3-byte start code, SPS
      0x00,
      0x00,
      0x00,
      0x00,
      0x01,
      0x65,
      0x88,
      0x80, // trailing_zero_8bits, then an IDR slice
      0x00,
      0x00, // zeros at the end of the stream
    ]);
    expect(split([stream]).nals).toEqual(['09f0', '6742', '658880']);
  });

  it('keeps emulation-prevention bytes (00 00 03) inside a unit', () => {
    const stream = Uint8Array.from([0, 0, 1, 0x06, 0x00, 0x00, 0x03, 0x01, 0x80]);
    expect(split([stream]).nals).toEqual(['06000003' + '0180']);
  });

  it('finds a start code cut between any two of its bytes', () => {
    const stream = Uint8Array.from([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x41, 0x9a, 0x22]);
    const whole = split([stream]).nals;
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        expect(split(cut(stream, [a, b])).nals).toEqual(whole);
      }
    }
  });

  it('reports the chunk in which each unit started', () => {
    const stream = Uint8Array.from([0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x41, 0x9a]);
    // AUD starts in chunk 0, the slice's start code ends in chunk 1 (cut inside it)
    expect(split(cut(stream, [6])).chunks).toEqual([0, 1]);
  });

  it('gives the same units however a stream is cut (property)', () => {
    const stream = makeH264({ frames: 12, gop: 5, aud: true, sliceBytes: 40 });
    const whole = split([stream]).nals;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }),
        (positions) => {
          expect(split(cut(stream, positions)).nals).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('access units', () => {
  function units(stream: Uint8Array): AccessUnit[] {
    const splitter = new AnnexBSplitter();
    const assembler = new AccessUnitAssembler();
    const out: AccessUnit[] = [];
    const onNal = (nal: Uint8Array, chunk: number) => {
      const unit = assembler.push(nal.slice(), chunk);
      if (unit) out.push(unit);
    };
    splitter.push(stream, onNal);
    splitter.flush(onNal);
    const last = assembler.flush();
    if (last) out.push(last);
    return out;
  }

  it('groups AUD, SPS, PPS and slices into one unit per picture and flags IDR', () => {
    const found = units(makeH264({ frames: 7, gop: 3, aud: true }));
    expect(found.map((u) => u.nals.map(nalType))).toEqual([
      [9, 7, 8, 5],
      [9, 1],
      [9, 1],
      [9, 7, 8, 5],
      [9, 1],
      [9, 1],
      [9, 7, 8, 5],
    ]);
    expect(found.map((u) => u.keyframe)).toEqual([true, false, false, true, false, false, true]);
  });

  it('finds picture boundaries without AUDs from first_mb_in_slice = 0', () => {
    const found = units(makeH264({ frames: 4, gop: 2 }));
    expect(found.map((u) => u.nals.map(nalType))).toEqual([[7, 8, 5], [1], [7, 8, 5], [1]]);
  });

  it('keeps a picture made of several slices together', () => {
    // first slice: first_mb_in_slice 0 (bit 1); second slice: first_mb_in_slice 1 (bits 010)
    const stream = Uint8Array.from([
      0, 0, 1, 0x65, 0x88, 0x11, 0, 0, 1, 0x65, 0x48, 0x22, 0, 0, 1, 0x41, 0x88, 0x33,
    ]);
    const found = units(stream);
    expect(found.map((u) => u.nals.length)).toEqual([2, 1]);
  });

  it('drops a trailing unit that holds no picture', () => {
    const stream = Uint8Array.from([
      0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x41, 0x88, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x06, 0x05,
    ]);
    expect(units(stream)).toHaveLength(1);
  });
});
