/** One request as the log records it. */
export interface RequestLogEntry {
  /** Mock clock at arrival, epoch ms. */
  time: number;
  requestId: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string>;
  /** Service operation name, e.g. 'AppendObject', 'AssumeRole', 'MockControl'. */
  operation: string;
  bucket?: string;
  key?: string;
  status: number;
  /** The error code when the answer was an error. */
  errorCode?: string;
  /** Names of faults that acted on the request. */
  faults?: string[];
}

/** The log of requests, newest last, bounded so a long-running server does not grow without end. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Appends an entry, dropping the oldest beyond the limit. */
  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    // Trimming in batches keeps recording O(1) amortized; a splice per request would be O(limit).
    if (this.#entries.length >= this.#limit * 2) this.#entries = this.#entries.slice(-this.#limit);
  }

  /** The entries (a copy, at most the limit, oldest first), optionally filtered. */
  list(filter?: (entry: RequestLogEntry) => boolean): RequestLogEntry[] {
    const all = this.#entries;
    const entries = all.length > this.#limit ? all.slice(-this.#limit) : all;
    return filter ? entries.filter(filter) : entries.slice();
  }

  /** The last entry, if any. */
  last(): RequestLogEntry | undefined {
    return this.#entries[this.#entries.length - 1];
  }

  get size(): number {
    return Math.min(this.#entries.length, this.#limit);
  }

  clear(): void {
    this.#entries = [];
  }
}
