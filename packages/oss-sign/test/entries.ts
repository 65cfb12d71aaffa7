import * as defaultEntry from '../src/index.js';
import * as nodeEntry from '../src/node.js';
import type { SignApi } from './vectors.js';

/** Both entries, so every test that hashes runs through both back-ends. */
export const ENTRIES: [string, SignApi][] = [
  ['default entry (noble)', defaultEntry],
  ['node entry (node:crypto)', nodeEntry],
];
