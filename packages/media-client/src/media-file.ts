/**
 * The camera's file: open modes, a tracked position, and appends that land exactly once.
 *
 * Exactly-once: the file keeps the object's length and the CRC-64 of its content. An append
 * whose answer is lost (reset, timeout, 5xx) is sent again at the same position. If the first
 * one had been applied, the service answers PositionNotEqualToLength; the file then asks HEAD
 * for the object's length and CRC and compares them with its state before and after the
 * append: "after" means the lost attempt was applied (move on), "before" means it was not
 * (send again), anything else means the object diverged (stop).
 */
import {
  AbortError,
  AccessDeniedError,
  CrcMismatchError,
  FileModeError,
  InvalidRangeError,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  ObjectDivergedError,
  ObjectNotAppendableError,
  type OssClientError,
  PositionMismatchError,
  ServerError,
  TimeoutError,
} from './errors.js';
import {
  type AppendResult,
  appendObject,
  deleteObject,
  getObject,
  headObject,
  type ObjectStat,
  putObject,
} from './objects.js';
import type { Requester } from './request.js';
import { abortError, backoffDelay, sleep } from './retry.js';
import { type AppendSource, chunksOf, piecesOf, skipBytes } from './sources.js';

/**
 * - `r`: read; a missing object fails on the first read or stat, not at open.
 * - `w`: every write replaces the object with the bytes written (PutObject).
 * - `a`: append; continues an existing appendable object from its current length.
 * - `aw`: truncate (delete), then append.
 */
export type OpenMode = 'r' | 'w' | 'a' | 'aw';

const EMPTY = new Uint8Array(0);

const MODES: ReadonlySet<string> = new Set(['r', 'w', 'a', 'aw']);

/** Options of a file, given at open. */
export interface FileOptions {
  /** Content-Type of the object (sent with the first append or every PUT). */
  contentType?: string;
  /** User metadata (sent with the first append or every PUT). */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

/** A progress report of {@link MediaFile.appendFrom}. */
export interface AppendProgress {
  /** Bytes appended by this call. */
  bytes: number;
  /** Bytes of the source found already in the object when resuming. */
  skipped: number;
  /** The object's length now. */
  position: number;
  elapsedMs: number;
  /** Bytes appended per second since the call started. */
  rate: number;
}

/** Options of {@link MediaFile.appendFrom}. */
export interface AppendFromOptions {
  /** Bytes per append; 1 MiB by default. Memory stays within about three chunks. */
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: AppendProgress) => void;
  /**
   * The source is the one the object was made from: skip the part the object already holds,
   * after checking that its CRC-64 equals the object's, and append the rest.
   */
  resume?: boolean;
}

/** A source given to appendFrom, including what the runtime entry adds (a file path on Node). */
export type SourceLike = AppendSource | string;

/** Turns a source the default entry does not know (a path) into pieces. */
export type SourceResolver = (source: SourceLike, chunkSize: number) => AppendSource;

/** What the client hands a file. */
export interface FileContext {
  requester: Requester;
  resolveSource: SourceResolver;
  /** Called once by close(), e.g. to close a client the file owns. */
  onClose?: () => Promise<void>;
}

interface AppendState {
  length: number;
  crc: bigint;
}

/**
 * An object opened like a file. Writes are queued, so calls without `await` still land in
 * order. Obtain one with `client.open()` or the top-level `open()`.
 */
