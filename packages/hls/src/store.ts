/**
 * Where segments, playlists and keys go. The writer needs only whole-object writes and deletes,
 * so any object store, a file system or a test double can stand behind this interface.
 */

/** Content types of what the writer stores. */
export const ContentType = {
  SEGMENT: 'video/mp2t',
  PLAYLIST: 'application/vnd.apple.mpegurl',
  KEY: 'application/octet-stream',
} as const;

/**
 * Object storage as the HLS writer uses it. Both operations must be safe to repeat: the writer
 * retries a failed call with the same arguments.
 */
export interface SegmentStore {
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Removes `key`; removing a missing key succeeds. */
  delete(key: string): Promise<void>;
}

/** An in-memory {@link SegmentStore}, for tests and for serving from the same process. */
export class MemorySegmentStore implements SegmentStore {
  /** Stored objects by key. */
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string }>();

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.objects.set(key, { bytes: bytes.slice(), contentType });
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}
