import { checkBytes } from './encoding.js';
import { describe } from './errors.js';

// CRC-64 as OSS computes it (ECMA-182 polynomial, reflected, init and xor-out all ones; the
// parameter set known as CRC-64/XZ). JavaScript has no fast 64-bit integers, so the running CRC
// is kept as two 32-bit halves and the tables are split the same way; the public API speaks
// bigint only at its edges.

const POLY = 0xc96c5795d7870f42n; // reflected 0x42F0E1EBA9EA3693
const POLY_HI = Number(POLY >> 32n);
const POLY_LO = Number(POLY & 0xffffffffn);
const MASK64 = 0xffffffffffffffffn;

// Slicing-by-8 (the same scheme as the C reference implementations): table k maps a byte to its
// contribution after k further bytes, so eight table lookups advance the CRC by eight bytes.
// Each 64-bit entry is stored as two 32-bit halves in separate tables, which V8 reads with one
// bounds check per index for both. Measured in V8 11 (Node 20) on 64 MiB, none faster:
// sixteen slices (32 KiB of tables), alone or in two lanes; three lanes; two lanes unrolled
// twice; a balanced XOR tree; halves interleaved in one table; one table per slice;
// BigUint64Array tables (BigInt arithmetic allocates, 20 times slower).
const SLICES = 8;

function buildTables(): [Int32Array, Int32Array] {
  const lows = new Int32Array(SLICES * 256);
  const highs = new Int32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const odd = lo & 1;
      lo = (lo >>> 1) | (hi << 31);
      hi >>>= 1;
      if (odd) {
        lo ^= POLY_LO;
        hi ^= POLY_HI;
      }
    }
    lows[n] = lo;
    highs[n] = hi;
  }
  for (let k = 1; k < SLICES; k++) {
    for (let n = 0; n < 256; n++) {
      const lo = lows[(k - 1) * 256 + n]!;
      const hi = highs[(k - 1) * 256 + n]!;
      const t = lo & 0xff;
      lows[k * 256 + n] = ((lo >>> 8) | (hi << 24)) ^ lows[t]!;
      highs[k * 256 + n] = (hi >>> 8) ^ highs[t]!;
    }
  }
  return [lows, highs];
}

const [TABLE_LO, TABLE_HI] = /* @__PURE__ */ buildTables();
const LITTLE_ENDIAN = /* @__PURE__ */ new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// The running CRC halves, shared by the helpers below instead of allocating a pair per call.
let crcHi = 0;
let crcLo = 0;

