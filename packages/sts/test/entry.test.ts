import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The default (non-node) source entry of a workspace package. */
function workspaceEntry(name: string): string {
  const root = resolve(here, '../../..', 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const source = pkg.exports['.'].source;
  return join(root, typeof source === 'string' ? source : source.default);
}

/** Every module specifier reachable from `entry`, following relative and workspace imports. */
function reachableImports(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const found = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2])!;
      if (/^import\s+type\s/.test(match[0]) || /^export\s+type\s/.test(match[0])) continue;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (spec.startsWith('@oss-media/')) queue.push(workspaceEntry(spec));
      else found.set(spec, file);
    }
  }
  return found;
}

describe('default entry', () => {
  it('reaches no node: module, directly or through @oss-media/oss-sign', () => {
    const imports = reachableImports(resolve(here, '../src/index.ts'));
    const nodeOnly = [...imports].filter(
      ([spec]) => spec.startsWith('node:') || builtinModules.includes(spec),
    );
    expect(nodeOnly).toEqual([]);
  });
});
