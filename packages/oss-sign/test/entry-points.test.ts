import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as defaultEntry from '../src/index.js';
import * as nodeEntry from '../src/node.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const NODE_BUILTINS = new Set(builtinModules);

/** Every module specifier reachable from `entry` through relative imports of our sources. */
function moduleGraph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g,
    )) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(resolve(SRC, entry));
  return { files: [...files], external: [...external] };
}

describe('entry points', () => {
  test('the default entry reaches no node: module, only @noble/hashes', () => {
    const { files, external } = moduleGraph('index.ts');
    expect(files.length).toBeGreaterThan(5);
    for (const spec of external) {
      expect(spec.startsWith('node:') || NODE_BUILTINS.has(spec), spec).toBe(false);
      expect(spec.startsWith('@noble/hashes/'), spec).toBe(true);
    }
  });

  test('the node entry does reach node:crypto', () => {
    const { files, external } = moduleGraph('node.ts');
    expect(external).toContain('node:crypto');
    expect(files).toContain(resolve(SRC, 'node/hashes.ts'));
  });

  test('both entries export the same names with the same kinds', () => {
    const shape = (m: object) =>
      Object.entries(m)
        .map(([k, v]) => `${k}:${typeof v}`)
        .sort();
    expect(shape(nodeEntry)).toEqual(shape(defaultEntry));
    expect(defaultEntry.hashBackend).toBe('noble');
    expect(nodeEntry.hashBackend).toBe('node:crypto');
  });

  test('the pure parts are the same objects in both entries', () => {
    expect(nodeEntry.crc64).toBe(defaultEntry.crc64);
    expect(nodeEntry.SIGNED_SUBRESOURCES).toBe(defaultEntry.SIGNED_SUBRESOURCES);
    expect(nodeEntry.OssSignError).toBe(defaultEntry.OssSignError);
  });
});
