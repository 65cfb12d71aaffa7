import type { BodyChunks } from '../http.js';
/** `x-oss-object-type` of a stored object. */
export type ObjectType = 'Normal' | 'Appendable';

/** Everything the mock knows about one object except its bytes. */
export interface ObjectMeta {
  key: string;
  type: ObjectType;
  size: number;
  /** Upper-case hex, without quotes. */
  etag: string;
  /** CRC-64/ECMA-182 of the whole object. */
  crc64: bigint;
  /** Epoch milliseconds (mock clock). */
  lastModified: number;
  contentType: string;
  storageClass: string;
  /** `x-oss-meta-*` values keyed by the lower-case name after the prefix. */
  userMeta: Record<string, string>;
  /** Standard headers stored with the object: cache-control, content-disposition, ... */
  headers: Record<string, string>;
  /** Object ACL (`default` follows the bucket). */
  acl: string;
}

/** One lifecycle rule as stored (protocol §8). */
export interface LifecycleRule {
  id: string;
  prefix: string;
  enabled: boolean;
  /** Expire objects this many days after their last modification. */
  days?: number;
  /** Expire objects modified before this date (ISO 8601, as sent). */
  createdBeforeDate?: string;
}

/** One CORS rule as stored. */
export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** A bucket and its configuration. */
export interface BucketRecord {
  name: string;
  /** Epoch milliseconds. */
  created: number;
  acl: 'private' | 'public-read' | 'public-read-write';
  storageClass: string;
  region: string;
  lifecycle?: LifecycleRule[];
  cors?: { rules: CorsRule[]; responseVary: boolean };
}

/** Bytes of one request body, collected before the store commits them. */
export interface Staging {
  write(chunk: Uint8Array): void | Promise<void>;
  readonly size: number;
  /** Drops the staged bytes (the request failed validation). */
  discard(): Promise<void>;
}

/**
 * Where buckets and objects live. Metadata is always held in memory (so HEAD, listing and rule
 * checks are synchronous); object bytes are in memory or on disk depending on the store.
 * Every mutating method either completes or leaves the previous state intact.
 */
export interface Store {
  readonly kind: 'memory' | 'disk';
  /** Bytes of object data currently stored. */
  readonly usedBytes: number;

  listBuckets(): BucketRecord[];
  getBucket(name: string): BucketRecord | undefined;
  putBucket(record: BucketRecord): Promise<void>;
  deleteBucket(name: string): Promise<void>;
  objectCount(bucket: string): number;

  head(bucket: string, key: string): ObjectMeta | undefined;
  /** The bytes `[start, end)` of an object, in order. */
  read(bucket: string, key: string, start: number, end: number): BodyChunks;
  stage(): Staging;
  /** Replaces the object with the staged bytes. */
  put(bucket: string, meta: ObjectMeta, staging: Staging): Promise<void>;
  /** Adds the staged bytes at the end of an existing or new appendable object. */
  append(bucket: string, meta: ObjectMeta, staging: Staging): Promise<void>;
  /** Stores a copy of another object's bytes under `meta.key`. */
  copy(source: { bucket: string; key: string }, bucket: string, meta: ObjectMeta): Promise<void>;
  /** Updates metadata only (the bytes stay). */
  updateMeta(bucket: string, meta: ObjectMeta): Promise<void>;
  delete(bucket: string, key: string): Promise<boolean>;
  /** The bucket's keys in listing order. */
  keys(bucket: string): import('./sorted-keys.js').SortedKeys | undefined;
  /** Removes every bucket and object. */
  clear(): Promise<void>;
  /** Releases files and handles. */
  close(): Promise<void>;
}
