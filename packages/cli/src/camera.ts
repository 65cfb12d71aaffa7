/**
 * The camera's side of the demo: its recording as a stream of chunks, at the pace a camera
 * produces them or as fast as the network takes them.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Crc64 } from '@oss-media/oss-sign';

/** Options of {@link pacedChunks}. */
export interface PacedReadOptions {
  chunkSize: number;
  /** Spread the whole file over this many milliseconds; 0 for as fast as possible. */
  durationMs: number;
  /**
   * Called once, before the first chunk that starts at or past half of the file, with the
   * bytes released so far; the next chunk waits for it.
   */
  onHalfway?: (released: number) => void | Promise<void>;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Reads a file in chunks, releasing chunk i no earlier than i/n of `durationMs` after the
 * start: what a camera writing its recording as it encodes looks like to the uploader.
 */
export async function* pacedChunks(
  path: string,
  size: number,
  options: PacedReadOptions,
): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  const started = Date.now();
  const chunks = Math.max(1, Math.ceil(size / options.chunkSize));
  let halfwayDone = false;
  try {
    for (let index = 0, offset = 0; offset < size; index += 1) {
      const due = started + (options.durationMs * index) / chunks;
      if (due > Date.now()) await sleep(due - Date.now(), options.signal);
      if (options.signal?.aborted) return;

      if (!halfwayDone && offset * 2 >= size) {
        halfwayDone = true;
        await options.onHalfway?.(offset);
      }

      const length = Math.min(options.chunkSize, size - offset);
      const chunk = new Uint8Array(length);
      const { bytesRead } = await file.read(chunk, 0, length, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      yield bytesRead === length ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** CRC-64 (as OSS computes it) of a local file, in decimal. */
export async function fileCrc64(path: string): Promise<string> {
  const crc = new Crc64();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    crc.update(chunk as Uint8Array);
  }
  return crc.toString();
}
