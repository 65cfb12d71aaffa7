import { describe, expect, it } from 'vitest';
import {
  crc32Mpeg2,
  Pid,
  patSection,
  pesHeader,
  pmtSection,
  StreamType,
  TsPacketizer,
  writePcr,
  writeTimestamp,
} from '../src/index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Bytes from hex groups, one group per field of the layout. */
const fromHex = (...groups: string[]) =>
  Uint8Array.from(Buffer.from(groups.join('').replace(/ /g, ''), 'hex'));

describe('CRC-32/MPEG-2', () => {
  it('has the catalogue check value 0x0376E6E7 for "123456789"', () => {
    expect(crc32Mpeg2(new TextEncoder().encode('123456789'))).toBe(0x0376e6e7);
  });

  it('is zero over a section followed by its own CRC', () => {
    expect(crc32Mpeg2(patSection())).toBe(0);
  });
});

describe('PSI sections', () => {
  it('writes the PAT of program 1 with its PMT on PID 0x1000', () => {
    const expected = fromHex(
      '00', // table_id: program_association_section
      'b0 0d', // section_syntax_indicator 1, '0', reserved '11', section_length 13
      '00 01', // transport_stream_id 1
      'c1', // reserved '11', version_number 0, current_next_indicator 1
      '00', // section_number
      '00', // last_section_number
      '00 01', // program_number 1
      'f0 00', // reserved '111', program_map_PID 0x1000
      '2a b1 04 b2', // CRC_32 (ffmpeg writes the same section with the same CRC)
    );
    expect(hex(patSection(0x1000))).toBe(hex(expected));
  });

  it('writes the PMT of H.264 on 0x100 (the PCR PID) and ADTS AAC on 0x101', () => {
    const streams = [
      { streamType: StreamType.H264, pid: Pid.VIDEO },
      { streamType: StreamType.AAC_ADTS, pid: Pid.AUDIO },
    ];
    const expected = fromHex(
      '02', // table_id: TS_program_map_section
      'b0 17', // section_syntax_indicator, '0', reserved, section_length 23
      '00 01', // program_number 1
      'c1', // reserved, version_number 0, current_next_indicator 1
      '00 00', // section_number, last_section_number
      'e1 00', // reserved '111', PCR_PID 0x100
      'f0 00', // reserved '1111', program_info_length 0
      '1b e1 00 f0 00', // stream_type H.264, elementary_PID 0x100, ES_info_length 0
      '0f e1 01 f0 00', // stream_type ADTS AAC, elementary_PID 0x101, ES_info_length 0
      '2f 44 b9 9b', // CRC_32 (as ffmpeg writes for the same section)
    );
    expect(hex(pmtSection(Pid.VIDEO, streams))).toBe(hex(expected));
  });

  it('names the audio PID as PCR_PID for an audio-only program', () => {
    const pmt = pmtSection(Pid.AUDIO, [{ streamType: StreamType.AAC_ADTS, pid: Pid.AUDIO }]);
    expect(hex(pmt.subarray(8, 10))).toBe('e101'); // reserved '111', PCR_PID 0x101
    expect(pmt[2]).toBe(9 + 5 + 4); // section_length
    expect(crc32Mpeg2(pmt)).toBe(0);
  });
});

describe('timestamps', () => {
  const stamp = (prefix: number, ts: number) => {
    const out = new Uint8Array(5);
    writeTimestamp(out, 0, prefix, ts);
    return hex(out);
  };

  it('writes PTS 126000 (1.4 s) as 21 00 07 d8 61', () => {
    // '0010', PTS[32..30]=000, marker | PTS[29..15]=3, marker | PTS[14..0]=0x3d8<<7|48, marker
    expect(stamp(0b0010, 126_000)).toBe('210007d861');
  });

  it('writes PTS and DTS prefixes 0011 and 0001', () => {
    expect(stamp(0b0011, 129_600)).toBe('310007f481'); // 129600 = 3<<15 | 1012<<7 | 64
    expect(stamp(0b0001, 126_000)).toBe('110007d861');
  });

  it('writes the largest 33-bit value with all bits set and wraps at 2^33', () => {
    expect(stamp(0b0010, 2 ** 33 - 1)).toBe('2fffffffff');
    expect(stamp(0b0010, 2 ** 33)).toBe('2100010001');
    expect(stamp(0b0010, 2 ** 32)).toBe('2900010001'); // bit 32 is the top bit of the first group
  });
});

describe('PCR', () => {
  const pcr = (base: number, extension = 0) => {
    const out = new Uint8Array(6);
    writePcr(out, 0, base, extension);
    return hex(out);
  };

  it('writes base 126000 as 33 bits, six reserved ones and a 9-bit extension', () => {
    // program_clock_reference_base = 126000 = 0x1ec30 → bits 32..1 = 0x0000f618, bit 0 = 0
    expect(pcr(126_000)).toBe('0000f6187e00');
  });

  it('puts the base low bit and the extension high bit around the reserved bits', () => {
    // base 126001: bit 0 = 1 → 0x80; reserved 0x7e; extension 300 = 0x12c → bit 8 = 1, low 0x2c
    expect(pcr(126_001, 300)).toBe('0000f618ff2c');
  });
});

