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
    if (this.#entries.length > this.#limit)
      this.#entries.splice(0, this.#entries.length - this.#limit);
  }

  /** The entries (a copy), optionally filtered. */
  list(filter?: (entry: RequestLogEntry) => boolean): RequestLogEntry[] {
    return filter ? this.#entries.filter(filter) : this.#entries.slice();
  }

  /** The last entry, if any. */
  last(): RequestLogEntry | undefined {
    return this.#entries[this.#entries.length - 1];
  }

  get size(): number {
    return this.#entries.length;
  }

  clear(): void {
    this.#entries = [];
  }
}
