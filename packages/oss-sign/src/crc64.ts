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

// Slicing-by-16: table k maps a byte to its contribution after k further zero bytes.
const SLICES = 16;
const TABLE_LO = new Uint32Array(SLICES * 256);
const TABLE_HI = new Uint32Array(SLICES * 256);

for (let n = 0; n < 256; n++) {
  let lo = n;
  let hi = 0;
  for (let bit = 0; bit < 8; bit++) {
    const odd = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi >>>= 1;
    if (odd) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  TABLE_LO[n] = lo;
  TABLE_HI[n] = hi;
}
for (let k = 1; k < SLICES; k++) {
  for (let n = 0; n < 256; n++) {
    const lo = TABLE_LO[(k - 1) * 256 + n]!;
    const hi = TABLE_HI[(k - 1) * 256 + n]!;
    const t = lo & 0xff;
    TABLE_LO[k * 256 + n] = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[t]!) >>> 0;
    TABLE_HI[k * 256 + n] = ((hi >>> 8) ^ TABLE_HI[t]!) >>> 0;
  }
}

/** Advances the inverted CRC `[hi, lo]` over `data`; returns the new halves. */
function update(hi0: number, lo0: number, data: Uint8Array): [number, number] {
  const TL = TABLE_LO;
  const TH = TABLE_HI;
  let hi = hi0;
  let lo = lo0;
  let i = 0;
  const end16 = data.length - (data.length % 16);

  for (; i < end16; i += 16) {
    const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    const b =
      hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
    const c = data[i + 8]! | (data[i + 9]! << 8) | (data[i + 10]! << 16) | (data[i + 11]! << 24);
    const d = data[i + 12]! | (data[i + 13]! << 8) | (data[i + 14]! << 16) | (data[i + 15]! << 24);
    const i0 = 15 * 256 + (a & 0xff);
    const i1 = 14 * 256 + ((a >>> 8) & 0xff);
    const i2 = 13 * 256 + ((a >>> 16) & 0xff);
    const i3 = 12 * 256 + (a >>> 24);
    const i4 = 11 * 256 + (b & 0xff);
    const i5 = 10 * 256 + ((b >>> 8) & 0xff);
    const i6 = 9 * 256 + ((b >>> 16) & 0xff);
    const i7 = 8 * 256 + (b >>> 24);
    const i8 = 7 * 256 + (c & 0xff);
    const i9 = 6 * 256 + ((c >>> 8) & 0xff);
    const i10 = 5 * 256 + ((c >>> 16) & 0xff);
    const i11 = 4 * 256 + (c >>> 24);
    const i12 = 3 * 256 + (d & 0xff);
    const i13 = 2 * 256 + ((d >>> 8) & 0xff);
    const i14 = 256 + ((d >>> 16) & 0xff);
    const i15 = d >>> 24;
    lo =
      TL[i0]! ^
      TL[i1]! ^
      TL[i2]! ^
      TL[i3]! ^
      TL[i4]! ^
      TL[i5]! ^
      TL[i6]! ^
      TL[i7]! ^
      TL[i8]! ^
      TL[i9]! ^
      TL[i10]! ^
      TL[i11]! ^
      TL[i12]! ^
      TL[i13]! ^
      TL[i14]! ^
      TL[i15]!;
    hi =
      TH[i0]! ^
      TH[i1]! ^
      TH[i2]! ^
      TH[i3]! ^
      TH[i4]! ^
      TH[i5]! ^
      TH[i6]! ^
      TH[i7]! ^
      TH[i8]! ^
      TH[i9]! ^
      TH[i10]! ^
      TH[i11]! ^
      TH[i12]! ^
      TH[i13]! ^
      TH[i14]! ^
      TH[i15]!;
  }

  for (; i < data.length; i++) {
    const t = (lo ^ data[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ TL[t]!;
    hi = (hi >>> 8) ^ TH[t]!;
  }
  return [hi >>> 0, lo >>> 0];
}

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
  const [hi, lo] = update(Number(inverted >> 32n), Number(inverted & 0xffffffffn), data);
  return ((BigInt(hi) << 32n) | BigInt(lo)) ^ MASK64;
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
const X2N: bigint[] = [X0 >> 1n];
for (let k = 1; k < 64; k++) X2N.push(multiplyModP(X2N[k - 1]!, X2N[k - 1]!));

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
  #hi = 0xffffffff;
  #lo = 0xffffffff;
  #length = 0;

  /** Bytes seen so far. */
  get length(): number {
    return this.#length;
  }

  /** Feeds the next chunk. */
  update(chunk: Uint8Array): this {
    checkBytes(chunk, 'chunk');
    [this.#hi, this.#lo] = update(this.#hi, this.#lo, chunk);
    this.#length += chunk.length;
    return this;
  }

  /** The CRC-64 of everything fed so far; feeding may continue afterwards. */
  digest(): bigint {
    return ((BigInt(this.#hi) << 32n) | BigInt(this.#lo)) ^ MASK64;
  }

  /** The decimal form, as in `x-oss-hash-crc64ecma`. */
  toString(): string {
    return this.digest().toString(10);
  }
}
