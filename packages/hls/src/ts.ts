/**
 * MPEG-2 transport stream packetizing (ISO/IEC 13818-1 §2.4.3 and §2.4.4): PAT and PMT
 * sections, PES headers with PTS/DTS, 188-byte packets with adaptation fields.
 */
import { crc32Mpeg2 } from './crc32.js';

/** Bytes in every transport stream packet. */
export const TS_PACKET_SIZE = 188;

/** The 90 kHz clock of PTS, DTS and the PCR base. */
export const TS_CLOCK = 90_000;

const TIMESTAMP_MODULO = 2 ** 33;

/** PIDs and ids of the single program this package writes. */
export const Pid = { PAT: 0x0000, PMT: 0x1000, VIDEO: 0x0100, AUDIO: 0x0101 } as const;

/** stream_type values (ISO/IEC 13818-1 Table 2-34). */
export const StreamType = { H264: 0x1b, AAC_ADTS: 0x0f } as const;

/** stream_id values of PES packets (Table 2-22). */
export const StreamId = { VIDEO: 0xe0, AUDIO: 0xc0 } as const;

/** One elementary stream listed in the PMT. */
export interface ProgramStream {
  streamType: number;
  pid: number;
}

function u16(value: number): [number, number] {
  return [(value >> 8) & 0xff, value & 0xff];
}

/** Appends the CRC-32/MPEG-2 of `section` to it. */
function withCrc(section: number[]): Uint8Array {
  const crc = crc32Mpeg2(Uint8Array.from(section));
  return Uint8Array.from([...section, ...u16(crc >>> 16), ...u16(crc & 0xffff)]);
}

/**
 * The program association section (§2.4.4.3) naming program 1 and its PMT PID.
 *
 * @example patSection(0x1000) // 00 b0 0d 00 01 c1 00 00 00 01 f0 00 + CRC
 */
export function patSection(pmtPid: number = Pid.PMT): Uint8Array {
  const sectionLength = 5 + 4 + 4; // fixed fields after section_length, one program, CRC
  return withCrc([
    0x00, // table_id: program_association_section
    ...u16(0xb000 | sectionLength), // section_syntax_indicator 1, '0', reserved '11', length
    ...u16(1), // transport_stream_id
    0xc1, // reserved '11', version_number 0, current_next_indicator 1
    0x00, // section_number
    0x00, // last_section_number
    ...u16(1), // program_number
    ...u16(0xe000 | pmtPid), // reserved '111', program_map_PID
  ]);
}

/** The program map section (§2.4.4.8) of program 1, without descriptors. */
export function pmtSection(pcrPid: number, streams: readonly ProgramStream[]): Uint8Array {
  const sectionLength = 9 + 5 * streams.length + 4;
  const section = [
    0x02, // table_id: TS_program_map_section
    ...u16(0xb000 | sectionLength), // section_syntax_indicator 1, '0', reserved '11', length
    ...u16(1), // program_number
    0xc1, // reserved '11', version_number 0, current_next_indicator 1
    0x00, // section_number
    0x00, // last_section_number
    ...u16(0xe000 | pcrPid), // reserved '111', PCR_PID
    ...u16(0xf000), // reserved '1111', program_info_length 0
  ];
  for (const { streamType, pid } of streams) {
    // stream_type, reserved '111', elementary_PID, reserved '1111', ES_info_length 0
    section.push(streamType, ...u16(0xe000 | pid), ...u16(0xf000));
  }
  return withCrc(section);
}

/**
 * Writes a 33-bit timestamp in the 5-byte PES layout (§2.4.3.7): a 4-bit prefix, then the bits
 * 32..30, 29..15 and 14..0, each group followed by a marker bit.
 */
