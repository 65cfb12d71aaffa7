import { SortedKeys } from './sorted-keys.js';
import type { BucketRecord, ObjectMeta, Staging, Store } from './types.js';

/**
 * An object's bytes as a list of immutable chunks with their running end offsets. An append adds
 * chunks (cost: the appended bytes); a reader snapshots the chunk count, so a concurrent append
 * never changes what a GET already started sending.
 */
interface ChunkList {
  chunks: Uint8Array[];
  ends: number[];
}

interface MemoryBucket {
  record: BucketRecord;
  objects: Map<string, { meta: ObjectMeta; data: ChunkList }>;
  keys: SortedKeys;
}

/** Staged body bytes, each chunk owning exactly its bytes (no pooled socket buffer retained). */
export class MemoryStaging implements Staging {
  readonly chunks: Uint8Array[] = [];
  size = 0;

  write(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    const owned =
      chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength
        ? chunk
        : chunk.slice();
    this.chunks.push(owned);
    this.size += owned.byteLength;
  }

  async discard(): Promise<void> {
    this.chunks.length = 0;
    this.size = 0;
  }
}

/** Keeps everything in process memory. The default store. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  #buckets = new Map<string, MemoryBucket>();
  #usedBytes = 0;

  get usedBytes(): number {
    return this.#usedBytes;
  }

  listBuckets(): BucketRecord[] {
    return [...this.#buckets.values()].map((bucket) => bucket.record);
  }

  getBucket(name: string): BucketRecord | undefined {
    return this.#buckets.get(name)?.record;
  }

  async putBucket(record: BucketRecord): Promise<void> {
    const existing = this.#buckets.get(record.name);
    if (existing) existing.record = record;
    else this.#buckets.set(record.name, { record, objects: new Map(), keys: new SortedKeys() });
  }

  async deleteBucket(name: string): Promise<void> {
    const bucket = this.#buckets.get(name);
    if (!bucket) return;
    for (const { meta } of bucket.objects.values()) this.#usedBytes -= meta.size;
    this.#buckets.delete(name);
  }

  objectCount(bucket: string): number {
    return this.#buckets.get(bucket)?.objects.size ?? 0;
  }

  head(bucket: string, key: string): ObjectMeta | undefined {
    return this.#buckets.get(bucket)?.objects.get(key)?.meta;
  }

  read(bucket: string, key: string, start: number, end: number): Uint8Array[] {
    const data = this.#buckets.get(bucket)?.objects.get(key)?.data;
    return data ? sliceChunks(data.chunks, data.ends, start, end) : [];
  }

  stage(): Staging {
    return new MemoryStaging();
  }

  async put(bucket: string, meta: ObjectMeta, staging: Staging): Promise<void> {
    const target = this.#bucket(bucket);
    const chunks = (staging as MemoryStaging).chunks.slice();
    this.#replace(target, meta, { chunks, ends: runningEnds(chunks) });
  }

  async append(bucket: string, meta: ObjectMeta, staging: Staging): Promise<void> {
    const target = this.#bucket(bucket);
    const existing = target.objects.get(meta.key);
    if (!existing) {
      const chunks = (staging as MemoryStaging).chunks.slice();
      this.#replace(target, meta, { chunks, ends: runningEnds(chunks) });
      return;
    }
    const { chunks, ends } = existing.data;
    let end = ends.length > 0 ? (ends[ends.length - 1] as number) : 0;
    for (const chunk of (staging as MemoryStaging).chunks) {
      end += chunk.byteLength;
      chunks.push(chunk);
      ends.push(end);
    }
    this.#usedBytes += meta.size - existing.meta.size;
    existing.meta = meta;
  }

  async copy(
    source: { bucket: string; key: string },
    bucket: string,
    meta: ObjectMeta,
  ): Promise<void> {
    const from = this.#buckets.get(source.bucket)?.objects.get(source.key);
    if (!from) throw new Error(`copy: no source object ${source.bucket}/${source.key}`);
    const data = { chunks: from.data.chunks.slice(), ends: from.data.ends.slice() };
    this.#replace(this.#bucket(bucket), meta, data);
  }

  async updateMeta(bucket: string, meta: ObjectMeta): Promise<void> {
    const entry = this.#buckets.get(bucket)?.objects.get(meta.key);
    if (entry) entry.meta = meta;
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const target = this.#buckets.get(bucket);
    const entry = target?.objects.get(key);
    if (!target || !entry) return false;
    target.objects.delete(key);
    target.keys.delete(key);
    this.#usedBytes -= entry.meta.size;
    return true;
  }

  keys(bucket: string): SortedKeys | undefined {
    return this.#buckets.get(bucket)?.keys;
  }

  async clear(): Promise<void> {
    this.#buckets.clear();
    this.#usedBytes = 0;
  }

  async close(): Promise<void> {}

  #bucket(name: string): MemoryBucket {
    const bucket = this.#buckets.get(name);
    if (!bucket) throw new Error(`store: no bucket ${name}`);
    return bucket;
  }

  #replace(target: MemoryBucket, meta: ObjectMeta, data: ChunkList): void {
    const previous = target.objects.get(meta.key);
    if (previous) this.#usedBytes -= previous.meta.size;
    else target.keys.add(meta.key);
    target.objects.set(meta.key, { meta, data });
    this.#usedBytes += meta.size;
  }
}

function runningEnds(chunks: Uint8Array[]): number[] {
  const ends: number[] = [];
  let end = 0;
  for (const chunk of chunks) {
    end += chunk.byteLength;
    ends.push(end);
  }
  return ends;
}

/**
 * The bytes [start, end) of a chunk list as views (no copy), finding the first chunk by binary
 * search. Chunks are immutable, so the views stay valid whatever happens to the object later.
 */
function sliceChunks(
  chunks: Uint8Array[],
  ends: number[],
  start: number,
  end: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ends[middle] as number) <= start) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < chunks.length; index++) {
    const chunk = chunks[index] as Uint8Array;
    const chunkEnd = ends[index] as number;
    const chunkStart = chunkEnd - chunk.byteLength;
    if (chunkStart >= end) break;
    out.push(
      chunk.subarray(Math.max(0, start - chunkStart), Math.min(chunk.byteLength, end - chunkStart)),
    );
  }
  return out;
}
