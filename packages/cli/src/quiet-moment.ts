/**
 * A moment with no request on the wire. Moving a server's clock while a request signed with
 * the old time is in flight makes that request fail (RequestTimeTooSkewed, or an expired
 * token) and be retried; the demo moves the mock's clock only in such a moment.
 */
import type { OssOperations } from './oss.js';

/** Counts operations in flight and holds new ones while {@link QuietMoment.hold} runs. */
export class QuietMoment {
  #inFlight = 0;
  #held: Promise<void> | undefined;
  #idle: Array<() => void> = [];

  /** Runs `operation` once no hold is in progress, counting it as in flight until it settles. */
  async around<T>(operation: () => Promise<T>): Promise<T> {
    while (this.#held !== undefined) await this.#held;
    this.#inFlight += 1;
    try {
      return await operation();
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /**
   * Holds new operations, waits for those in flight, runs `action`, then lets the held ones go.
   * The action must not start an operation through this gate itself (it would wait forever).
   */
  async hold(action: () => Promise<void> | void): Promise<void> {
    while (this.#held !== undefined) await this.#held;
    let release = () => {};
    this.#held = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
      await action();
    } finally {
      this.#held = undefined;
      release();
    }
  }

  /** The single-request operations of `oss` (put, stat, read, remove) behind this gate. */
  wrap(oss: OssOperations): OssOperations {
    return {
      ...oss,
      put: (...args) => this.around(() => oss.put(...args)),
      stat: (...args) => this.around(() => oss.stat(...args)),
      read: (...args) => this.around(() => oss.read(...args)),
      remove: (...args) => this.around(() => oss.remove(...args)),
    };
  }
}
