import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  unlink,
} from 'node:fs/promises';
import { join } from 'node:path';
import { SortedKeys } from './sorted-keys.js';
import type { BucketRecord, ObjectMeta, Staging, Store } from './types.js';

/**
 * On-disk layout (one directory per bucket; names on disk never come from object keys):
 *
 *     <dir>/tmp/                               staged request bodies
 *     <dir>/buckets/<bucket>/bucket.json       the bucket record
 *     <dir>/buckets/<bucket>/objects/<h>.json  object metadata, h = sha256(key); the commit point
 *     <dir>/buckets/<bucket>/objects/<h>.<generation>.data   object bytes
 *
 * A put writes and fsyncs a new data file, then atomically replaces the metadata file (temp +
 * fsync + rename); only then is the old data file removed. An append writes and fsyncs the bytes
 * first and the metadata (length, CRC) after, so at open the metadata says how many bytes are
 * committed and a torn tail is cut off. Files no metadata points to are removed at open.
 */
interface DiskObject {
  meta: ObjectMeta;
  dataFile: string;
}

interface DiskBucket {
  record: BucketRecord;
  dir: string;
  objects: Map<string, DiskObject>;
  keys: SortedKeys;
}

interface MetaFile extends Omit<ObjectMeta, 'crc64'> {
  crc64: string;
  dataFile: string;
}

class DiskStaging implements Staging {
  size = 0;
  #handle: Promise<FileHandle>;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.#handle = open(path, 'w');
  }

  async write(chunk: Uint8Array): Promise<void> {
    const handle = await this.#handle;
    await handle.write(chunk);
    this.size += chunk.byteLength;
  }

  /** Flushes and closes the staged file. */
  async seal(): Promise<void> {
    const handle = await this.#handle;
    await handle.sync();
    await handle.close();
  }

  async discard(): Promise<void> {
    try {
      await (await this.#handle).close();
    } catch {
      // already closed
    }
    await rm(this.path, { force: true });
  }
}

function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** Keeps buckets and objects under a directory, surviving restarts and kills. */
export class DiskStore implements Store {
  readonly kind = 'disk' as const;
  readonly #root: string;
  #buckets = new Map<string, DiskBucket>();
  #usedBytes = 0;
  // One chain of pending writes per object, so writes to a key land in request order.
  #pending = new Map<string, Promise<unknown>>();

  private constructor(root: string) {
    this.#root = root;
  }