function updateBytes(data: Uint8Array, from: number, to: number): void {
  const TL = TABLE_LO;
  const TH = TABLE_HI;
  let hi = crcHi;
  let lo = crcLo;
  for (let i = from; i < to; i++) {
    const t = (lo ^ data[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ TL[t]!;
    hi = (hi >>> 8) ^ TH[t]!;
  }
  crcHi = hi;
  crcLo = lo;
}

/** Eight bytes per step, read as two little-endian 32-bit words. */
function updateWords(words: Int32Array): void {
  const TL = TABLE_LO;
  const TH = TABLE_HI;
  let hi = crcHi;
  let lo = crcLo;
  const n = words.length;
  for (let w = 0; w < n; w += 2) {
    const a = lo ^ words[w]!;
    const b = hi ^ words[w + 1]!;
    const i0 = 1792 + (a & 255);
    const i1 = 1536 + ((a >>> 8) & 255);
    const i2 = 1280 + ((a >>> 16) & 255);
    const i3 = 1024 + (a >>> 24);
    const i4 = 768 + (b & 255);
    const i5 = 512 + ((b >>> 8) & 255);
    const i6 = 256 + ((b >>> 16) & 255);
    const i7 = b >>> 24;
    lo = TL[i0]! ^ TL[i1]! ^ TL[i2]! ^ TL[i3]! ^ TL[i4]! ^ TL[i5]! ^ TL[i6]! ^ TL[i7]!;
    hi = TH[i0]! ^ TH[i1]! ^ TH[i2]! ^ TH[i3]! ^ TH[i4]! ^ TH[i5]! ^ TH[i6]! ^ TH[i7]!;
  }
  crcHi = hi;
  crcLo = lo;
}

/**
 * Two independent CRCs, over the first and the second half of `words`, in one loop; the halves
 * are then joined with the combine operator. The two dependency chains interleave, which makes
 * the loop about 1.4 times faster in V8 than one chain; the join costs one multiplication.
 */
function updateTwoLanes(words: Int32Array, half: number): void {
  const TL = TABLE_LO;
  const TH = TABLE_HI;
  let hi1 = crcHi;
  let lo1 = crcLo;
  let hi2 = -1;
  let lo2 = -1;
  for (let w = 0; w < half; w += 2) {
    const a = lo1 ^ words[w]!;
    const b = hi1 ^ words[w + 1]!;
    const c = lo2 ^ words[half + w]!;
    const d = hi2 ^ words[half + w + 1]!;
    const i0 = 1792 + (a & 255);
    const i1 = 1536 + ((a >>> 8) & 255);
    const i2 = 1280 + ((a >>> 16) & 255);
    const i3 = 1024 + (a >>> 24);
    const i4 = 768 + (b & 255);
    const i5 = 512 + ((b >>> 8) & 255);
    const i6 = 256 + ((b >>> 16) & 255);
    const i7 = b >>> 24;
    const j0 = 1792 + (c & 255);
    const j1 = 1536 + ((c >>> 8) & 255);
    const j2 = 1280 + ((c >>> 16) & 255);
    const j3 = 1024 + (c >>> 24);
    const j4 = 768 + (d & 255);
    const j5 = 512 + ((d >>> 8) & 255);
    const j6 = 256 + ((d >>> 16) & 255);
    const j7 = d >>> 24;
    lo1 = TL[i0]! ^ TL[i1]! ^ TL[i2]! ^ TL[i3]! ^ TL[i4]! ^ TL[i5]! ^ TL[i6]! ^ TL[i7]!;
    hi1 = TH[i0]! ^ TH[i1]! ^ TH[i2]! ^ TH[i3]! ^ TH[i4]! ^ TH[i5]! ^ TH[i6]! ^ TH[i7]!;
    lo2 = TL[j0]! ^ TL[j1]! ^ TL[j2]! ^ TL[j3]! ^ TL[j4]! ^ TL[j5]! ^ TL[j6]! ^ TL[j7]!;
    hi2 = TH[j0]! ^ TH[j1]! ^ TH[j2]! ^ TH[j3]! ^ TH[j4]! ^ TH[j5]! ^ TH[j6]! ^ TH[j7]!;
  }

  joinLanes(hi1, lo1, hi2, lo2, half * 4);
}

/** Sets the running CRC to lane one followed by lane two (`length2` bytes). */
function joinLanes(hi1: number, lo1: number, hi2: number, lo2: number, length2: number): void {
  const crc1 = toBigint(hi1, lo1);
  const joined = multiplyModP(cachedShiftOperator(length2), crc1) ^ toBigint(hi2, lo2);
  const inverted = joined ^ MASK64;
  crcHi = Number(inverted >> 32n) | 0;
  crcLo = Number(inverted & 0xffffffffn) | 0;
}

/** Below this many bytes, creating a word view costs more than it saves. */
const WORD_PATH_MIN = 64;

/** From this many bytes on, two lanes pay for their join (about 10 µs). */
const TWO_LANES_MIN = 256 * 1024;

/** 1 MiB of 32-bit words. */
const BLOCK_WORDS = 256 * 1024;

/** Advances the inverted CRC `[hi, lo]` (as int32) over `data`, leaving it in crcHi/crcLo. */
function update(hi: number, lo: number, data: Uint8Array): void {
  crcHi = hi;
  crcLo = lo;
  if (!LITTLE_ENDIAN || data.length < WORD_PATH_MIN) {
    updateBytes(data, 0, data.length);
    return;
  }

  const head = (4 - (data.byteOffset & 3)) & 3;
  updateBytes(data, 0, head);
  const wordCount = ((data.length - head) >>> 3) << 1;
  const words = new Int32Array(data.buffer, data.byteOffset + head, wordCount);
  // Blocks of bounded size: V8 optimizes a function called many times better than one long
  // loop replaced on the stack, which measured up to twice as slow on 64 MiB.
  for (let start = 0; start < wordCount; start += BLOCK_WORDS) {
    const block = words.subarray(start, Math.min(start + BLOCK_WORDS, wordCount));
    if (block.length * 4 >= TWO_LANES_MIN) {
      const half = (block.length >>> 2) << 1;
      updateTwoLanes(block, half);
      updateWords(block.subarray(2 * half));
    } else {
      updateWords(block);
    }
  }
  updateBytes(data, head + wordCount * 4, data.length);
}

const toBigint = (hi: number, lo: number): bigint =>
  ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) ^ MASK64;

function checkCrc(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MASK64) {
    throw new TypeError(`${name} must be a bigint in 0..2^64-1, got ${describe(value)}`);
  }
  return value;
}

/**
 * CRC-64 of `data` as OSS reports it in `x-oss-hash-crc64ecma`, continuing from `previous`
 * (the CRC of the bytes before `data`; 0 for none).
 *
 * @example
 * crc64(utf8('123456789')) === 11051210869376104954n
 * crc64(utf8('6789'), crc64(utf8('12345'))) === crc64(utf8('123456789'))
 */
