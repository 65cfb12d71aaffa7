/**
 * The object-store operations the command line, the demo and the application server use,
 * as one small interface. `connectOss` builds it on @oss-media/media-client.
 */
import type { Auth } from '@oss-media/media-client';
import type { ByteRange } from './sizes.js';

/** What `stat` shows. */
export interface ObjectInfo {
  key: string;
  size: number;
  objectType: string;
  contentType: string | undefined;
  etag: string | undefined;
  lastModified: Date | undefined;
  /** Decimal, as in `x-oss-hash-crc64ecma`. */
  crc64: string | undefined;
  nextAppendPosition: number | undefined;
  metadata: Record<string, string>;
}

/** One row of a listing: an object, or a common prefix ("folder") when not recursive. */
export type ListItem =
  | { kind: 'object'; key: string; size: number; lastModified: Date; objectType: string }
  | { kind: 'prefix'; prefix: string };

/** Counters an upload reports. */
export interface UploadReport {
  bytes: number;
  /** Where the upload started (non-zero when resumed or appended to an existing object). */
  startPosition: number;
  elapsedMs: number;
  /** The object's CRC-64 after the upload, as the service reported it. */
  crc64: string | undefined;
  retries: number;
  refreshes: number;
}

/** Options of {@link OssOperations.upload}. */
export interface UploadOptions {
  /** Append in chunks instead of one PutObject. */
  append?: boolean;
  /** Continue an appendable object where it ends (after checking the overlap's CRC). */
  resume?: boolean;
  chunkSize?: number;
  contentType?: string;
  signal?: AbortSignal;
  /** Bytes sent so far, after each chunk. */
  onProgress?: (bytes: number) => void;
}

/** Events worth a line in a progress display. */
export type OssNotice =
  | { type: 'refresh'; reason: string }
  | { type: 'retry'; reason: string; attempt: number; delayMs: number };

/** The operations, bound to one endpoint and one set of credentials. */
export interface OssOperations {
  stat(bucket: string, key: string): Promise<ObjectInfo>;
  read(bucket: string, key: string, range?: ByteRange): Promise<Uint8Array>;
  list(bucket: string, options: { prefix?: string; recursive?: boolean }): AsyncIterable<ListItem>;
  remove(bucket: string, key: string): Promise<void>;
  presign(
    bucket: string,
    key: string,
    options: { expires: number; v4?: boolean; method?: string; contentType?: string },
  ): Promise<string>;
  /** Uploads a file, or (appending) any stream of chunks, such as a camera's paced output. */
  upload(
    bucket: string,
    key: string,
    source: string | AsyncIterable<Uint8Array>,
    options: UploadOptions,
  ): Promise<UploadReport>;
  /** PutObject of bytes in memory (playlists, segments). */
  put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options?: { contentType?: string; cacheControl?: string },
  ): Promise<void>;
  /** Creates the bucket unless it exists already. */
  ensureBucket(bucket: string): Promise<void>;
  /** Retries and refreshes since the operations were created. */
  stats(): { retries: number; refreshes: number; requests: number };
  close(): Promise<void>;
}

/** How the operations authenticate: fixed keys, or a refreshing source (the camera's). */
export type OssAuth = Auth;

/** Options of `connectOss`. */
export interface OssConnectOptions {
  endpoint: string;
  auth: OssAuth;
  region?: string;
  /** The clock signatures use; the demo passes the mock's. */
  now?: () => number;
  onNotice?: (notice: OssNotice) => void;
}
