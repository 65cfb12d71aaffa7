/**
 * AAC in ADTS framing (ISO/IEC 13818-7 §6.2 and 14496-3 §1.A.2). Frames cut across calls are
 * carried over; bytes that do not start a valid header are skipped until the next syncword.
 */

/** Sampling rates by sampling_frequency_index. */
export const ADTS_SAMPLE_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
] as const;

/** One complete ADTS frame, header included, and what its header says. */
export interface AdtsFrame {
  bytes: Uint8Array;
  sampleRate: number;
  channels: number;
  /** 1024 PCM samples per raw data block. */
  samples: number;
  /** Index of the `push` call in which the frame's first byte arrived. */
  chunkIndex: number;
}

/** Header fields of an ADTS frame, or `undefined` when `bytes` at `offset` is not one. */
export function parseAdtsHeader(
  bytes: Uint8Array,
  offset: number,
): { frameLength: number; sampleRate: number; channels: number; samples: number } | undefined {
  const b1 = bytes[offset + 1] as number;
  const b2 = bytes[offset + 2] as number;
  const b3 = bytes[offset + 3] as number;
  if (bytes[offset] !== 0xff || (b1 & 0xf6) !== 0xf0) return undefined; // syncword, layer 0

  const sampleRate = ADTS_SAMPLE_RATES[(b2 >> 2) & 0x0f];
  const channels = ((b2 & 1) << 2) | (b3 >> 6);
  const frameLength =
    ((b3 & 3) << 11) | ((bytes[offset + 4] as number) << 3) | ((bytes[offset + 5] as number) >> 5);
  const blocks = ((bytes[offset + 6] as number) & 3) + 1;
  const headerLength = b1 & 1 ? 7 : 9;
  if (sampleRate === undefined || frameLength < headerLength) return undefined;
  return { frameLength, sampleRate, channels, samples: 1024 * blocks };
}

/** Splits an ADTS stream into frames, carrying an incomplete frame over to the next call. */
export class AdtsParser {
  private carry: Uint8Array = new Uint8Array(0);
  private carryChunk = 0;
  private chunkIndex = -1;
  /** Bytes skipped because they did not belong to a valid frame. */
  skippedBytes = 0;

  /**
   * Feeds the next piece of the stream; returns the frames it completed. Returned frames may
   * view `chunk`; copy one before reusing that buffer.
   */
  push(chunk: Uint8Array): AdtsFrame[] {
    const chunkIndex = ++this.chunkIndex;
    const carried = this.carry.length;
    let bytes = chunk;
    if (carried > 0) {
      bytes = new Uint8Array(carried + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, carried);
    }

    const frames: AdtsFrame[] = [];
    let offset = 0;
    while (bytes.length - offset >= 7) {
      const header = parseAdtsHeader(bytes, offset);
      if (!header) {
        offset++;
        this.skippedBytes++;
        continue;
      }
      if (bytes.length - offset < header.frameLength) break;
      frames.push({
        bytes: bytes.subarray(offset, offset + header.frameLength),
        sampleRate: header.sampleRate,
        channels: header.channels,
        samples: header.samples,
        chunkIndex: offset < carried ? this.carryChunk : chunkIndex,
      });
      offset += header.frameLength;
    }

    this.carryChunk = offset < carried ? this.carryChunk : chunkIndex;
    this.carry = bytes.slice(offset);
    return frames;
  }

  /** Ends the stream; an incomplete last frame is counted as skipped. */
  flush(): void {
    this.skippedBytes += this.carry.length;
    this.carry = new Uint8Array(0);
  }
}