export class MediaFile {
  readonly bucket: string;
  readonly key: string;
  readonly mode: OpenMode;
  readonly #context: FileContext;
  readonly #options: FileOptions;
  /** Read offset in mode `r`; the object's length in the write modes. */
  #position = 0;
  /** Last known length; undefined in mode `r` until the first answer. */
  #length: number | undefined;
  #crc = 0n;
  /** An append that may or may not have been applied; settled before the next one. */
  #pending: { before: AppendState; after: AppendState } | undefined;
  /** A divergence or CRC mismatch: the file refuses further writes. */
  #failure: OssClientError | undefined;
  #closed = false;
  /** HEAD was refused (a write-only token): learn the state from zero-byte appends. */
  #headDenied = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    context: FileContext,
    bucket: string,
    key: string,
    mode: OpenMode,
    options: FileOptions,
  ) {
    this.#context = context;
    this.bucket = bucket;
    this.key = key;
    this.mode = mode;
    this.#options = options;
  }

  /**
   * Opens `bucket/key` in `mode`. Mode `a` asks HEAD for the object's length and CRC; `aw`
   * deletes the object first.
   *
   * @throws {ObjectNotAppendableError} mode `a` on a Normal or Multipart object.
   * @throws {TypeError} an unknown mode.
   */
  static async open(
    context: FileContext,
    bucket: string,
    key: string,
    mode: OpenMode,
    options: FileOptions = {},
  ): Promise<MediaFile> {
    if (typeof bucket !== 'string' || bucket === '') {
      throw new TypeError(`bucket: expected a name, got ${String(bucket)}`);
    }
    if (typeof key !== 'string' || key === '') {
      throw new TypeError(`key: expected an object key, got ${String(key)}`);
    }
    if (!MODES.has(mode)) throw new TypeError(`mode: expected r, w, a or aw, got ${String(mode)}`);

    const file = new MediaFile(context, bucket, key, mode, options);
    // Fetches credentials now, so a callback runs at open as the C SDK's did.
    await context.requester.auth.current();
    if (mode === 'a') file.#commit(await file.#appendState());
    if (mode === 'aw') {
      await deleteObject(context.requester, bucket, key, file.#signal());
      file.#length = 0;
    }
    if (mode === 'w') file.#length = 0;
    return file;
  }

  /** The read offset (mode `r`) or the append position (other modes). */
  tell(): number {
    return this.#position;
  }

  /** The object's length as last seen; `undefined` in mode `r` before any answer. */
  get length(): number | undefined {
    return this.#length;
  }

  /** CRC-64 of the object as the file tracks it (write modes). */
  get crc64(): bigint {
    return this.#crc;
  }

  /**
   * Writes `bytes`: appended at the tracked position (modes `a`, `aw`) or replacing the
   * object (mode `w`). Resolves with the number of bytes written.
   *
   * @throws {FileModeError} in mode `r` or after close.
   * @throws {ObjectDivergedError} the object changed under the file.
   * @throws {CrcMismatchError} the service's CRC-64 differs from the file's.
   */
  write(bytes: Uint8Array): Promise<number> {
    this.#checkOpen('write');
    if (!(bytes instanceof Uint8Array)) {
      return Promise.reject(new TypeError('bytes: expected a Uint8Array'));
    }
    if (this.mode === 'r') return Promise.reject(this.#modeError('write', 'NotWritable'));
    return this.#enqueue(async () => {
      if (this.mode === 'w') await this.#replace(bytes);
      else await this.#appendExactlyOnce(bytes, this.#options.signal);
      return bytes.byteLength;
    });
  }

  /**
   * Reads up to `n` bytes from the current offset with a ranged GET; an empty array at the end.
   * The length is refreshed by every read, so an object that grows can be followed.
   *
   * @throws {NotFoundError} the object does not exist.
   * @throws {FileModeError} in a write mode.
   */
  async read(n: number): Promise<Uint8Array> {
    this.#checkOpen('read');
    if (this.mode !== 'r') throw this.#modeError('read', 'NotReadable');
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`n: expected a byte count ≥ 0, got ${n}`);
    }
    if (n === 0) return new Uint8Array(0);

    const start = this.#position;
    let result: Awaited<ReturnType<typeof getObject>>;
    try {
      result = await getObject(this.#context.requester, this.bucket, this.key, {
        range: { start, end: start + n - 1 },
        standardRange: true,
        ...this.#signal(),
      });
    } catch (error) {
      if (error instanceof InvalidRangeError) return new Uint8Array(0);
      throw error;
    }
    this.#length = result.totalLength;
    // A 200 means the service ignored the range (start past the end, or an empty object).
    const body = result.status === 206 ? result.body : result.body.subarray(start, start + n);
    this.#position += body.byteLength;
    return body;
  }

  /**
   * Moves the read offset. `whence` is where `offset` counts from; `end` and offsets past the
   * known length ask HEAD for the current length first.
   *
   * @throws {RangeError} a target before 0 or past the object's end.
   * @throws {FileModeError} in a write mode (writes always go to the end).
   */
  async seek(offset: number, whence: 'start' | 'current' | 'end' = 'start'): Promise<number> {
    this.#checkOpen('seek');
    if (this.mode !== 'r') throw this.#modeError('seek', 'NotSeekable');
    if (!Number.isSafeInteger(offset)) throw new RangeError(`offset: expected an integer`);

    let base = 0;
    if (whence === 'current') base = this.#position;
    if (whence === 'end') base = (await this.stat()).length;
    const target = base + offset;
    if (target < 0) throw new RangeError(`seek: offset ${target} is before the start`);
    if (this.#length === undefined || target > this.#length) await this.stat();
    if (target > (this.#length ?? 0)) {
      throw new RangeError(`seek: offset ${target} is past the end (${this.#length})`);
    }
    this.#position = target;
    return target;
  }

  /**
   * The object's length, type, ETag, last modification, CRC-64 and next append position.
   *
   * @throws {NotFoundError} the object does not exist.
   */
  async stat(): Promise<ObjectStat> {
    this.#checkOpen('stat');
    const stat = await headObject(this.#context.requester, this.bucket, this.key, this.#signal());
    if (this.mode === 'r') this.#length = stat.length;
    return stat;
  }

  /** Deletes the object; in the write modes the file continues from an empty object. */
  delete(): Promise<void> {
    this.#checkOpen('delete');
    return this.#enqueue(async () => {
      await deleteObject(this.#context.requester, this.bucket, this.key, this.#signal());
      this.#pending = undefined;
      this.#position = 0;
      this.#length = 0;
      this.#crc = 0n;
    });
  }

  /** Waits for queued writes, then closes; later calls throw {@link FileModeError}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#queue;
    } finally {
      await this.#context.onClose?.();
    }
  }

  /**
   * Appends everything a source yields, chunk by chunk, each exactly once. Reading the next
   * chunk overlaps the upload of the current one; nothing more is read ahead (backpressure).
   * With `resume`, the part of the source the object already holds is skipped after its
   * CRC-64 is checked against the object's.
   *
   * @throws {ObjectDivergedError} resuming from a source that is not the object's.
   * @throws {AbortError} the signal fired; a chunk in flight is settled by the next write.
   * @example
   * const file = await client.open('videos', 'cam-42/today.ts', 'a');
   * await file.appendFrom(readable, { chunkSize: 1 << 20, resume: true,
   *   onProgress: (p) => console.log(p.position, p.rate) });
   */
  appendFrom(source: SourceLike, options: AppendFromOptions = {}): Promise<AppendProgress> {
    this.#checkOpen('appendFrom');
    if (this.mode !== 'a' && this.mode !== 'aw') {
      return Promise.reject(this.#modeError('appendFrom', 'NotAppendable'));
    }
    const chunkSize = options.chunkSize ?? 1 << 20;
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
      return Promise.reject(new RangeError(`chunkSize: expected bytes ≥ 1, got ${chunkSize}`));
    }
    return this.#enqueue(() => this.#appendFrom(source, chunkSize, options));
  }

  async #appendFrom(
    source: SourceLike,
    chunkSize: number,
    options: AppendFromOptions,
  ): Promise<AppendProgress> {
    const { signal } = options;
    const started = this.#context.requester.core.now();
    const progress: AppendProgress = {
      bytes: 0,
      skipped: 0,
      position: this.#position,
      elapsedMs: 0,
      rate: 0,
    };
    const report = () => {
      progress.position = this.#position;
      progress.elapsedMs = this.#context.requester.core.now() - started;
      progress.rate = progress.elapsedMs > 0 ? (progress.bytes * 1000) / progress.elapsedMs : 0;
      options.onProgress?.({ ...progress });
    };

    let chunks: AsyncIterable<Uint8Array> = chunksOf(
      piecesOf(this.#context.resolveSource(source, chunkSize)),
      chunkSize,
    );
    if (options.resume) chunks = await this.#resumeFrom(chunks, progress, signal);

    const iterator = chunks[Symbol.asyncIterator]();
    let next = iterator.next();
    try {
      for (;;) {
        if (signal?.aborted) throw abortError(signal, { method: 'POST', key: this.key });
        const { done, value } = await next;
        if (done) break;
        // Read the next chunk while this one is on the wire.
        next = iterator.next();
        next.catch(() => {});
        await this.#appendExactlyOnce(value, signal);
        progress.bytes += value.byteLength;
        report();
      }
    } finally {
      // Not awaited: a source stalled in the read-ahead would hold up the error until its
      // next piece; the source is closed as soon as that read settles.
      iterator.return?.().catch(() => {});
    }
    // Every append already reported itself; a source with nothing to append reports once here.
    if (progress.bytes === 0) report();
    return { ...progress };
  }

  /** Checks the object against the start of the source and skips what it already holds. */
  async #resumeFrom(
    chunks: AsyncIterable<Uint8Array>,
    progress: AppendProgress,
    signal: AbortSignal | undefined,
  ): Promise<AsyncIterable<Uint8Array>> {
    await this.#settlePending(signal);
    this.#commit(await this.#appendState(signal));
    const held = { length: this.#length ?? 0, crc: this.#crc };
    let overlapCrc = 0n;
    const file = this;

    async function* checked(): AsyncGenerator<Uint8Array> {
      yield* skipBytes(chunks, held.length, (piece) => {
        overlapCrc = file.#crcOf(piece, overlapCrc);
        progress.skipped += piece.byteLength;
      });
      // Reached only at the end of a source no longer than the object: check it here too.
      file.#checkOverlap(held, progress.skipped, overlapCrc);
    }

    // Pull the overlap before the first append, so a wrong source fails before writing.
    const iterator = checked()[Symbol.asyncIterator]();
    const first = await iterator.next();
    this.#checkOverlap(held, progress.skipped, overlapCrc);
    return {
      async *[Symbol.asyncIterator]() {
        if (first.done) return;
        yield first.value;
        for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
          yield step.value;
        }
      },
    };
  }

  #checkOverlap(held: AppendState, skipped: number, crc: bigint): void {
    if (skipped === held.length && crc === held.crc) return;
    throw new ObjectDivergedError(
      'ObjectDiverged',
      `resume ${this.bucket}/${this.key}: the object's ${held.length} bytes (CRC ${held.crc}) ` +
        `are not the start of the source (${skipped} bytes, CRC ${crc})`,
      { bucket: this.bucket, key: this.key, method: 'POST' },
    );
  }

  /** Mode `w`: one PUT, verified against the CRC-64 of the bytes. */
  async #replace(bytes: Uint8Array): Promise<void> {
    const result = await putObject(this.#context.requester, this.bucket, this.key, bytes, {
      ...this.#writeOptions(),
      ...this.#signal(),
    });
    const expected = this.#crcOf(bytes, 0n);
    if (result.crc64 !== undefined && result.crc64 !== expected) {
      throw this.#crcMismatch(expected, result.crc64, result.requestId);
    }
    this.#position = bytes.byteLength;
    this.#length = bytes.byteLength;
    this.#crc = expected;
  }

  /** One append that lands exactly once, or throws without leaving the file unsure. */
  async #appendExactlyOnce(bytes: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    if (bytes.byteLength === 0) return;
    await this.#settlePending(signal);

    const { requester } = this.#context;
    const before: AppendState = { length: this.#position, crc: this.#crc };
    const options = {
      ...(before.length === 0 ? this.#writeOptions() : {}),
      ...(signal === undefined ? {} : { signal }),
    };
    const send = () =>
      appendObject(requester, this.bucket, this.key, before.length, bytes, options);

    // The first attempt goes out before the CRC-64 is computed, so hashing overlaps the
    // transfer and the service's work instead of adding to them.
    let firstAttempt: Promise<AppendResult> | undefined = send();
    firstAttempt.catch(() => {});
    const after: AppendState = {
      length: before.length + bytes.byteLength,
      crc: await crcWhileSending(this.#crcOf, bytes, before.crc),
    };
    let lostAnswer = false;

    for (let attempt = 1; ; attempt += 1) {
      let reason: string;
      try {
        const sending = firstAttempt ?? send();
        firstAttempt = undefined;
        const result = await sending;
        this.#checkAppended(after, result.nextPosition, result.crc64, result.requestId);
        this.#commit(after);
        return;
      } catch (error) {
        if (error instanceof PositionMismatchError) {
          const outcome = await this.#reconcile(before, after, lostAnswer, signal);
          if (outcome === 'applied') return;
          reason = error.code;
        } else if (isLostAnswer(error)) {
          // The request may have been applied; until proven otherwise, the file is unsure.
          this.#pending = { before, after };
          if (error instanceof AbortError || attempt >= requester.core.retry.attempts) throw error;
          lostAnswer = true;
          reason = (error as OssClientError).code;
        } else {
          throw error;
        }
      }

      if (attempt >= requester.core.retry.attempts) {
        throw new ObjectDivergedError(
          'ObjectDiverged',
          `append to ${this.bucket}/${this.key} at ${before.length}: no attempt settled`,
          { bucket: this.bucket, key: this.key, method: 'POST' },
        );
      }
      const delayMs = backoffDelay(requester.core.retry, attempt, requester.core.random);
      requester.core.stats.retries += 1;
      requester.core.emit({
        type: 'retry',
        method: 'POST',
        bucket: this.bucket,
        key: this.key,
        attempt,
        delayMs,
        reason,
      });
      await sleep(delayMs, signal);
    }
  }

  /** After a position error: did the lost attempt land? */
  async #reconcile(
    before: AppendState,
    after: AppendState,
    lostAnswer: boolean,
    signal: AbortSignal | undefined,
  ): Promise<'applied' | 'not-applied'> {
    const { requester } = this.#context;
    const server = await this.#appendState(signal);
    requester.core.stats.reconciliations += 1;

    if (lostAnswer && sameState(server, after)) {
      this.#commit(after);
      this.#emitReconciled(before.length, 'applied');
      return 'applied';
    }
    if (sameState(server, before)) {
      this.#pending = undefined;
      this.#emitReconciled(before.length, 'not-applied');
      return 'not-applied';
    }
    throw this.#diverged(before, after, server);
  }

  /** Settles an append left unsure by an abort or exhausted retries. */
  async #settlePending(signal: AbortSignal | undefined): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined) return;
    const { requester } = this.#context;
    const server = await this.#appendState(signal);
    requester.core.stats.reconciliations += 1;
    this.#pending = undefined;

    if (sameState(server, pending.after)) {
      this.#commit(pending.after);
      this.#emitReconciled(pending.before.length, 'applied');
    } else if (sameState(server, pending.before)) {
      this.#emitReconciled(pending.before.length, 'not-applied');
    } else {
      throw this.#diverged(pending.before, pending.after, server);
    }
  }

  #checkAppended(
    after: AppendState,
    nextPosition: number,
    reportedCrc: bigint | undefined,
    requestId: string | undefined,
  ): void {
    if (nextPosition !== after.length) {
      throw this.#diverged({ length: this.#position, crc: this.#crc }, after, {
        length: nextPosition,
        crc: reportedCrc,
      });
    }
    if (reportedCrc !== undefined && reportedCrc !== after.crc) {
      throw this.#crcMismatch(after.crc, reportedCrc, requestId);
    }
  }

  #commit(state: AppendState): void {
    this.#position = state.length;
    this.#length = state.length;
    this.#crc = state.crc;
    this.#pending = undefined;
  }

  #emitReconciled(position: number, outcome: 'applied' | 'not-applied'): void {
    this.#context.requester.core.emit({
      type: 'append-reconciled',
      bucket: this.bucket,
      key: this.key,
      position,
      outcome,
    });
  }

  #diverged(
    before: AppendState,
    after: AppendState,
    server: { length: number; crc: bigint | undefined },
  ): ObjectDivergedError {
    this.#failure = new ObjectDivergedError(
      'ObjectDiverged',
      `${this.bucket}/${this.key} diverged: the service holds ${server.length} bytes ` +
        `(CRC ${server.crc}), the client expected ${before.length} (CRC ${before.crc}) ` +
        `or ${after.length} (CRC ${after.crc})`,
      { bucket: this.bucket, key: this.key, method: 'POST' },
    );
    return this.#failure;
  }

  #crcMismatch(expected: bigint, reported: bigint, requestId: string | undefined) {
    const error = new CrcMismatchError(
      'CrcMismatch',
      `${this.bucket}/${this.key}: the service reports CRC-64 ${reported}, ` +
        `the client computed ${expected}`,
      {
        bucket: this.bucket,
        key: this.key,
        method: this.mode === 'w' ? 'PUT' : 'POST',
        ...(requestId === undefined ? {} : { requestId }),
        details: { expected: String(expected), reported: String(reported) },
      },
    );
    if (this.mode !== 'w') this.#failure = error;
    return error;
  }

  /**
   * The object's length and CRC-64 as the service holds them (zero for a missing object).
   * HEAD needs read permission; a write-only token (an STS policy of mode `a`) learns them from
   * zero-byte appends instead, which change nothing but answer with both (and create an empty
   * appendable object when none exists).
   *
   * @throws {ObjectNotAppendableError} the object is Normal or Multipart.
   */
  async #appendState(signal?: AbortSignal): Promise<AppendState> {
    const options = signalOf(signal ?? this.#options.signal);
    if (!this.#headDenied) {
      try {
        const stat = await headObject(this.#context.requester, this.bucket, this.key, options);
        return this.#stateOf(stat);
      } catch (error) {
        if (error instanceof NotFoundError && error.code !== 'NoSuchBucket') {
          return { length: 0, crc: 0n };
        }
        if (!(error instanceof AccessDeniedError)) throw error;
        this.#headDenied = true;
      }
    }
    return this.#probeByEmptyAppend(options);
  }

  async #probeByEmptyAppend(options: { signal?: AbortSignal }): Promise<AppendState> {
    let position = this.#position;
    for (let probe = 1; ; probe += 1) {
      try {
        const result = await appendObject(
          this.#context.requester,
          this.bucket,
          this.key,
          position,
          EMPTY,
          options,
        );
        if (result.crc64 === undefined) throw this.#noCrc('AppendObject');
        return { length: result.nextPosition, crc: result.crc64 };
      } catch (error) {
        // The length moved between two probes (another writer): follow it a few times.
        const next = error instanceof PositionMismatchError ? error.nextPosition : undefined;
        if (next === undefined || probe >= 3) throw error;
        position = next;
      }
    }
  }

  #stateOf(stat: ObjectStat): AppendState {
    if (stat.type !== 'Appendable') {
      throw new ObjectNotAppendableError(
        'ObjectNotAppendable',
        `${this.bucket}/${this.key} is a ${stat.type} object and cannot be appended to`,
        { bucket: this.bucket, key: this.key, method: 'HEAD' },
      );
    }
    if (stat.crc64 === undefined) throw this.#noCrc('HEAD');
    return { length: stat.nextAppendPosition ?? stat.length, crc: stat.crc64 };
  }

  #noCrc(method: string): InvalidResponseError {
    return new InvalidResponseError(
      'InvalidResponse',
      `${this.bucket}/${this.key}: ${method} reported no x-oss-hash-crc64ecma to continue from`,
      { bucket: this.bucket, key: this.key, method },
    );
  }

  /** The client's CRC-64 (native on Node when available). */
  get #crcOf(): (data: Uint8Array, previous: bigint) => bigint {
    return this.#context.requester.core.crc64;
  }

  #writeOptions() {
    const options: { contentType?: string; metadata?: Record<string, string> } = {};
    if (this.#options.contentType !== undefined) options.contentType = this.#options.contentType;
    if (this.#options.metadata !== undefined) options.metadata = this.#options.metadata;
    return options;
  }

  #signal(): { signal?: AbortSignal } {
    return signalOf(this.#options.signal);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #checkOpen(operation: string): void {
    if (this.#closed) {
      throw new FileModeError('FileClosed', `${operation}: ${this.bucket}/${this.key} is closed`, {
        bucket: this.bucket,
        key: this.key,
      });
    }
  }

  #modeError(operation: string, code: string): FileModeError {
    return new FileModeError(
      code,
      `${operation} is not allowed on ${this.bucket}/${this.key} opened in mode '${this.mode}'`,
      { bucket: this.bucket, key: this.key },
    );
  }
}

/**
 * CRC-64 of a chunk continued from `previous`, computed on a later turn of the event loop so
 * that a request started just before is already on its way.
 */
function crcWhileSending(
  crc64: (data: Uint8Array, previous: bigint) => bigint,
  bytes: Uint8Array,
  previous: bigint,
): Promise<bigint> {
  if (bytes.byteLength < 64 * 1024) return Promise.resolve(crc64(bytes, previous));
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      try {
        resolve(crc64(bytes, previous));
      } catch (error) {
        reject(error);
      }
    }, 0);
  });
}

/** A failure after which the append may or may not have been applied. */
function isLostAnswer(error: unknown): boolean {
  return (
    error instanceof NetworkError ||
    error instanceof TimeoutError ||
    error instanceof ServerError ||
    error instanceof AbortError ||
    ((error as OssClientError)?.status !== undefined &&
      [408, 429].includes((error as OssClientError).status!))
  );
}

function sameState(server: { length: number; crc: bigint | undefined }, state: AppendState) {
  return server.length === state.length && server.crc === state.crc;
}

function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
