/**
 * The HLS writer: muxes H.264/AAC into segments, stores each finished segment, then the playlist
 * that lists it, then deletes what a live window no longer lists.
 *
 * Segments are put whole once finished, not appended while they grow: a player only learns of a
 * segment from the playlist, which can list it only when it is complete, so appending would add
 * requests without letting anyone watch sooner; a PUT is safe to repeat, so a failed upload is
 * simply sent again, while a half-appended object would be a broken segment in the bucket; and
 * AES-128 encrypts a segment as a whole (CBC with padding at its end).
 */

import { SegmentCipher, sequenceIv } from './encryption.js';
import { HlsError, invalidArgument } from './errors.js';
import { type ChunkTime, TsMuxer, type TsMuxerOptions, type TsSegment } from './muxer.js';
import { type ListedSegment, PlaylistWindow } from './playlist.js';
import { ContentType, type SegmentStore } from './store.js';

/** AES-128 settings of {@link HlsWriterOptions}. */
export interface EncryptionOptions {
  /** The 16-byte key. */
  key: Uint8Array;
  /** Where players fetch the key: written into `#EXT-X-KEY`. */
  keyUri: string;
  /** When set, the key is stored under this object key before the first segment. */
  keyObjectKey?: string;
}

/** Segment-level retries, on top of whatever retries the store does itself. */
export interface UploadRetryOptions {
  /** Tries per store call, the first one included (default 4). */
  attempts?: number;
  /** Wait before the second try, doubled for each further one (default 500 ms). */
  delayMs?: number;
  /** How to wait (default `setTimeout`); tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

/** Options of {@link HlsWriter}. */
export interface HlsWriterOptions extends TsMuxerOptions {
  store: SegmentStore;
  /** Object key of the playlist, e.g. `cam-42/live.m3u8`. */
  playlistKey: string;
  /**
   * `vod` (default): every segment stays listed; `#EXT-X-PLAYLIST-TYPE:EVENT` while growing,
   * `VOD` and `#EXT-X-ENDLIST` after close. `live`: a sliding window of `windowSize` entries.
   */
  kind?: 'vod' | 'live';
  /** Entries of a live playlist (default 5). */
  windowSize?: number;
  /** Live only: delete a segment's object once it has left the window (default false). */
  deleteOldSegments?: boolean;
  /**
   * Segments that left the window but are kept before deletion, for players still fetching
   * them (default 0; RFC 8216 §6.2.2 suggests keeping them for the playlist's duration).
   */
  keepRemovedSegments?: number;
  /** Object key of segment `sequence` (default: next to the playlist, `<name>-<sequence>.ts`). */
  segmentKey?: (sequence: number) => string;
  /**
   * URI of a segment as written in the playlist: relative to the playlist by default; return
   * an absolute or presigned URL instead. Called again at each playlist write, so presigned
   * URLs of a live window stay fresh.
   */
  segmentUri?: (objectKey: string, sequence: number) => string | Promise<string>;
  encryption?: EncryptionOptions;
  retry?: UploadRetryOptions;
}

/** Counters of an {@link HlsWriter}. */
export interface HlsWriterStats {
  segments: number;
  segmentBytes: number;
  playlistWrites: number;
  /** Store calls repeated after a failure. */
  retries: number;
  deletedSegments: number;
}

interface PendingSegment {
  segment: TsSegment;
  objectKey: string;
  stored?: Uint8Array;
}

/**
 * Turns a camera's H.264 and AAC into HLS in a store. Calls are queued, so they may be issued
 * without awaiting each other; each resolves once its segments and playlist are stored.
 *
 * A segment whose upload still fails after the retries stays first in line and the call rejects
 * with `SEGMENT_UPLOAD_FAILED`; the next call (or {@link close}) tries it again before anything
 * newer, so no segment is ever skipped or listed before it is stored.
 *
 * @example
 * const writer = new HlsWriter({ store, playlistKey: 'cam-42/live.m3u8', kind: 'live' });
 * await writer.pushVideo(h264Bytes);
 * await writer.pushAudio(aacBytes);
 * await writer.close();
 */
export class HlsWriter {
  /** Counters since creation. */
  readonly stats: HlsWriterStats = {
    segments: 0,
    segmentBytes: 0,
    playlistWrites: 0,
    retries: 0,
    deletedSegments: 0,
  };