export function writeTimestamp(out: Uint8Array, offset: number, prefix: number, ts: number): void {
  const t = ((ts % TIMESTAMP_MODULO) + TIMESTAMP_MODULO) % TIMESTAMP_MODULO;
  const high = Math.floor(t / 2 ** 30); // bits 32..30
  const low = t % 2 ** 30; // bits 29..0, safe for 32-bit operators
  out[offset] = (prefix << 4) | (high << 1) | 1;
  out[offset + 1] = (low >>> 22) & 0xff;
  out[offset + 2] = (((low >>> 15) & 0x7f) << 1) | 1;
  out[offset + 3] = (low >>> 7) & 0xff;
  out[offset + 4] = ((low & 0x7f) << 1) | 1;
}

/**
 * Writes a program clock reference (§2.4.3.5): 33-bit base at 90 kHz, 6 reserved bits, 9-bit
 * extension at 27 MHz.
 */
export function writePcr(out: Uint8Array, offset: number, base: number, extension = 0): void {
  const b = ((base % TIMESTAMP_MODULO) + TIMESTAMP_MODULO) % TIMESTAMP_MODULO;
  const top = Math.floor(b / 2); // bits 32..1
  out[offset] = (top >>> 24) & 0xff;
  out[offset + 1] = (top >>> 16) & 0xff;
  out[offset + 2] = (top >>> 8) & 0xff;
  out[offset + 3] = top & 0xff;
  out[offset + 4] = ((b & 1) << 7) | 0x7e | ((extension >> 8) & 1);
  out[offset + 5] = extension & 0xff;
}

/**
 * A PES packet header (§2.4.3.6) with PTS, and DTS when it differs from PTS.
 *
 * @param payloadLength bytes after the header; PES_packet_length is 0 ("unbounded", allowed
 *   for video only) when the packet would not fit in 16 bits.
 */
export function pesHeader(
  streamId: number,
  payloadLength: number,
  pts: number,
  dts: number | undefined,
  dataAlignment: boolean,
): Uint8Array {
  const withDts = dts !== undefined && dts !== pts;
  const headerDataLength = withDts ? 10 : 5;
  const header = new Uint8Array(9 + headerDataLength);
  const packetLength = 3 + headerDataLength + payloadLength;

  header[2] = 0x01; // packet_start_code_prefix 00 00 01
  header[3] = streamId;
  if (packetLength <= 0xffff) {
    header[4] = packetLength >> 8;
    header[5] = packetLength & 0xff;
  }
  header[6] = 0x80 | (dataAlignment ? 0x04 : 0); // '10', not scrambled, data_alignment_indicator
  header[7] = withDts ? 0xc0 : 0x80; // PTS_DTS_flags
  header[8] = headerDataLength;
  writeTimestamp(header, 9, withDts ? 0b0011 : 0b0010, pts);
  if (withDts) writeTimestamp(header, 14, 0b0001, dts);
  return header;
}

/** Options of {@link TsPacketizer.writePes}. */
export interface PesPacketOptions {
  pid: number;
  /** PES header followed by the payload pieces, written in order. */
  pieces: readonly Uint8Array[];
  /** Program clock reference base to carry in the first packet. */
  pcr?: number | undefined;
  /** Sets random_access_indicator in the first packet (a keyframe starts here). */
  randomAccess?: boolean;
}

/**
 * Turns sections and PES packets into 188-byte transport packets in one growing buffer, keeping
 * a continuity counter per PID across everything it writes.
 */
export class TsPacketizer {
  // About a second of 1.5 Mbit/s video, so a segment rarely needs more than a few doublings.
  private buffer = new Uint8Array(1024 * TS_PACKET_SIZE);
  private length = 0;
  private readonly counters = new Uint8Array(0x2000);

  /** Bytes written since the last {@link take}. */
  get byteLength(): number {
    return this.length;
  }

  /** Returns everything written so far and starts empty; counters carry on. */
  take(): Uint8Array {
    const out = this.buffer.subarray(0, this.length);
    // The next segment is likely about as long as this one.
    this.buffer = new Uint8Array(Math.max(1024 * TS_PACKET_SIZE, this.length + (this.length >> 2)));
    this.length = 0;
    return out;
  }

