/**
 * A {@link SegmentStore} on `@oss-media/media-client`: segments, playlists and keys become OSS
 * objects through the client's PutObject and DeleteObject, with its signing, credential refresh
 * and request retries. This is the only module of the package that knows media-client.
 */
import type { OssClient } from '@oss-media/media-client';
import { ContentType, type SegmentStore } from './store.js';

/** The part of media-client's `OssClient` this adapter uses (a whole client fits). */
export type ObjectClient = Pick<OssClient, 'putObject' | 'deleteObject'>;

/** Options of {@link MediaClientStore}. */
export interface MediaClientStoreOptions {
  /** A client from `createClient()` of `@oss-media/media-client`. */
  client: ObjectClient;
  bucket: string;
  /** Prefix put before every key, e.g. `cam-42/` (default none). */
  prefix?: string;
  /** `Cache-Control` of playlists (default `no-cache`: they change while players poll). */
  playlistCacheControl?: string;
}

/**
 * Stores HLS objects in an OSS bucket with media-client.
 *
 * @example
 * const client = createClient({ endpoint, auth });
 * const store = new MediaClientStore({ client, bucket: 'videos' });
 * const writer = new HlsWriter({ store, playlistKey: 'cam-42/live.m3u8', kind: 'live' });
 */
export class MediaClientStore implements SegmentStore {
  readonly #options: MediaClientStoreOptions;

  constructor(options: MediaClientStoreOptions) {
    this.#options = options;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const { client, bucket } = this.#options;
    const cacheControl =
      contentType === ContentType.PLAYLIST
        ? (this.#options.playlistCacheControl ?? 'no-cache')
        : undefined;
    await client.putObject(bucket, this.#key(key), bytes, {
      contentType,
      ...(cacheControl ? { headers: { 'Cache-Control': cacheControl } } : {}),
    });
  }

  async delete(key: string): Promise<void> {
    await this.#options.client.deleteObject(this.#options.bucket, this.#key(key));
  }

  #key(key: string): string {
    return `${this.#options.prefix ?? ''}${key}`;
  }
}
