/**
 * Sources for streamed appends and the re-chunking that turns whatever pieces a source yields
 * into append-sized chunks. Pull-based throughout: nothing is read from the source before the
 * uploader asks for it, which is the backpressure.
 */

/** Something bytes can be streamed from. */
export type AppendSource =
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** Reads a source piece by piece, whatever its kind. */
export async function* piecesOf(source: AppendSource): AsyncGenerator<Uint8Array> {
  if (isReadableStream(source)) {
    // Not every runtime makes ReadableStream async-iterable, so read it by hand.
    const reader = source.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        yield checkPiece(value);
      }
    } finally {
      // Stopped early (abort, error): nobody else can use a half-read stream, so release it.
      if (!finished) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
  if (Symbol.asyncIterator in source || Symbol.iterator in source) {
    for await (const piece of source as AsyncIterable<Uint8Array>) yield checkPiece(piece);
    return;
  }
  throw new TypeError('source: expected a ReadableStream, an async iterable or an iterable');
}

/**
 * Regroups pieces into chunks of exactly `chunkSize` bytes (the last one may be shorter).
 * A piece that already is a whole chunk passes through without a copy.
 */
export async function* chunksOf(
  pieces: AsyncIterable<Uint8Array>,
  chunkSize: number,
): AsyncGenerator<Uint8Array> {
  let buffer: Uint8Array | undefined;
  let filled = 0;

  for await (let piece of pieces) {
    while (piece.byteLength > 0) {
      if (filled === 0 && piece.byteLength >= chunkSize) {
        yield piece.subarray(0, chunkSize);
        piece = piece.subarray(chunkSize);
        continue;
      }
      buffer ??= new Uint8Array(chunkSize);
      const take = Math.min(chunkSize - filled, piece.byteLength);
      buffer.set(piece.subarray(0, take), filled);
      filled += take;
      piece = piece.subarray(take);
      if (filled === chunkSize) {
        yield buffer;
        buffer = undefined;
        filled = 0;
      }
    }
  }
  if (filled > 0 && buffer !== undefined) yield buffer.subarray(0, filled);
}

/**
 * Splits a chunk stream at byte `length`: the first `length` bytes go to `onSkipped` piece by
 * piece, the rest is yielded. Used to walk over the part of a source an object already holds.
 */
export async function* skipBytes(
  chunks: AsyncIterable<Uint8Array>,
  length: number,
  onSkipped: (piece: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  let remaining = length;
  for await (const chunk of chunks) {
    if (remaining === 0) {
      yield chunk;
      continue;
    }
    const skipped = Math.min(remaining, chunk.byteLength);
    onSkipped(chunk.subarray(0, skipped));
    remaining -= skipped;
    if (skipped < chunk.byteLength) yield chunk.subarray(skipped);
  }
}

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array> {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as ReadableStream).getReader === 'function'
  );
}

function checkPiece(piece: unknown): Uint8Array {
  if (!(piece instanceof Uint8Array)) {
    throw new TypeError(`source: expected Uint8Array pieces, got ${typeof piece}`);
  }
  return piece;
}