  /** Writes a PSI section in one packet, after a pointer_field of 0 (§2.4.4.2). */
  writeSection(pid: number, section: Uint8Array): void {
    const p = this.startPacket(pid, true, 0);
    this.buffer[p] = 0; // pointer_field
    this.buffer.set(section, p + 1);
    this.buffer.fill(0xff, p + 1 + section.length, this.length);
  }

  /**
   * Writes one PES packet across as many transport packets as it needs: the first carries the
   * adaptation fields asked for, the last is padded with adaptation-field stuffing.
   */
  writePes({ pid, pieces, pcr, randomAccess = false }: PesPacketOptions): void {
    let total = 0;
    for (const piece of pieces) total += piece.length;
    if (total === 0) return;

    const fields = pcr !== undefined || randomAccess ? 2 + (pcr !== undefined ? 6 : 0) : 0;
    const firstRoom = 184 - fields;
    const packets = total <= firstRoom ? 1 : 1 + Math.ceil((total - firstRoom) / 184);
    this.reserve(packets * TS_PACKET_SIZE);

    // The payload goes in contiguously at the end of the packets' space, then each packet's
    // share moves forward to make room for the headers in front of it. Every share moves to a
    // lower address and never over a share not yet moved, so this copies without temporaries.
    const b = this.buffer;
    const base = this.length;
    const end = base + packets * TS_PACKET_SIZE;
    let source = end - total;
    for (const piece of pieces) {
      b.set(piece, source);
      source += piece.length;
    }
    source = end - total;

    let remaining = total;
    for (let n = 0; n < packets; n++) {
      const first = n === 0;
      const ownFields = first ? fields : 0;
      const share = Math.min(remaining, 184 - ownFields);
      const adaptationLength = 184 - share;
      const packetStart = base + n * TS_PACKET_SIZE;
      const payloadStart = packetStart + 4 + adaptationLength;

      if (payloadStart !== source) b.copyWithin(payloadStart, source, source + share);
      this.writeHeader(packetStart, pid, first, adaptationLength);
      if (adaptationLength > 0) {
        this.writeAdaptationField(
          packetStart + 4,
          adaptationLength,
          first && randomAccess,
          first ? pcr : undefined,
        );
      }
      source += share;
      remaining -= share;
    }
    this.length = end;
  }

  /** Reserves a packet, writes its header and returns where its payload begins. */
  private startPacket(pid: number, unitStart: boolean, adaptationLength: number): number {
    this.reserve(TS_PACKET_SIZE);
    const p = this.length;
    this.writeHeader(p, pid, unitStart, adaptationLength);
    this.length += TS_PACKET_SIZE;
    return p + 4;
  }

  /** The 4-byte packet header (§2.4.3.2); advances the PID's continuity counter. */
  private writeHeader(p: number, pid: number, unitStart: boolean, adaptationLength: number): void {
    const b = this.buffer;
    const counter = this.counters[pid] as number;
    this.counters[pid] = (counter + 1) & 0x0f;
    b[p] = 0x47; // sync_byte
    b[p + 1] = (unitStart ? 0x40 : 0) | (pid >> 8); // payload_unit_start_indicator, PID high bits
    b[p + 2] = pid & 0xff;
    b[p + 3] = (adaptationLength > 0 ? 0x30 : 0x10) | counter; // adaptation_field_control
  }

  /**
   * Writes an adaptation field (§2.4.3.4) of `total` bytes including its length byte, padded
   * with 0xFF stuffing; returns the payload position.
   */
  private writeAdaptationField(
    p: number,
    total: number,
    randomAccess: boolean,
    pcr: number | undefined,
  ): number {
    const b = this.buffer;
    b[p] = total - 1; // adaptation_field_length
    if (total === 1) return p + 1;

    b[p + 1] = (randomAccess ? 0x40 : 0) | (pcr !== undefined ? 0x10 : 0); // flags
    let q = p + 2;
    if (pcr !== undefined) {
      writePcr(b, q, pcr);
      q += 6;
    }
    b.fill(0xff, q, p + total);
    return p + total;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
