/**
 * Issues `x-oss-request-id` values: 24 upper-case hex characters like the service's, made of a
 * random per-server prefix and a counter so ids are unique and cheap.
 */
export class RequestIds {
  readonly #prefix: string;
  #counter = 0;

  constructor() {
    const random = new Uint8Array(8);
    crypto.getRandomValues(random);
    this.#prefix = Array.from(random, (b) => b.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  }

  next(): string {
    this.#counter = (this.#counter + 1) >>> 0;
    return this.#prefix + this.#counter.toString(16).toUpperCase().padStart(8, '0');
  }
}
