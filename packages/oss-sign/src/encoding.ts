import { describe } from './errors.js';

const encoder = new TextEncoder();
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Throws a TypeError naming `name` unless `value` is a Uint8Array (Buffer included). */
export function checkBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
  return value;
}

/** Throws a TypeError naming `name` unless `value` is a string or a Uint8Array. */
export function checkBytesOrString(value: unknown, name: string): Uint8Array | string {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a string or a Uint8Array, got ${describe(value)}`);
  }
  return value;
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
  return encoder.encode(text);
}

/** Lower-case hexadecimal form of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  checkBytes(bytes, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/** Standard base64 (with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  checkBytes(bytes, 'bytes');
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = bytes[whole]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[whole]! << 16) | (bytes[whole + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Bytes of a standard base64 string; padding is optional.
 * @throws {TypeError} when `text` is not a string or holds a character outside the alphabet.
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
  const body = text.endsWith('==')
    ? text.slice(0, -2)
    : text.endsWith('=')
      ? text.slice(0, -1)
      : text;
  if (body.length % 4 === 1) throw new TypeError('text is not valid base64 (bad length)');

  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) throw new TypeError(`text is not valid base64 (character at ${i})`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Compares two secrets in time that depends only on their lengths, so a server checking a
 * signature does not leak how many leading characters matched. Strings are compared as UTF-8.
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === 'string' ? encoder.encode(a) : checkBytes(a, 'a');
  const y = typeof b === 'string' ? encoder.encode(b) : checkBytes(b, 'b');
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') {
  UNRESERVED[c.charCodeAt(0)] = 1;
}
const PERCENT = Array.from(
  { length: 256 },
  (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
);

/**
 * RFC 3986 percent-encoding of the UTF-8 bytes of `text`: every byte except `A-Za-z0-9-_.~`
 * becomes `%XX` (upper-case hex); `/` is kept when `keepSlash` is set. This is the encoding
 * OSS V4 canonicalizes with, and it is also safe for URL paths and query values.
 */
export function uriEncode(text: string, keepSlash: boolean): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] === 0 && !(keepSlash && c === 47))) {
      plain = false;
      break;
    }
  }
  if (plain) return text;

  let out = '';
  for (const b of encoder.encode(text)) {
    out +=
      b < 128 && (UNRESERVED[b] === 1 || (keepSlash && b === 47))
        ? String.fromCharCode(b)
        : PERCENT[b]!;
  }
  return out;
}
