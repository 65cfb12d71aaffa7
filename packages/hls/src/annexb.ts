/**
 * H.264 byte-stream format (ITU-T H.264 Annex B): start-code splitting and grouping of NAL units
 * into access units (§7.4.1.2.3). Input may be cut anywhere; what is left at the end of a call
 * is carried over to the next.
 */

/** NAL unit types this package acts on (H.264 Table 7-1). */
export const NalType = {
  NON_IDR_SLICE: 1,
  IDR_SLICE: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
} as const;

/** The type of a NAL unit, from its first byte. */
export function nalType(nal: Uint8Array): number {
  return (nal[0] as number) & 0x1f;
}

/**
 * Splits an Annex-B byte stream into NAL units (without start codes). Bytes before the first
 * start code are discarded. A NAL unit is reported once the next start code (or {@link flush})
 * proves it complete, so a unit cut across calls arrives whole.
 *
 * Reported units may be views into the caller's chunk; {@link AnnexBSplitter} never keeps such
 * a view past the call, and the caller must copy one it keeps.
 */
export class AnnexBSplitter {
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private started = false;
  /** Index of the chunk holding the start code of the unit in progress. */
  private pendingChunk = 0;
  private chunkIndex = -1;

  /**
   * Feeds the next piece of the stream.
   *
   * @param onNal called with each completed unit and the index (0-based count of `push` calls)
   *   of the chunk in which the unit's start code ended.
   */
  push(chunk: Uint8Array, onNal: (nal: Uint8Array, chunkIndex: number) => void): void {
    this.chunkIndex++;
    let nalStart = 0;

    for (let i = findOne(chunk, 0); i >= 0; i = findOne(chunk, i + 3)) {
      const zeros = this.zerosBefore(chunk, i, nalStart);
      if (zeros < 2) continue;
      if (this.started) this.emit(chunk, nalStart, i - zeros, onNal);
      else this.dropPending();
      this.started = true;
      this.pendingChunk = this.chunkIndex;
      nalStart = i + 1;
    }

    if (this.started && nalStart < chunk.length) {
      this.keep(chunk.slice(nalStart));
    } else if (!this.started) {
      // Before the first start code only zeros matter: they may begin a start code.
      let from = chunk.length;
      while (from > 0 && chunk[from - 1] === 0) from--;
      if (from > 0) this.dropPending();
      this.keep(chunk.slice(Math.max(from, chunk.length - 3)));
    }
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingLength = 0;
  }

  /** Reports the unit in progress, as at the end of the stream. */
  flush(onNal: (nal: Uint8Array, chunkIndex: number) => void): void {
    if (this.started) this.emit(new Uint8Array(0), 0, 0, onNal);
    this.dropPending();
    this.started = false;
  }

  /**
   * Zero bytes right before `index`, counting back into the carried-over bytes when the zeros
   * reach the start of the chunk (a start code cut across calls).
   */
  private zerosBefore(chunk: Uint8Array, index: number, nalStart: number): number {
    let zeros = 0;
    let k = index - 1;
    while (k >= nalStart && chunk[k] === 0) {
      zeros++;
      k--;
    }
    if (k >= nalStart || nalStart > 0) return zeros;

    for (let p = this.pending.length - 1; p >= 0; p--) {
      const piece = this.pending[p] as Uint8Array;
      let j = piece.length - 1;
      while (j >= 0 && piece[j] === 0) {
        zeros++;
        j--;
      }
      if (j >= 0) break;
    }
    return zeros;
  }

