import { crc64ToString } from '../digest.js';
import { OssError } from '../errors.js';
import { httpDate } from '../respond.js';
import type { ObjectMeta, ObjectType } from '../store/types.js';

/** Standard headers an object keeps and returns (besides Content-Type). */
export const STORED_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
];

const OBJECT_ACLS = new Set(['default', 'private', 'public-read', 'public-read-write']);
const STORAGE_CLASSES = new Set(['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive']);

/** The most bytes of `x-oss-meta-*` header names and values one request may carry. */
export const MAX_USER_META_BYTES = 8 * 1024;

// The service's error-center entry for this refusal; its Code string is not documented there.
const USER_META_TOO_LARGE_EC = '0011-00000002';

/**
 * Refuses a request whose `x-oss-meta-*` headers (names and values, UTF-8) total more than
 * {@link MAX_USER_META_BYTES}, as the service does on every write that sets metadata.
 *
 * @throws OssError InvalidArgument (the service's EC 0011-00000002).
 */
export function checkUserMetaSize(headers: Record<string, string>): void {
  let total = 0;
  for (const name in headers) {
    if (!name.startsWith('x-oss-meta-')) continue;
    total += utf8Length(name) + utf8Length(headers[name] as string);
  }
  if (total > MAX_USER_META_BYTES) {
    throw new OssError(
      'InvalidArgument',
      `The user metadata (x-oss-meta-*) is ${total} bytes, over the limit of 8 KB.`,
      { ArgumentName: 'x-oss-meta-*', ArgumentValue: String(total) },
      { 'x-oss-ec': USER_META_TOO_LARGE_EC },
    );
  }
}

function utf8Length(text: string): number {
  // Header values arrive as latin1-safe text; only non-ASCII needs the encoder.
  return /^[\x00-\x7f]*$/.test(text) ? text.length : new TextEncoder().encode(text).byteLength;
}

/**
 * The metadata a write request sets: Content-Type, stored standard headers, `x-oss-meta-*`,
 * storage class and object ACL.
 *
 * @throws OssError InvalidArgument for an unknown storage class or ACL, or user metadata over
 *   {@link MAX_USER_META_BYTES}.
 */
export function metaFromHeaders(
  headers: Record<string, string>,
): Pick<ObjectMeta, 'contentType' | 'headers' | 'userMeta' | 'storageClass' | 'acl'> {
  checkUserMetaSize(headers);
  const userMeta: Record<string, string> = {};
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-oss-meta-')) userMeta[name.slice('x-oss-meta-'.length)] = value;
  }
  for (const name of STORED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) stored[name] = value;
  }
  const storageClass = headers['x-oss-storage-class'] ?? 'Standard';
  if (!STORAGE_CLASSES.has(storageClass)) {
    throw new OssError('InvalidArgument', 'Invalid storage class.', {
      ArgumentName: 'x-oss-storage-class',
      ArgumentValue: storageClass,
    });
  }
  const acl = headers['x-oss-object-acl'] ?? 'default';
  if (!OBJECT_ACLS.has(acl)) {
    throw new OssError('InvalidArgument', 'no such object access control exists', {
      ArgumentName: 'x-oss-object-acl',
      ArgumentValue: acl,
    });
  }
  return {
    contentType: headers['content-type'] || 'application/octet-stream',
    headers: stored,
    userMeta,
    storageClass,
    acl,
  };
}

/** A fresh ObjectMeta. */
export function newMeta(
  key: string,
  type: ObjectType,
  fields: Pick<ObjectMeta, 'contentType' | 'headers' | 'userMeta' | 'storageClass' | 'acl'>,
  data: { size: number; etag: string; crc64: bigint; lastModified: number },
): ObjectMeta {
  return { key, type, ...fields, ...data };
}

/** The headers GET and HEAD return for an object (without length and range). */
export function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': meta.contentType,
    etag: `"${meta.etag}"`,
    'last-modified': httpDate(meta.lastModified),
    'accept-ranges': 'bytes',
    'x-oss-object-type': meta.type,
    'x-oss-storage-class': meta.storageClass,
    'x-oss-hash-crc64ecma': crc64ToString(meta.crc64),
  };
  for (const [name, value] of Object.entries(meta.headers)) headers[name] = value;
  for (const [name, value] of Object.entries(meta.userMeta)) headers[`x-oss-meta-${name}`] = value;
  if (meta.type === 'Appendable') headers['x-oss-next-append-position'] = String(meta.size);
  return headers;
}

/** The error for a missing object. */
export function noSuchKey(key: string): OssError {
  return new OssError('NoSuchKey', 'The specified key does not exist.', { Key: key });
}

/** Upper-case hex of bytes. */
export function upperHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out.toUpperCase();
}

/**
 * The ETag of an appendable object. OSS does not use the MD5 for these; the mock derives it from
 * the CRC-64 and length so it changes with every append and is stable across restarts.
 */
export function appendableEtag(crc: bigint, size: number): string {
  return (crc.toString(16).padStart(16, '0') + size.toString(16).padStart(16, '0')).toUpperCase();
}
