/**
 * Compares two keys in the order OSS lists them: by UTF-8 bytes, which is code point order.
 * Plain `<` on JS strings compares UTF-16 units and puts U+E000..U+FFFF after astral characters.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return rankHighUnit(x) - rankHighUnit(y);
    return x - y;
  }
  return a.length - b.length;
}

// Surrogates (astral code points) sort after the rest of the BMP in code point order.
function rankHighUnit(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/**
 * The keys of one bucket, kept sorted so a listing page costs a binary search plus the page.
 * Insertion shifts the array (a memmove), which stays cheap well past a million keys.
 */
export class SortedKeys {
  readonly #keys: string[] = [];

  get size(): number {
    return this.#keys.length;
  }

  /** Adds `key` when absent. */
  add(key: string): void {
    const index = this.lowerBound(key);
    if (this.#keys[index] !== key) this.#keys.splice(index, 0, key);
  }

  /** Removes `key` when present. */
  delete(key: string): void {
    const index = this.lowerBound(key);
    if (this.#keys[index] === key) this.#keys.splice(index, 1);
  }

  /** The key at `index` in listing order. */
  at(index: number): string | undefined {
    return this.#keys[index];
  }

  /** Index of the first key ≥ `key`. */
  lowerBound(key: string): number {
    let low = 0;
    let high = this.#keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.#keys[middle] as string, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    const index = this.lowerBound(key);
    return this.#keys[index] === key ? index + 1 : index;
  }

  /** Index of the first key at or after `from` that does not start with `prefix`. */
  endOfPrefix(prefix: string, from = 0): number {
    let low = from;
    let high = this.#keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const key = this.#keys[middle] as string;
      if (key.startsWith(prefix) || compareKeys(key, prefix) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** All keys in order (a copy). */
  toArray(): string[] {
    return this.#keys.slice();
  }

  clear(): void {
    this.#keys.length = 0;
  }
}
