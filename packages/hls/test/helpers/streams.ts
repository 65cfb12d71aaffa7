/** Synthetic H.264 and ADTS streams, built bit by bit so tests need no recording. */

/** Writes bits most significant first, with Exp-Golomb codes. */
export class BitWriter {
  private readonly bits: number[] = [];

  u(count: number, value: number): this {
    for (let i = count - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }

  ue(value: number): this {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    return this.u(length, 0).u(length + 1, code);
  }

  /** rbsp_trailing_bits: a 1, then zeros to the byte boundary. */
  bytes(): Uint8Array {
    const bits = [...this.bits, 1];
    while (bits.length % 8 !== 0) bits.push(0);
    const out = new Uint8Array(bits.length / 8);
    for (let i = 0; i < bits.length; i++)
      out[i >> 3] = ((out[i >> 3] as number) << 1) | (bits[i] as number);
    return out;
  }
}

/**
 * A Baseline-profile SPS (H.264 §7.3.2.1.1) for `width`×`height`, with VUI timing info giving
 * `frameRate` when set.
 */
export function makeSps(width: number, height: number, frameRate?: number): Uint8Array {
  const w = new BitWriter()
    .u(8, 66) // profile_idc: Baseline
    .u(8, 0xc0) // constraint_set0/1 flags
    .u(8, 30) // level_idc 3.0
    .ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(2) // pic_order_cnt_type 2
    .ue(1) // max_num_ref_frames
    .u(1, 0) // gaps_in_frame_num_value_allowed_flag
    .ue(Math.ceil(width / 16) - 1)
    .ue(Math.ceil(height / 16) - 1)
    .u(1, 1) // frame_mbs_only_flag
    .u(1, 1); // direct_8x8_inference_flag
  const cropBottom = (Math.ceil(height / 16) * 16 - height) / 2;
  if (cropBottom > 0) w.u(1, 1).ue(0).ue(0).ue(0).ue(cropBottom);
  else w.u(1, 0);
  if (frameRate === undefined) {
    w.u(1, 0); // vui_parameters_present_flag
  } else {
    w.u(1, 1)
      .u(1, 0) // aspect_ratio_info_present_flag
      .u(1, 0) // overscan_info_present_flag
      .u(1, 0) // video_signal_type_present_flag
      .u(1, 0) // chroma_loc_info_present_flag
      .u(1, 1) // timing_info_present_flag
      .u(32, 1000) // num_units_in_tick
      .u(32, frameRate * 2000) // time_scale
      .u(1, 1) // fixed_frame_rate_flag
      .u(1, 0) // nal_hrd_parameters_present_flag
      .u(1, 0) // vcl_hrd_parameters_present_flag
      .u(1, 0) // pic_struct_present_flag
      .u(1, 0); // bitstream_restriction_flag
  }
  return Uint8Array.of(0x67, ...w.bytes());
}

/** A PPS NAL unit (its content does not matter to the muxer). */
export const PPS = Uint8Array.of(0x68, 0xce, 0x38, 0x80);

/** Deterministic filler without zero bytes, so it never forms a start code. */
function filler(length: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(1 + (x % 255));
  }
  return out;
}

/** A slice NAL unit with first_mb_in_slice = 0 (its first payload bit is 1). */
export function makeSlice(idr: boolean, length: number, seed: number): Uint8Array {
  return Uint8Array.of(idr ? 0x65 : 0x41, 0x88, ...filler(length, seed));
}

/** Options of {@link makeH264}. */
export interface H264Options {
  frames: number;
  /** A keyframe every this many frames. */
  gop: number;
  frameRate?: number;
  /** Start each access unit with an AUD (as cameras do). */
  aud?: boolean;
  sliceBytes?: number;
}

/** An Annex-B stream: SPS and PPS before every IDR, 4-byte start codes. */
export function makeH264(options: H264Options): Uint8Array {
  const sps = makeSps(320, 240, options.frameRate);
  const parts: number[] = [];
  const put = (nal: Uint8Array) => parts.push(0, 0, 0, 1, ...nal);
  for (let i = 0; i < options.frames; i++) {
    const idr = i % options.gop === 0;
    if (options.aud) put(Uint8Array.of(0x09, 0xf0));
    if (idr) {
      put(sps);
      put(PPS);
    }
    put(makeSlice(idr, (options.sliceBytes ?? 300) + (i % 7) * 40, i + 1));
  }
  return Uint8Array.from(parts);
}

