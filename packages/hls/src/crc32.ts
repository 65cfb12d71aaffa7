/**
 * CRC-32/MPEG-2 (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7, not reflected, initial value
 * 0xFFFFFFFF, no final xor. It protects every PSI section (PAT, PMT).
 */
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 24;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    }
    table[byte] = crc >>> 0;
  }
  return table;
}

/**
 * CRC-32/MPEG-2 of `bytes`. Check value of ASCII `123456789` is `0x0376E6E7`.
 *
 * @example crc32Mpeg2(new TextEncoder().encode('123456789')) // 0x0376e6e7
 */
export function crc32Mpeg2(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = (crc << 8) ^ (TABLE[((crc >>> 24) ^ (bytes[i] as number)) & 0xff] as number);
  }
  return crc >>> 0;
}