  /** Reports pending bytes plus `chunk[from, to)`, trailing zero bytes removed. */
  private emit(
    chunk: Uint8Array,
    from: number,
    to: number,
    onNal: (nal: Uint8Array, chunkIndex: number) => void,
  ): void {
    let nal: Uint8Array;
    if (this.pendingLength === 0) {
      nal = chunk.subarray(from, Math.max(from, to));
    } else {
      // `to` may lie before `from` when the start code's zeros began in the carried bytes.
      const tail = to >= from ? to - from : 0;
      nal = new Uint8Array(this.pendingLength + tail);
      let offset = 0;
      for (const piece of this.pending) {
        nal.set(piece, offset);
        offset += piece.length;
      }
      nal.set(chunk.subarray(from, from + tail), offset);
      this.pending = [];
      this.pendingLength = 0;
    }

    // A NAL unit never ends in 0x00 (§7.4.1), so zeros at its end belong to the next start code
    // or are trailing_zero_8bits.
    let end = nal.length;
    while (end > 0 && nal[end - 1] === 0) end--;
    if (end > 0) onNal(nal.subarray(0, end), this.pendingChunk);
  }
}

/**
 * Index of the next 0x01 byte at or after `from`, skipping three bytes past any byte above 1:
 * no `00 00 01` can end within two bytes of it. After a 0x01 the next one that may end a start
 * code is three bytes on, for the same reason.
 */
function findOne(chunk: Uint8Array, from: number): number {
  const length = chunk.length;
  let i = from;
  while (i < length) {
    const byte = chunk[i] as number;
    if (byte > 1) i += 3;
    else if (byte === 0) i++;
    else return i;
  }
  return -1;
}

/** One coded picture with the NAL units that belong to it. */
export interface AccessUnit {
  /** NAL units in stream order, without start codes. */
  nals: Uint8Array[];
  /** Contains an IDR slice: decoding can start here. */
  keyframe: boolean;
  /** Index of the `push` call in which the unit's first start code arrived. */
  chunkIndex: number;
}

/**
 * Groups NAL units into access units. A unit ends where the next one begins: at an AUD, SPS,
 * PPS, SEI or types 14–18 after a slice, or at a slice whose `first_mb_in_slice` is 0 after a
 * slice (§7.4.1.2.3; arbitrary slice order is not supported). Units without any slice carry
 * no picture and are dropped.
 */
export class AccessUnitAssembler {
  private current: AccessUnit | undefined;
  private hasSlice = false;

  /** Adds a NAL unit; returns the access unit it completed, if any. */
  push(nal: Uint8Array, chunkIndex: number): AccessUnit | undefined {
    const type = nalType(nal);
    const isSlice = type >= 1 && type <= 5;
    let completed: AccessUnit | undefined;

    if (this.current && this.hasSlice && startsAccessUnit(type, nal)) {
      completed = this.current;
      this.current = undefined;
    }

    if (!this.current) {
      this.current = { nals: [], keyframe: false, chunkIndex };
      this.hasSlice = false;
    }
    this.current.nals.push(nal);
    if (isSlice) this.hasSlice = true;
    if (type === NalType.IDR_SLICE) this.current.keyframe = true;
    return completed;
  }

  /** Ends the stream: returns the last access unit when it holds a picture. */
  flush(): AccessUnit | undefined {
    const last = this.hasSlice ? this.current : undefined;
    this.current = undefined;
    this.hasSlice = false;
    return last;
  }

  /** Copies NAL units that still view a caller's buffer, so the caller may reuse it. */
  detach(chunk: Uint8Array): void {
    const nals = this.current?.nals;
    if (!nals) return;
    for (let i = 0; i < nals.length; i++) {
      const nal = nals[i] as Uint8Array;
      if (nal.buffer === chunk.buffer) nals[i] = nal.slice();
    }
  }
}

function startsAccessUnit(type: number, nal: Uint8Array): boolean {
  if (type === NalType.AUD || type === NalType.SPS || type === NalType.PPS) return true;
  if (type === NalType.SEI || (type >= 14 && type <= 18)) return true;
  // first_mb_in_slice is ue(v) and reads 0 exactly when its first bit is 1.
  if (type >= 1 && type <= 5) return ((nal[1] ?? 0) & 0x80) !== 0;
  return false;
}
