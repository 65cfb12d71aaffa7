import { createReadStream } from 'node:fs';
import type { SourceLike } from '../media-file.js';
import type { AppendSource } from '../sources.js';

/**
 * On Node a source may also be a file path, read in pieces of the chunk size so the
 * re-chunking passes them through without copying.
 */
export function resolveNodeSource(source: SourceLike, chunkSize: number): AppendSource {
  if (typeof source !== 'string') return source;
  return createReadStream(source, { highWaterMark: chunkSize });
}