describe('PES header', () => {
  it('writes a video header with PTS only when DTS equals PTS', () => {
    const expected = fromHex(
      '00 00 01', // packet_start_code_prefix
      'e0', // stream_id: video stream 0
      '00 12', // PES_packet_length = 3 + 5 + 10
      '84', // '10', PES_scrambling_control 00, priority 0, data_alignment_indicator 1
      '80', // PTS_DTS_flags '10'
      '05', // PES_header_data_length
      '21 00 07 d8 61', // PTS 126000
    );
    expect(hex(pesHeader(0xe0, 10, 126_000, 126_000, true))).toBe(hex(expected));
  });

  it('writes PTS and DTS when they differ', () => {
    const expected = fromHex(
      '00 00 01 e0 00 17', // PES_packet_length = 3 + 10 + 10
      '84 c0', // PTS_DTS_flags '11'
      '0a', // PES_header_data_length
      '31 00 07 f4 81', // '0011' PTS 129600
      '11 00 07 d8 61', // '0001' DTS 126000
    );
    expect(hex(pesHeader(0xe0, 10, 129_600, 126_000, true))).toBe(hex(expected));
  });

  it('leaves PES_packet_length 0 when a video packet exceeds 65535 bytes', () => {
    const header = pesHeader(0xe0, 70_000, 0, undefined, true);
    expect(hex(header.subarray(4, 6))).toBe('0000');
  });
});

describe('transport packets', () => {
  it('puts a short PES in one packet, stuffed through the adaptation field', () => {
    const packetizer = new TsPacketizer();
    const payload = new Uint8Array(20).fill(0xaa);
    const header = pesHeader(0xc0, payload.length, 126_000, undefined, true);
    packetizer.writePes({ pid: Pid.AUDIO, pieces: [header, payload], randomAccess: true });
    const ts = packetizer.take();

    expect(ts.length).toBe(188);
    const expectedStart = fromHex(
      '47', // sync_byte
      '41 01', // payload_unit_start_indicator 1, PID 0x101
      '30', // not scrambled, adaptation_field_control '11', continuity_counter 0
      '95', // adaptation_field_length: 188 - 4 - 1 - 34
      '40', // random_access_indicator
    );
    expect(hex(ts.subarray(0, 6))).toBe(hex(expectedStart));
    expect(ts.subarray(6, 154).every((b) => b === 0xff)).toBe(true); // stuffing_byte × 148
    expect(hex(ts.subarray(154, 168))).toBe(hex(header));
    expect(hex(ts.subarray(168))).toBe(hex(payload));
  });

  it('carries the PCR in the first packet and stuffs the last with a 1-byte field', () => {
    const packetizer = new TsPacketizer();
    const header = pesHeader(0xe0, 0, 126_000, undefined, true);
    // 14-byte header + payload = 176 + 183: the first packet holds 176 after an 8-byte field
    const payload = new Uint8Array(162 + 183).fill(0x11);
    packetizer.writePes({
      pid: Pid.VIDEO,
      pieces: [header, payload],
      pcr: 126_000,
      randomAccess: true,
    });
    const ts = packetizer.take();

    expect(ts.length).toBe(2 * 188);
    const expectedFirst = fromHex(
      '47 41 00', // PUSI, PID 0x100
      '30', // adaptation field and payload, continuity_counter 0
      '07', // adaptation_field_length
      '50', // random_access_indicator, PCR_flag
      '00 00 f6 18 7e 00', // program_clock_reference 126000
    );
    expect(hex(ts.subarray(0, 12))).toBe(hex(expectedFirst));
    const expectedSecond = fromHex(
      '47 01 00', // no PUSI, PID 0x100
      '31', // adaptation field and payload, continuity_counter 1
      '00', // adaptation_field_length 0: one byte of stuffing
    );
    expect(hex(ts.subarray(188, 193))).toBe(hex(expectedSecond));
    expect(ts.subarray(193).every((b) => b === 0x11)).toBe(true);
  });

  it('counts continuity per PID and wraps after 15', () => {
    const packetizer = new TsPacketizer();
    for (let i = 0; i < 20; i++) packetizer.writeSection(Pid.PAT, patSection());
    packetizer.writePes({ pid: Pid.AUDIO, pieces: [new Uint8Array(184 * 3)] });
    const ts = packetizer.take();
    const counters = (pid: number) => {
      const out: number[] = [];
      for (let p = 0; p < ts.length; p += 188) {
        if (((((ts[p + 1] as number) & 0x1f) << 8) | (ts[p + 2] as number)) === pid) {
          out.push((ts[p + 3] as number) & 0x0f);
        }
      }
      return out;
    };
    expect(counters(Pid.PAT)).toEqual([...Array(20).keys()].map((i) => i % 16));
    expect(counters(Pid.AUDIO)).toEqual([0, 1, 2]);
  });
});
