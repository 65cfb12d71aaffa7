import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdtsParser, parseAdtsHeader } from '../src/index.js';
import { concat, makeAdts, makeAdtsFrame } from './helpers/streams.js';

describe('ADTS', () => {
  it('reads frame length, sample rate, channels and samples from the header', () => {
    const frame = makeAdtsFrame(11, 2, new Array(30).fill(0x21));
    expect(parseAdtsHeader(frame, 0)).toEqual({
      frameLength: 37,
      sampleRate: 8000,
      channels: 2,
      samples: 1024,
    });
    // the first header of the sample recording: fff1 6c80 1fa1 f0 (LC, 8 kHz, stereo, 253 bytes)
    const sample = Uint8Array.from([0xff, 0xf1, 0x6c, 0x80, 0x1f, 0xa1, 0xf0]);
    expect(parseAdtsHeader(sample, 0)).toEqual({
      frameLength: 253,
      sampleRate: 8000,
      channels: 2,
      samples: 1024,
    });
  });

  it('rejects bytes without the syncword or with a reserved sampling index', () => {
    expect(
      parseAdtsHeader(Uint8Array.from([0xff, 0xe1, 0x6c, 0x80, 0x1f, 0xa1, 0xf0]), 0),
    ).toBeUndefined();
    expect(
      parseAdtsHeader(Uint8Array.from([0xff, 0xf1, 0x7c, 0x80, 0x1f, 0xa1, 0xf0]), 0),
    ).toBeUndefined();
  });

  it('carries an incomplete frame over to the next call', () => {
    const stream = makeAdts(3);
    const parser = new AdtsParser();
    const first = parser.push(stream.subarray(0, 40));
    const rest = parser.push(stream.subarray(40));
    expect(first).toHaveLength(1);
    expect(rest).toHaveLength(2);
    expect(concat([...first, ...rest].map((f) => f.bytes))).toEqual(stream);
    expect(rest.map((f) => f.chunkIndex)).toEqual([0, 1]);
  });

  it('skips garbage until the next syncword and counts it', () => {
    const parser = new AdtsParser();
    const frames = parser.push(concat([Uint8Array.of(1, 2, 3), makeAdts(2)]));
    expect(frames).toHaveLength(2);
    expect(parser.skippedBytes).toBe(3);
  });

  it('yields the same frames however the stream is cut (property)', () => {
    const stream = makeAdts(20);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 50 }),
        (sizes) => {
          const parser = new AdtsParser();
          const frames: Uint8Array[] = [];
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const size = sizes[i % sizes.length] as number;
            for (const f of parser.push(stream.slice(offset, offset + size)))
              frames.push(f.bytes.slice());
            offset += size;
          }
          expect(frames).toHaveLength(20);
          expect(concat(frames)).toEqual(stream);
        },
      ),
    );
  });
});
