/**
 * Object operations (PutObject, GetObject, HeadObject, DeleteObject, AppendObject) as functions
 * of a {@link Requester}: each turns arguments into a request and the answer into plain data.
 */
import { crc64FromString } from '@oss-media/oss-sign';
import { InvalidResponseError } from './errors.js';
import type { OssResponse, Requester } from './request.js';

/** The object types OSS reports in `x-oss-object-type`. */
export type ObjectType = 'Normal' | 'Appendable' | 'Multipart' | 'Symlink';

/** What HEAD says about an object. */
export interface ObjectStat {
  length: number;
  type: ObjectType;
  /** Quoted, as the service sends it. */
  etag: string | undefined;
  lastModified: Date | undefined;
  /** CRC-64 of the whole object, when the service reported one. */
  crc64: bigint | undefined;
  /** For appendable objects: the position the next append must use. */
  nextAppendPosition: number | undefined;
  contentType: string | undefined;
  storageClass: string | undefined;
  /** `x-oss-meta-*` headers without the prefix. */
  metadata: Record<string, string>;
}

/** Options shared by object writes. */
export interface WriteOptions {
  contentType?: string;
  /** User metadata, sent as `x-oss-meta-<name>`. */
  metadata?: Record<string, string>;
  /** Further headers, e.g. `x-oss-object-acl` or `Cache-Control`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The answer to a successful write. */
export interface WriteResult {
  etag: string | undefined;
  /** CRC-64 of the whole object after the write, as the service reported it. */
  crc64: bigint | undefined;
  requestId: string | undefined;
}

/** The answer to an append. */
export interface AppendResult extends WriteResult {
  nextPosition: number;
}

/** A downloaded object or range. */
export interface GetResult {
  body: Uint8Array;
  /** 206 for a satisfied range, 200 for the whole object. */
  status: number;
  /** The object's total length (from Content-Range when ranged). */
  totalLength: number;
  stat: ObjectStat;
}

/** HeadObject. @throws {NotFoundError} when the object or bucket is missing. */
export async function headObject(
  requester: Requester,
  bucket: string,
  key: string,
  options: { signal?: AbortSignal } = {},
): Promise<ObjectStat> {
  const response = await requester.send({ method: 'HEAD', bucket, key, ...signalOf(options) });
  return statOf(response);
}

/**
 * GetObject, optionally a byte range `[start, end]` (inclusive). With `standardRange` a start
 * past the end is a 416 instead of the whole object.
 */
export async function getObject(
  requester: Requester,
  bucket: string,
  key: string,
  options: {
    range?: { start: number; end?: number };
    standardRange?: boolean;
    signal?: AbortSignal;
  } = {},
): Promise<GetResult> {
  const headers: Record<string, string> = {};
  if (options.range !== undefined) {
    headers.range = `bytes=${options.range.start}-${options.range.end ?? ''}`;
    if (options.standardRange) headers['x-oss-range-behavior'] = 'standard';
  }
  const response = await requester.send({
    method: 'GET',
    bucket,
    key,
    headers,
    ...signalOf(options),
  });
  const totalLength =
    response.status === 206 ? totalOfContentRange(response) : response.body.byteLength;
  const stat = { ...statOf(response), length: totalLength };
  return { body: response.body, status: response.status, totalLength, stat };
}

/** PutObject: replaces the object (a Normal object afterwards). PUT is safe to repeat. */
export async function putObject(
  requester: Requester,
  bucket: string,
  key: string,
  body: Uint8Array,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const response = await requester.send({
    method: 'PUT',
    bucket,
    key,
    headers: writeHeaders(options),
    body,
    ...signalOf(options),
  });
  return writeResultOf(response);
}

/** DeleteObject; deleting a missing object succeeds, as on the service. */
export async function deleteObject(
  requester: Requester,
  bucket: string,
  key: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await requester.send({ method: 'DELETE', bucket, key, ...signalOf(options) });
}

/**
 * One AppendObject at `position`, never retried here: an append whose answer was lost must be
 * reconciled, not repeated (see the media file). Content-Type and metadata only count on the
 * first append.
 *
 * @throws {PositionMismatchError} when `position` is not the object's length.
 */
export async function appendObject(
  requester: Requester,
  bucket: string,
  key: string,
  position: number,
  body: Uint8Array,
  options: WriteOptions = {},
): Promise<AppendResult> {
  const response = await requester.send({
    method: 'POST',
    bucket,
    key,
    query: { append: null, position: String(position) },
    headers: writeHeaders(options),
    body,
    // An empty append changes nothing, so repeating it is harmless.
    retry: body.byteLength === 0 ? 'safe' : 'never',
    ...signalOf(options),
  });
  const next = response.headers['x-oss-next-append-position'];
  const nextPosition = next === undefined ? Number.NaN : Number(next);
  if (!Number.isSafeInteger(nextPosition)) {
    throw new InvalidResponseError(
      'InvalidResponse',
      `append to ${bucket}/${key}: no valid x-oss-next-append-position (${next})`,
      { status: response.status, requestId: response.requestId, method: 'POST', bucket, key },
    );
  }
  return { ...writeResultOf(response), nextPosition };
}

/** Reads an object's description from HEAD or GET headers. */
export function statOf(response: OssResponse): ObjectStat {
  const h = response.headers;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith('x-oss-meta-')) metadata[name.slice('x-oss-meta-'.length)] = value;
  }
  const lastModified = h['last-modified'] === undefined ? undefined : new Date(h['last-modified']);
  const next = h['x-oss-next-append-position'];
  return {
    length: Number(h['content-length'] ?? response.body.byteLength),
    type: (h['x-oss-object-type'] ?? 'Normal') as ObjectType,
    etag: h.etag,
    lastModified,
    crc64: crcOf(response),
    nextAppendPosition: next === undefined ? undefined : Number(next),
    contentType: h['content-type'],
    storageClass: h['x-oss-storage-class'],
    metadata,
  };
}

function crcOf(response: OssResponse): bigint | undefined {
  const text = response.headers['x-oss-hash-crc64ecma'];
  if (text === undefined) return undefined;
  try {
    return crc64FromString(text);
  } catch (cause) {
    throw new InvalidResponseError('InvalidResponse', `bad x-oss-hash-crc64ecma: ${text}`, {
      status: response.status,
      requestId: response.requestId,
      cause,
    });
  }
}

function writeResultOf(response: OssResponse): WriteResult {
  return { etag: response.headers.etag, crc64: crcOf(response), requestId: response.requestId };
}

function writeHeaders(options: WriteOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    headers[`x-oss-meta-${name.toLowerCase()}`] = value;
  }
  return headers;
}

function totalOfContentRange(response: OssResponse): number {
  const match = /\/(\d+)\s*$/.exec(response.headers['content-range'] ?? '');
  return match === null ? Number.NaN : Number(match[1]);
}

function signalOf(options: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}