  /**
   * Opens (creating when needed) a data directory and loads its index.
   * @example const store = await DiskStore.open('./oss-data');
   */
  static async open(root: string): Promise<DiskStore> {
    const store = new DiskStore(root);
    await mkdir(join(root, 'buckets'), { recursive: true });
    await rm(join(root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(root, 'tmp'), { recursive: true });
    await store.#load();
    return store;
  }

  get usedBytes(): number {
    return this.#usedBytes;
  }

  async #load(): Promise<void> {
    for (const name of await readdir(join(this.#root, 'buckets'))) {
      const dir = join(this.#root, 'buckets', name);
      let record: BucketRecord;
      try {
        record = JSON.parse(await readFile(join(dir, 'bucket.json'), 'utf8')) as BucketRecord;
      } catch {
        continue;
      }
      const bucket: DiskBucket = { record, dir, objects: new Map(), keys: new SortedKeys() };
      await mkdir(join(dir, 'objects'), { recursive: true });
      const files = await readdir(join(dir, 'objects'));
      const referenced = new Set<string>();
      for (const file of files) {
        if (!file.endsWith('.json')) continue;
        try {
          const parsed = JSON.parse(await readFile(join(dir, 'objects', file), 'utf8')) as MetaFile;
          const { dataFile, crc64, ...rest } = parsed;
          const meta: ObjectMeta = { ...rest, crc64: BigInt(crc64) };
          const dataPath = join(dir, 'objects', dataFile);
          const size = (await stat(dataPath)).size;
          if (size < meta.size) continue;
          if (size > meta.size) await truncate(dataPath, meta.size);
          referenced.add(dataFile);
          referenced.add(file);
          bucket.objects.set(meta.key, { meta, dataFile });
          bucket.keys.add(meta.key);
          this.#usedBytes += meta.size;
        } catch {
          // An unreadable metadata file is an object that never committed.
        }
      }
      for (const file of files) {
        if (!referenced.has(file)) await rm(join(dir, 'objects', file), { force: true });
      }
      this.#buckets.set(record.name, bucket);
    }
  }

  listBuckets(): BucketRecord[] {
    return [...this.#buckets.values()].map((bucket) => bucket.record);
  }

  getBucket(name: string): BucketRecord | undefined {
    return this.#buckets.get(name)?.record;
  }

  async putBucket(record: BucketRecord): Promise<void> {
    let bucket = this.#buckets.get(record.name);
    if (bucket) bucket.record = record;
    else {
      bucket = {
        record,
        dir: join(this.#root, 'buckets', record.name),
        objects: new Map(),
        keys: new SortedKeys(),
      };
      this.#buckets.set(record.name, bucket);
    }
    await mkdir(join(bucket.dir, 'objects'), { recursive: true });
    await writeFileAtomic(join(bucket.dir, 'bucket.json'), JSON.stringify(record));
  }

  async deleteBucket(name: string): Promise<void> {
    const bucket = this.#buckets.get(name);
    if (!bucket) return;
    this.#buckets.delete(name);
    for (const { meta } of bucket.objects.values()) this.#usedBytes -= meta.size;
    await rm(bucket.dir, { recursive: true, force: true });
  }

  objectCount(bucket: string): number {
    return this.#buckets.get(bucket)?.objects.size ?? 0;
  }

  head(bucket: string, key: string): ObjectMeta | undefined {
    return this.#buckets.get(bucket)?.objects.get(key)?.meta;
  }

  read(bucket: string, key: string, start: number, end: number): AsyncIterable<Uint8Array> {
    const target = this.#buckets.get(bucket);
    const entry = target?.objects.get(key);
    const pending = this.#pending.get(`${bucket}/${key}`);
    return {
      async *[Symbol.asyncIterator]() {
        if (!target || !entry || end <= start) return;
        await pending?.catch(() => {});
        yield* createReadStream(join(target.dir, 'objects', entry.dataFile), {
          start,
          end: end - 1,
        }) as AsyncIterable<Uint8Array>;
      },
    };
  }

  stage(): Staging {
    return new DiskStaging(join(this.#root, 'tmp', randomBytes(12).toString('hex')));
  }

  async put(bucket: string, meta: ObjectMeta, staging: Staging): Promise<void> {
    const target = this.#bucket(bucket);
    const previous = target.objects.get(meta.key);
    const generation = Date.now().toString(36) + randomBytes(3).toString('hex');
    const dataFile = `${keyHash(meta.key)}.${generation}.data`;
    this.#index(target, { meta, dataFile }, previous);
    await this.#serial(bucket, meta.key, async () => {
      await (staging as DiskStaging).seal();
      await rename((staging as DiskStaging).path, join(target.dir, 'objects', dataFile));
      await this.#writeMeta(target, meta, dataFile);
      if (previous && previous.dataFile !== dataFile) {
        await rm(join(target.dir, 'objects', previous.dataFile), { force: true });
      }
    });
  }

  async append(bucket: string, meta: ObjectMeta, staging: Staging): Promise<void> {
    const target = this.#bucket(bucket);
    const previous = target.objects.get(meta.key);
    if (!previous) {
      await this.put(bucket, meta, staging);
      return;
    }
    this.#index(target, { meta, dataFile: previous.dataFile }, previous);
    await this.#serial(bucket, meta.key, async () => {
      const disk = staging as DiskStaging;
      await disk.seal();
      const handle = await open(join(target.dir, 'objects', previous.dataFile), 'r+');
      try {
        let position = previous.meta.size;
        for await (const chunk of createReadStream(disk.path) as AsyncIterable<Uint8Array>) {
          await handle.write(chunk, 0, chunk.byteLength, position);
          position += chunk.byteLength;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await unlink(disk.path);
      await this.#writeMeta(target, meta, previous.dataFile);
    });
  }

  async copy(
    source: { bucket: string; key: string },
    bucket: string,
    meta: ObjectMeta,
  ): Promise<void> {
    const staging = this.stage() as DiskStaging;
    for await (const chunk of this.read(source.bucket, source.key, 0, meta.size))
      await staging.write(chunk);
    await this.put(bucket, meta, staging);
  }

  async updateMeta(bucket: string, meta: ObjectMeta): Promise<void> {
    const target = this.#bucket(bucket);
    const entry = target.objects.get(meta.key);
    if (!entry) return;
    this.#index(target, { meta, dataFile: entry.dataFile }, entry);
    await this.#serial(bucket, meta.key, () => this.#writeMeta(target, meta, entry.dataFile));
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const target = this.#buckets.get(bucket);
    const entry = target?.objects.get(key);
    if (!target || !entry) return false;
    target.objects.delete(key);
    target.keys.delete(key);
    this.#usedBytes -= entry.meta.size;
    await this.#serial(bucket, key, async () => {
      await rm(join(target.dir, 'objects', `${keyHash(key)}.json`), { force: true });
      await rm(join(target.dir, 'objects', entry.dataFile), { force: true });
    });
    return true;
  }

  keys(bucket: string): SortedKeys | undefined {
    return this.#buckets.get(bucket)?.keys;
  }

  async clear(): Promise<void> {
    await Promise.allSettled(this.#pending.values());
    for (const name of [...this.#buckets.keys()]) await this.deleteBucket(name);
    this.#usedBytes = 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#pending.values());
  }

  #bucket(name: string): DiskBucket {
    const bucket = this.#buckets.get(name);
    if (!bucket) throw new Error(`store: no bucket ${name}`);
    return bucket;
  }

  // The index changes synchronously, before any file I/O, so a racing request sees it at once.
  #index(target: DiskBucket, entry: DiskObject, previous: DiskObject | undefined): void {
    if (previous) this.#usedBytes -= previous.meta.size;
    else target.keys.add(entry.meta.key);
    target.objects.set(entry.meta.key, entry);
    this.#usedBytes += entry.meta.size;
  }

  async #writeMeta(target: DiskBucket, meta: ObjectMeta, dataFile: string): Promise<void> {
    const file: MetaFile = { ...meta, crc64: meta.crc64.toString(), dataFile };
    await writeFileAtomic(
      join(target.dir, 'objects', `${keyHash(meta.key)}.json`),
      JSON.stringify(file),
    );
  }

  #serial(bucket: string, key: string, work: () => Promise<void>): Promise<void> {
    const id = `${bucket}/${key}`;
    const previous = this.#pending.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    this.#pending.set(id, next);
    const cleanup = () => {
      if (this.#pending.get(id) === next) this.#pending.delete(id);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