  readonly #options: HlsWriterOptions;
  readonly #muxer: TsMuxer;
  readonly #window: PlaylistWindow;
  readonly #cipher: SegmentCipher | undefined;
  readonly #pending: PendingSegment[] = [];
  readonly #removed: ListedSegment[] = [];
  readonly #doomed: ListedSegment[] = [];
  #playlistDirty = false;
  #keyStored = false;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  #playlist = '';

  /** @throws {HlsError} `INVALID_ARGUMENT` for a missing store or playlist key. */
  constructor(options: HlsWriterOptions) {
    if (!options?.store) invalidArgument('store', 'a SegmentStore', options?.store);
    if (typeof options.playlistKey !== 'string' || options.playlistKey === '') {
      invalidArgument('playlistKey', 'a non-empty string', options.playlistKey);
    }
    this.#options = options;
    this.#muxer = new TsMuxer(options);
    this.#window = new PlaylistWindow({
      kind: options.kind ?? 'vod',
      windowSize: options.windowSize ?? 5,
    });
    this.#cipher = options.encryption ? new SegmentCipher(options.encryption.key) : undefined;
  }

  /** The playlist as last written. */
  get playlist(): string {
    return this.#playlist;
  }

  /**
   * Feeds H.264 Annex-B bytes (see {@link TsMuxer.pushVideo}) and stores what they complete.
   *
   * @throws {HlsError} `SEGMENT_UPLOAD_FAILED`, `PLAYLIST_UPLOAD_FAILED`, `INVALID_STATE`.
   */
  pushVideo(chunk: Uint8Array, time?: ChunkTime): Promise<void> {
    return this.#run(() => this.#muxer.pushVideo(chunk, time));
  }

  /**
   * Feeds AAC ADTS bytes (see {@link TsMuxer.pushAudio}) and stores what they complete.
   *
   * @throws {HlsError} `SEGMENT_UPLOAD_FAILED`, `PLAYLIST_UPLOAD_FAILED`, `INVALID_STATE`.
   */
  pushAudio(chunk: Uint8Array, time?: ChunkTime): Promise<void> {
    return this.#run(() => this.#muxer.pushAudio(chunk, time));
  }

  /** The next segment starts at the next keyframe, after `#EXT-X-DISCONTINUITY`. */
  discontinuity(): void {
    this.#muxer.discontinuity();
  }

  /**
   * Finishes the last segment, stores it and the final playlist (with `#EXT-X-ENDLIST`), and
   * deletes what is due. Calling it again retries whatever failed.
   *
   * @throws {HlsError} as the pushes, and `DELETE_FAILED` when an old segment could not be deleted.
   */
  close(): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#closed) {
        this.#closed = true;
        this.#pending.push(...this.#wrap(this.#muxer.close()));
      }
      this.#window.end();
      this.#playlistDirty = true;
      await this.#publish();
      if (this.#doomed.length > 0) {
        throw new HlsError(
          'DELETE_FAILED',
          `${this.#doomed.length} old segment(s) could not be deleted`,
        );
      }
    });
  }

  #run(mux: () => TsSegment[]): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#closed) throw new HlsError('INVALID_STATE', 'the writer is closed');
      this.#pending.push(...this.#wrap(mux()));
      await this.#publish();
    });
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const result = this.#queue.then(task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #wrap(segments: TsSegment[]): PendingSegment[] {
    return segments.map((segment) => ({ segment, objectKey: this.#segmentKey(segment.sequence) }));
  }

  #segmentKey(sequence: number): string {
    if (this.#options.segmentKey) return this.#options.segmentKey(sequence);
    return `${this.#options.playlistKey.replace(/\.m3u8$/i, '')}-${sequence}.ts`;
  }

  /** Stores pending segments in order, then the playlist, then deletes what left the window. */
  async #publish(): Promise<void> {
    await this.#storeKey();
    while (this.#pending.length > 0) {
      const pending = this.#pending[0] as PendingSegment;
      await this.#storeSegment(pending);
      this.#pending.shift();
      this.#list(pending);
    }
    if (this.#playlistDirty) await this.#storePlaylist();
    await this.#deleteRemoved();
  }

  async #storeKey(): Promise<void> {
    const encryption = this.#options.encryption;
    if (this.#keyStored || !encryption?.keyObjectKey) return;
    const { keyObjectKey, key } = encryption;
    await this.#retry('SEGMENT_UPLOAD_FAILED', `key ${keyObjectKey}`, () =>
      this.#options.store.put(keyObjectKey, key, ContentType.KEY),
    );
    this.#keyStored = true;
  }

  async #storeSegment(pending: PendingSegment): Promise<void> {
    const { segment, objectKey } = pending;
    if (!pending.stored) {
      pending.stored = this.#cipher
        ? await this.#cipher.encrypt(segment.bytes, sequenceIv(segment.sequence))
        : segment.bytes;
    }
    const bytes = pending.stored;
    await this.#retry('SEGMENT_UPLOAD_FAILED', `segment ${objectKey}`, () =>
      this.#options.store.put(objectKey, bytes, ContentType.SEGMENT),
    );
    this.stats.segments++;
    this.stats.segmentBytes += bytes.length;
  }

  #list({ segment, objectKey }: PendingSegment): void {
    const encryption = this.#options.encryption;
    const removed = this.#window.add({
      sequence: segment.sequence,
      objectKey,
      uri: '',
      durationTicks: segment.durationTicks,
      discontinuity: segment.discontinuity,
      key: encryption ? { uri: encryption.keyUri, iv: sequenceIv(segment.sequence) } : undefined,
    });
    if (this.#options.deleteOldSegments) this.#removed.push(...removed);
    this.#playlistDirty = true;
  }

  async #storePlaylist(): Promise<void> {
    for (const entry of this.#window.listed) entry.uri = await this.#uriOf(entry);
    const text = this.#window.render();
    const bytes = new TextEncoder().encode(text);
    const key = this.#options.playlistKey;
    await this.#retry('PLAYLIST_UPLOAD_FAILED', `playlist ${key}`, () =>
      this.#options.store.put(key, bytes, ContentType.PLAYLIST),
    );
    this.#playlist = text;
    this.#playlistDirty = false;
    this.stats.playlistWrites++;
  }

  #uriOf(entry: ListedSegment): string | Promise<string> {
    if (this.#options.segmentUri) return this.#options.segmentUri(entry.objectKey, entry.sequence);
    return relativeUri(this.#options.playlistKey, entry.objectKey);
  }

  /**
   * Deletes segments that left the window more than `keepRemovedSegments` ago. Only called after
   * a playlist without them was stored. A delete that keeps failing is retried at the next call.
   */
  async #deleteRemoved(): Promise<void> {
    const keep = this.#options.keepRemovedSegments ?? 0;
    this.#doomed.push(...this.#removed.splice(0, Math.max(0, this.#removed.length - keep)));
    while (this.#doomed.length > 0) {
      const { objectKey } = this.#doomed[0] as ListedSegment;
      try {
        await this.#retry('DELETE_FAILED', `segment ${objectKey}`, () =>
          this.#options.store.delete(objectKey),
        );
      } catch {
        return;
      }
      this.#doomed.shift();
      this.stats.deletedSegments++;
    }
  }

  async #retry(
    code: 'SEGMENT_UPLOAD_FAILED' | 'PLAYLIST_UPLOAD_FAILED' | 'DELETE_FAILED',
    what: string,
    call: () => Promise<void>,
  ): Promise<void> {
    const attempts = Math.max(1, this.#options.retry?.attempts ?? 4);
    const delayMs = this.#options.retry?.delayMs ?? 500;
    const sleep = this.#options.retry?.sleep ?? defaultSleep;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(delayMs * 2 ** (attempt - 1));
      }
      try {
        await call();
        return;
      } catch (error) {
        lastError = error;
      }
    }
    throw new HlsError(code, `storing ${what} failed after ${attempts} tries`, {
      cause: lastError,
    });
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The URI of `objectKey` relative to the object `fromKey`, each path segment percent-encoded.
 *
 * @example relativeUri('cam/live.m3u8', 'cam/live-3.ts') // 'live-3.ts'
 */
export function relativeUri(fromKey: string, objectKey: string): string {
  const from = fromKey.split('/').slice(0, -1);
  const to = objectKey.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.slice(common).map(() => '..');
  return [...up, ...to.slice(common).map(encodeURIComponent)].join('/');
}