export function crc64(data: Uint8Array, previous = 0n): bigint {
  checkBytes(data, 'data');
  const inverted = checkCrc(previous, 'previous') ^ MASK64;
  update(Number(inverted >> 32n) | 0, Number(inverted & 0xffffffffn) | 0, data);
  return toBigint(crcHi, crcLo);
}

// GF(2) polynomials modulo the CRC polynomial, bit-reflected: x^0 is the top bit. This is the
// multiply-and-square form of the zlib combine, which needs O(log n) products instead of
// O(log n) 64x64 matrix squarings.
const X0 = 1n << 63n;

function multiplyModP(a: bigint, b: bigint): bigint {
  let product = 0n;
  let m = X0;
  let bb = b;
  while (m !== 0n) {
    if ((a & m) !== 0n) product ^= bb;
    m >>= 1n;
    bb = (bb & 1n) !== 0n ? (bb >> 1n) ^ POLY : bb >> 1n;
  }
  return product;
}

// X2N[k] = x^(2^k) mod P.
function buildPowers(): bigint[] {
  const powers = [X0 >> 1n];
  for (let k = 1; k < 64; k++) powers.push(multiplyModP(powers[k - 1]!, powers[k - 1]!));
  return powers;
}
const X2N = /* @__PURE__ */ buildPowers();

/** x^(8 * bytes) mod P: the operator that shifts a CRC over `bytes` zero bytes. */
function shiftOperator(bytes: bigint): bigint {
  let p = X0;
  let n = bytes;
  let k = 3; // 2^3 bits per byte
  while (n !== 0n) {
    if ((n & 1n) !== 0n) p = multiplyModP(X2N[k % 64]!, p);
    n >>= 1n;
    k++;
  }
  return p;
}

// Streams feed chunks of one size, so the operator for the last lane length is kept.
let lastShiftBytes = -1;
let lastShift = 0n;

function cachedShiftOperator(bytes: number): bigint {
  if (bytes !== lastShiftBytes) {
    lastShift = shiftOperator(BigInt(bytes));
    lastShiftBytes = bytes;
  }
  return lastShift;
}

/**
 * CRC-64 of the concatenation A‖B from the CRC of A, the CRC of B and the length of B, without
 * the data. This is how a multipart or appended object's CRC is checked.
 *
 * @throws {RangeError} when `length2` is negative or not an integer.
 */
export function crc64Combine(crc1: bigint, crc2: bigint, length2: number | bigint): bigint {
  checkCrc(crc1, 'crc1');
  checkCrc(crc2, 'crc2');
  if (typeof length2 === 'number' && !Number.isSafeInteger(length2)) {
    throw new RangeError(`length2 must be a non-negative integer, got ${describe(length2)}`);
  }
  const n = BigInt(length2);
  if (n < 0n)
    throw new RangeError(`length2 must be a non-negative integer, got ${describe(length2)}`);
  if (n === 0n) return crc1;
  return multiplyModP(shiftOperator(n), crc1) ^ crc2;
}

/** The decimal form OSS sends in `x-oss-hash-crc64ecma`. */
export function crc64ToString(crc: bigint): string {
  return checkCrc(crc, 'crc').toString(10);
}

/**
 * Parses the decimal form of `x-oss-hash-crc64ecma`.
 * @throws {RangeError} when `text` is not a decimal number in 0..2^64-1.
 */
export function crc64FromString(text: string): bigint {
  if (typeof text !== 'string' || !/^[0-9]{1,20}$/.test(text)) {
    throw new RangeError(`text must be a decimal CRC-64, got ${describe(text)}`);
  }
  const value = BigInt(text);
  if (value > MASK64) throw new RangeError(`text is out of the 64-bit range: ${text}`);
  return value;
}

/**
 * A running CRC-64 over chunks.
 *
 * @example
 * const crc = new Crc64();
 * for await (const chunk of stream) crc.update(chunk);
 * headers['x-oss-hash-crc64ecma'] === crc.toString();
 */
export class Crc64 {
  #hi = -1;
  #lo = -1;
  #length = 0;

  /** Bytes seen so far. */
  get length(): number {
    return this.#length;
  }

  /** Feeds the next chunk. */
  update(chunk: Uint8Array): this {
    checkBytes(chunk, 'chunk');
    update(this.#hi, this.#lo, chunk);
    this.#hi = crcHi;
    this.#lo = crcLo;
    this.#length += chunk.length;
    return this;
  }

  /** The CRC-64 of everything fed so far; feeding may continue afterwards. */
  digest(): bigint {
    return toBigint(this.#hi, this.#lo);
  }

  /** The decimal form, as in `x-oss-hash-crc64ecma`. */
  toString(): string {
    return this.digest().toString(10);
  }
}
