/**
 * The request and response shapes the pipeline works on: plain objects that both the WHATWG
 * `handle(Request)` adapter and the Node listener can produce and consume without copying bodies.
 */

/** A request as it arrived. */
export interface MockRequest {
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  path: string;
  /** Query string as sent, without the `?`. */
  rawQuery: string;
  /** Header names lower-case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body, read at most once. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * A response body in pieces: a list (memory reads, sent without a promise per chunk) or a stream.
 */
export type BodyChunks = Uint8Array[] | AsyncIterable<Uint8Array>;

/** What happens to the connection after the mock has decided the response. */
export type ResponseFate = 'deliver' | 'cut-mid-body' | 'drop';

/** A response the adapters send. */
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body?: Uint8Array | string | BodyChunks;
  /** Set by faults: deliver normally (default), break the body halfway, or send nothing. */
  fate?: ResponseFate;
}

/** An empty body, for requests without one. */
export const EMPTY_BODY: AsyncIterable<Uint8Array> = {
  async *[Symbol.asyncIterator]() {},
};

/** Splits a request target (`/path?query`) into its raw path and raw query. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const mark = target.indexOf('?');
  if (mark < 0) return { path: target, rawQuery: '' };
  return { path: target.slice(0, mark), rawQuery: target.slice(mark + 1) };
}
