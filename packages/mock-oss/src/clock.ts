/**
 * The mock's notion of "now". It follows real time shifted by an offset, so tests can jump to
 * the future (token expiry, presign expiry, lifecycle) and time still moves between requests.
 */
export class Clock {
  #offset = 0;
  #listeners: Array<() => void> = [];

  /** Milliseconds since the epoch, as the mock sees it. */
  now(): number {
    return Date.now() + this.#offset;
  }

  /** Moves the mock's time to `date` (a Date, epoch milliseconds or an ISO string). */
  set(date: Date | number | string): void {
    const target = date instanceof Date ? date.getTime() : new Date(date).getTime();
    if (!Number.isFinite(target)) throw new TypeError(`clock.set: invalid date ${String(date)}`);
    this.#offset = target - Date.now();
    this.#changed();
  }

  /** Moves the mock's time forward by `ms` milliseconds (negative moves it back). */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new TypeError(`clock.advance: expected a number, got ${ms}`);
    this.#offset += ms;
    this.#changed();
  }

  /** Returns to real time. */
  reset(): void {
    this.#offset = 0;
    this.#changed();
  }

  /** Calls `listener` after each change of time (used to apply lifecycle expiry). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