/** One ADTS frame (ISO/IEC 13818-7 §6.2), AAC-LC, no CRC. */
export function makeAdtsFrame(
  sampleRateIndex: number,
  channels: number,
  payload: number[],
): Uint8Array {
  const length = 7 + payload.length;
  const header = [
    0xff,
    0xf1, // syncword, MPEG-4, layer 0, protection_absent
    (1 << 6) | (sampleRateIndex << 2) | (channels >> 2), // profile LC (1), rate, channel high bit
    ((channels & 3) << 6) | (length >> 11),
    (length >> 3) & 0xff,
    ((length & 7) << 5) | 0x1f, // buffer fullness 0x7FF
    0xfc, // buffer fullness, one raw data block
  ];
  return Uint8Array.from([...header, ...payload]);
}

/** `frames` ADTS frames at the rate of `sampleRateIndex` (11 = 8 kHz), stereo. */
export function makeAdts(frames: number, sampleRateIndex = 11): Uint8Array {
  const parts: number[] = [];
  for (let i = 0; i < frames; i++)
    parts.push(...makeAdtsFrame(sampleRateIndex, 2, filler(20 + (i % 5) * 9, i + 7)));
  return Uint8Array.from(parts);
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The transport packets of one PID in a TS byte stream. */
export function packetsOf(ts: Uint8Array, pid: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p + 188 <= ts.length; p += 188) {
    const packetPid = (((ts[p + 1] as number) & 0x1f) << 8) | (ts[p + 2] as number);
    if (packetPid === pid) out.push(ts.subarray(p, p + 188));
  }
  return out;
}

/** A PES packet as a minimal, independent demuxer sees it. */
export interface DemuxedPes {
  pid: number;
  pts: number | undefined;
  dts: number | undefined;
  payload: Uint8Array;
  randomAccess: boolean;
  pcr: number | undefined;
  /** Continuity counters of its packets. */
  counters: number[];
}

function readTimestamp(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) >> 1) & 7) * 2 ** 30 +
    ((b[o + 1] as number) << 22) +
    (((b[o + 2] as number) >> 1) << 15) +
    ((b[o + 3] as number) << 7) +
    ((b[o + 4] as number) >> 1)
  );
}

/** Reassembles the PES packets of every elementary PID (not PAT/PMT). */
export function demux(ts: Uint8Array): DemuxedPes[] {
  const done: DemuxedPes[] = [];
  const open = new Map<number, { pes: DemuxedPes; parts: Uint8Array[] }>();
  const finish = (pid: number) => {
    const entry = open.get(pid);
    if (!entry) return;
    const data = concat(entry.parts);
    const headerLength = 9 + (data[8] as number);
    const flags = (data[7] as number) >> 6;
    entry.pes.pts = flags & 2 ? readTimestamp(data, 9) : undefined;
    entry.pes.dts = flags === 3 ? readTimestamp(data, 14) : entry.pes.pts;
    entry.pes.payload = data.subarray(headerLength);
    done.push(entry.pes);
    open.delete(pid);
  };
  for (let p = 0; p + 188 <= ts.length; p += 188) {
    const b = ts.subarray(p, p + 188);
    if (b[0] !== 0x47) throw new Error(`lost sync at ${p}`);
    const pid = (((b[1] as number) & 0x1f) << 8) | (b[2] as number);
    if (pid === 0 || pid === 0x1000) continue;
    const unitStart = ((b[1] as number) & 0x40) !== 0;
    const control = ((b[3] as number) >> 4) & 3;
    let offset = 4;
    let randomAccess = false;
    let pcr: number | undefined;
    if (control & 2) {
      const length = b[4] as number;
      if (length > 0) {
        randomAccess = ((b[5] as number) & 0x40) !== 0;
        if ((b[5] as number) & 0x10) {
          pcr =
            (b[6] as number) * 2 ** 25 +
            ((b[7] as number) << 17) +
            ((b[8] as number) << 9) +
            ((b[9] as number) << 1) +
            ((b[10] as number) >> 7);
        }
      }
      offset = 5 + length;
    }
    if (unitStart) {
      finish(pid);
      open.set(pid, {
        pes: {
          pid,
          pts: undefined,
          dts: undefined,
          payload: new Uint8Array(0),
          randomAccess,
          pcr,
          counters: [],
        },
        parts: [],
      });
    }
    const entry = open.get(pid);
    if (!entry) continue;
    entry.pes.counters.push((b[3] as number) & 0x0f);
    entry.parts.push(b.subarray(offset));
  }
  for (const pid of [...open.keys()]) finish(pid);
  return done;
}
