import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HlsError, Pid, TsMuxer, type TsMuxerOptions, type TsSegment } from '../src/index.js';
import { concat, demux, makeAdts, makeH264, makeSps, packetsOf } from './helpers/streams.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Muxes the streams fed as the given chunks, in the given order of calls. */
function mux(
  options: TsMuxerOptions,
  calls: Array<{ video?: Uint8Array; audio?: Uint8Array; pts?: number }>,
): TsSegment[] {
  const muxer = new TsMuxer(options);
  const out: TsSegment[] = [];
  for (const call of calls) {
    const time = call.pts === undefined ? undefined : { pts: call.pts };
    if (call.video) out.push(...muxer.pushVideo(call.video, time));
    if (call.audio) out.push(...muxer.pushAudio(call.audio, time));
  }
  out.push(...muxer.close());
  return out;
}

function cutAt(bytes: Uint8Array, positions: number[]): Uint8Array[] {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const position of sorted) {
    out.push(bytes.subarray(from, position));
    from = position;
  }
  out.push(bytes.subarray(from));
  return out;
}

const video = makeH264({ frames: 60, gop: 25, frameRate: 25, aud: true });
const audio = makeAdts(60, 11); // 60 × 128 ms at 8 kHz

describe('carry-over', () => {
  it('gives identical segments for a stream fed whole or in random pieces (property)', () => {
    const options = { audio: true, targetDuration: 1, maxInterleave: Number.POSITIVE_INFINITY };
    const whole = mux(options, [{ video }, { audio }]);
    const wholeBytes = hex(concat(whole.map((s) => s.bytes)));
    const positions = (length: number) =>
      fc.array(fc.integer({ min: 0, max: length }), { maxLength: 30 });

    fc.assert(
      fc.property(
        positions(video.length),
        positions(audio.length),
        fc.array(fc.boolean(), { maxLength: 64 }),
        (v, a, order) => {
          const videoChunks = cutAt(video, v);
          const audioChunks = cutAt(audio, a);
          const calls: Array<{ video?: Uint8Array; audio?: Uint8Array }> = [];
          let turn = 0;
          while (videoChunks.length + audioChunks.length > 0) {
            const pickVideo =
              audioChunks.length === 0 ||
              (videoChunks.length > 0 && (order[turn++ % Math.max(1, order.length)] ?? true));
            if (pickVideo) calls.push({ video: videoChunks.shift() as Uint8Array });
            else calls.push({ audio: audioChunks.shift() as Uint8Array });
          }
          const split = mux(options, calls);
          expect(split.map((s) => s.durationTicks)).toEqual(whole.map((s) => s.durationTicks));
          expect(hex(concat(split.map((s) => s.bytes)))).toBe(wholeBytes);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('copies what it keeps when asked, so a caller may reuse its buffer', () => {
    const whole = mux({}, [{ video }]);
    const muxer = new TsMuxer({ copyInput: true });
    const buffer = new Uint8Array(1000);
    const segments: TsSegment[] = [];
    for (let offset = 0; offset < video.length; offset += 1000) {
      const piece = video.subarray(offset, offset + 1000);
      buffer.set(piece);
      segments.push(...muxer.pushVideo(buffer.subarray(0, piece.length)));
      buffer.fill(0xee);
    }
    segments.push(...muxer.close());
    expect(hex(concat(segments.map((s) => s.bytes)))).toBe(hex(concat(whole.map((s) => s.bytes))));
  });
});

describe('segments', () => {
  it('starts a segment at the first keyframe after the target duration', () => {
    // keyframes every 25 frames (1 s); target 1.5 s → cut at 2 s
    const segments = mux({ targetDuration: 1.5 }, [{ video }]);
    expect(segments.map((s) => s.durationTicks)).toEqual([180_000, 36_000]); // frames 50–59 last
    expect(segments.map((s) => s.startDts)).toEqual([0, 180_000]);
    expect(segments.map((s) => s.sequence)).toEqual([0, 1]);
  });

  it('starts every segment with PAT, PMT and a random-access keyframe carrying the PCR', () => {
    for (const segment of mux({ targetDuration: 1 }, [{ video }])) {
      const pids = [0, 1, 2].map(
        (i) =>
          (((segment.bytes[i * 188 + 1] as number) & 0x1f) << 8) |
          (segment.bytes[i * 188 + 2] as number),
      );
      expect(pids).toEqual([Pid.PAT, Pid.PMT, Pid.VIDEO]);
      const [first] = demux(segment.bytes);
      expect(first?.randomAccess).toBe(true);
      expect(first?.pcr).toBe(first?.dts);
    }
  });

  it('repeats PAT and PMT inside a segment at the configured interval', () => {
    const [segment] = mux({ targetDuration: 10, psiInterval: 0.5 }, [{ video }]);
    // 60 frames over 2.4 s: tables at 0, 0.52, 1.04, 1.56, 2.08 s
    // (the first frame at or past each 0.5 s)
    expect(packetsOf(segment?.bytes as Uint8Array, Pid.PAT)).toHaveLength(5);
    expect(packetsOf(segment?.bytes as Uint8Array, Pid.PMT)).toHaveLength(5);
  });

  it('keeps continuity counters running across segments, per PID', () => {
    const segments = mux(
      { audio: true, targetDuration: 1, maxInterleave: Number.POSITIVE_INFINITY },
      [{ video }, { audio }],
    );
    expect(segments.length).toBeGreaterThan(1);
    const ts = concat(segments.map((s) => s.bytes));
    for (const pid of [Pid.PAT, Pid.PMT, Pid.VIDEO, Pid.AUDIO]) {
      const counters = packetsOf(ts, pid).map((p) => (p[3] as number) & 0x0f);
      expect(counters.length).toBeGreaterThan(2);
      expect(counters).toEqual(counters.map((_, i) => i % 16));
    }
  });

  it('drops pictures before the first keyframe', () => {
    const muxer = new TsMuxer({});
    const secondAud = hex(video).indexOf('0000000109f0', 2) / 2; // start of frame 1
    const segments = [...muxer.pushVideo(video.subarray(secondAud)), ...muxer.close()];
    expect(muxer.droppedFrames).toBe(24);
    expect(demux(concat(segments.map((s) => s.bytes)))).toHaveLength(60 - 1 - 24);
  });

  it('cuts at the next keyframe after a discontinuity and marks the segment', () => {
    const muxer = new TsMuxer({ targetDuration: 10 });
    const first = video.subarray(0, video.length / 2);
    const segments = [...muxer.pushVideo(first)];
    muxer.discontinuity();
    segments.push(...muxer.pushVideo(video.subarray(first.length)), ...muxer.close());
    expect(segments.map((s) => s.discontinuity)).toEqual([false, true]);
    expect(segments[1]?.startDts).toBe(50 * 3600);
  });
});

describe('timestamps', () => {
  it('takes the frame rate from the SPS VUI timing info', () => {
    const at30 = makeH264({ frames: 3, gop: 3, frameRate: 30 });
    expect(demux(mux({}, [{ video: at30 }])[0]?.bytes as Uint8Array).map((p) => p.pts)).toEqual([
      0, 3000, 6000,
    ]);
  });

  it('falls back to the frameRate option, then to 25', () => {
    const plain = makeH264({ frames: 3, gop: 3 });
    expect(
      demux(mux({ video: { frameRate: 10 } }, [{ video: plain }])[0]?.bytes as Uint8Array).map(
        (p) => p.pts,
      ),
    ).toEqual([0, 9000, 18000]);
    expect(demux(mux({}, [{ video: plain }])[0]?.bytes as Uint8Array).map((p) => p.pts)).toEqual([
      0, 3600, 7200,
    ]);
  });

  it('times AAC frames by samples: 1024 at 8 kHz is 11520 ticks', () => {
    const pes = demux(
      mux({ video: false, audio: true }, [{ audio: makeAdts(3) }])[0]?.bytes as Uint8Array,
    );
    expect(pes.map((p) => p.pts)).toEqual([0, 11_520, 23_040]);
  });

  it(
    'uses the caller timestamp for the first unit ' + 'starting in the chunk and counts on from it',
    () => {
      const frames = makeH264({ frames: 4, gop: 4, frameRate: 25 });
      const starts = [...hex(frames).matchAll(/00000001(?:67|41)/g)].map(
        (m) => (m.index as number) / 2,
      );
      const calls = [
        { video: frames.subarray(0, starts[1]), pts: 900_000 },
        { video: frames.subarray(starts[1], starts[3]), pts: 1_000_000 },
        { video: frames.subarray(starts[3]) },
      ];
      const pes = demux(mux({}, calls)[0]?.bytes as Uint8Array);
      expect(pes.map((p) => p.pts)).toEqual([900_000, 1_000_000, 1_003_600, 1_007_200]);
    },
  );

  it('writes DTS when the caller gives one different from PTS', () => {
    const muxer = new TsMuxer({});
    const segments = [
      ...muxer.pushVideo(makeH264({ frames: 1, gop: 1 }), { pts: 7200, dts: 3600 }),
      ...muxer.close(),
    ];
    const [pes] = demux(segments[0]?.bytes as Uint8Array);
    expect([pes?.pts, pes?.dts]).toEqual([7200, 3600]);
  });
});

describe('payloads', () => {
  it('adds an AUD to video access units that lack one, never to audio', () => {
    const plain = makeH264({ frames: 2, gop: 2 });
    const pes = demux(
      mux({ audio: true, maxInterleave: Number.POSITIVE_INFINITY }, [
        { video: plain },
        { audio: makeAdts(2) },
      ])[0]?.bytes as Uint8Array,
    );
    const videoPes = pes.filter((p) => p.pid === Pid.VIDEO);
    const audioPes = pes.filter((p) => p.pid === Pid.AUDIO);
    for (const p of videoPes) expect(hex(p.payload.subarray(0, 6))).toBe('0000000109f0');
    for (const p of audioPes) expect(hex(p.payload.subarray(0, 2))).toBe('fff1');
  });

  it('keeps an existing AUD and does not add a second one', () => {
    const [first] = demux(mux({}, [{ video }])[0]?.bytes as Uint8Array);
    expect(hex(first?.payload ?? new Uint8Array()).match(/0000000109/g)).toHaveLength(1);
  });

  it('puts the last SPS and PPS before a keyframe that comes without them', () => {
    const sps = makeSps(320, 240, 25);
    const stream = concat([
      Uint8Array.of(0, 0, 0, 1),
      sps,
      Uint8Array.of(0, 0, 0, 1, 0x68, 0xce, 0x38, 0x80),
      Uint8Array.of(0, 0, 0, 1, 0x65, 0x88, 0x11),
      Uint8Array.of(0, 0, 0, 1, 0x65, 0x88, 0x22),
    ]);
    const pes = demux(mux({}, [{ video: stream }])[0]?.bytes as Uint8Array);
    expect(hex(pes[1]?.payload ?? new Uint8Array())).toBe(
      `0000000109f000000001${hex(sps)}0000000168ce38800000000165882` + '2',
    );
  });

  it('carries the PCR on the audio PID when there is no video', () => {
    const [segment] = mux({ video: false, audio: true }, [{ audio: makeAdts(4) }]);
    const pes = demux(segment?.bytes as Uint8Array);
    expect(pes.every((p) => p.pid === Pid.AUDIO && p.pcr === p.dts)).toBe(true);
  });
});

describe('arguments', () => {
  it('rejects a muxer without streams and pushes after close', () => {
    expect(() => new TsMuxer({ video: false })).toThrow(HlsError);
    const muxer = new TsMuxer({});
    muxer.close();
    expect(() => muxer.pushVideo(video)).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
    expect(() => new TsMuxer({}).pushAudio(audio)).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
  });

  it('rejects a chunk that is not a Uint8Array, naming it', () => {
    expect(() => new TsMuxer({}).pushVideo('bytes' as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^chunk/),
      }),
    );
  });
});
