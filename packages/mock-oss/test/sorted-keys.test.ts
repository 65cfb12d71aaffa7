import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys, SortedKeys } from '../src/store/sorted-keys.js';

// The flat sorted array SortedKeys replaced, kept as the model every operation is checked against.
class FlatKeys {
  readonly keys: string[] = [];

  add(key: string): void {
    const index = this.lowerBound(key);
    if (this.keys[index] !== key) this.keys.splice(index, 0, key);
  }

  delete(key: string): void {
    const index = this.lowerBound(key);
    if (this.keys[index] === key) this.keys.splice(index, 1);
  }

  lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.keys[middle] as string, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  upperBound(key: string): number {
    const index = this.lowerBound(key);
    return this.keys[index] === key ? index + 1 : index;
  }

  endOfPrefix(prefix: string, from = 0): number {
    let low = from;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const key = this.keys[middle] as string;
      if (key.startsWith(prefix) || compareKeys(key, prefix) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

// Pieces chosen so UTF-16 and UTF-8 orders disagree: U+E000 and U+FFFD sort before astral
// characters in code point order but after them in UTF-16 units.
const piece = fc.constantFrom('a', 'b', '/', 'é', '\uE000', '\uFFFD', '😀', '𝄞', '');
const key = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));

type Command =
  | { kind: 'add'; key: string }
  | { kind: 'delete'; key: string }
  | { kind: 'check'; key: string; from: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('add' as const), key }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('check' as const), key, from: fc.nat(80) }),
    weight: 1,
  },
);

function expectSame(keys: SortedKeys, model: FlatKeys, probe: string, from: number): void {
  expect(keys.size).toBe(model.keys.length);
  expect(keys.toArray()).toEqual(model.keys);
  expect(keys.lowerBound(probe)).toBe(model.lowerBound(probe));
  expect(keys.upperBound(probe)).toBe(model.upperBound(probe));
  const start = Math.min(from, model.keys.length);
  expect(keys.endOfPrefix(probe, start)).toBe(model.endOfPrefix(probe, start));
  expect(keys.endOfPrefix(probe)).toBe(model.endOfPrefix(probe));
  // Walk forwards, backwards and by jumps, as listings and the block hint would.
  for (let i = 0; i < model.keys.length; i++) expect(keys.at(i)).toBe(model.keys[i]);
  for (let i = model.keys.length - 1; i >= 0; i -= 3) expect(keys.at(i)).toBe(model.keys[i]);
  for (const outside of [-1, model.keys.length, model.keys.length + 5, 0.5, Number.NaN]) {
    expect(keys.at(outside)).toBeUndefined();
  }
}

describe('SortedKeys', () => {
  it('matches a flat sorted array under random adds, deletes and lookups', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.array(command, { maxLength: 200 }),
        (capacity, commands) => {
          const keys = new SortedKeys(capacity);
          const model = new FlatKeys();
          for (const step of commands) {
            if (step.kind === 'add') {
              keys.add(step.key);
              model.add(step.key);
            } else if (step.kind === 'delete') {
              keys.delete(step.key);
              model.delete(step.key);
            } else {
              expectSame(keys, model, step.key, step.from);
            }
          }
          expectSame(keys, model, '', 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads at() correctly between writes while walking a page', () => {
    const keys = new SortedKeys(4);
    const model = new FlatKeys();
    for (let i = 0; i < 200; i++) {
      const name = `k${(i * 37) % 101}`;
      keys.add(name);
      model.add(name);
    }
    let index = keys.lowerBound('k5');
    for (let step = 0; step < 60; step++, index++) {
      expect(keys.at(index)).toBe(model.keys[index]);
      const name = `k${(step * 13) % 101}`;
      if (step % 2 === 0) {
        keys.delete(name);
        model.delete(name);
      } else {
        keys.add(`${name}x`);
        model.add(`${name}x`);
      }
    }
    expectSame(keys, model, 'k1', 10);
  });

  it('splits and merges blocks at the default capacity', () => {
    const keys = new SortedKeys();
    const model = new FlatKeys();
    const names = Array.from({ length: 5000 }, (_, i) => `photos/${(i * 7919) % 5003}.jpg`);
    for (const name of names) {
      keys.add(name);
      model.add(name);
    }
    expectSame(keys, model, 'photos/1', 100);
    for (const name of names.filter((_, i) => i % 3 !== 0)) {
      keys.delete(name);
      model.delete(name);
    }
    expectSame(keys, model, 'photos/2', 500);
    keys.clear();
    expect(keys.size).toBe(0);
    expect(keys.at(0)).toBeUndefined();
    expect(keys.lowerBound('a')).toBe(0);
    keys.add('again');
    expect(keys.toArray()).toEqual(['again']);
  });

  it('sorts by code point, not UTF-16 unit', () => {
    const keys = new SortedKeys(2);
    for (const name of ['😀', '\uFFFD', 'z', '\uE000', '𝄞']) keys.add(name);
    expect(keys.toArray()).toEqual(['z', '\uE000', '\uFFFD', '𝄞', '😀']);
  });

  it('rejects a block capacity below 2', () => {
    expect(() => new SortedKeys(1)).toThrow(RangeError);
  });
});
