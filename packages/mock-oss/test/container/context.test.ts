/**
 * The image is built from the repository root with a .dockerignore that lets through only what
 * the server loads at run time. These checks need no Docker: they fail as soon as mock-oss or one
 * of its workspace dependencies gains a production dependency the whitelist does not name.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './docker.js';

/** Dependencies needed only to compile a native addon, never loaded by the server. */
const BUILD_TIME_ONLY = new Set(['nan']);

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Node's lookup of a bare package name: the nearest node_modules up the directory tree. */
function findPackage(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Every path that must reach the image for the server to load: for each package in the
 * production dependency closure of mock-oss, the link or folder under node_modules, and for
 * workspace packages also their package.json and dist/.
 */
function runtimePaths(): { paths: Set<string>; unresolved: string[] } {
  const paths = new Set<string>();
  const unresolved: string[] = [];
  const visited = new Set<string>();
  const rel = (path: string) => relative(REPO_ROOT, path).split(sep).join('/');

  const visit = (packageDir: string) => {
    if (visited.has(packageDir)) return;
    visited.add(packageDir);

    if (rel(packageDir).startsWith('packages/')) {
      paths.add(`${rel(packageDir)}/package.json`);
      paths.add(`${rel(packageDir)}/dist`);
    }

    const manifest = JSON.parse(
      readFileSync(join(packageDir, 'package.json'), 'utf8'),
    ) as PackageJson;
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    const names = [...Object.keys(manifest.dependencies ?? {}), ...optional];
    for (const name of names.filter((n) => !BUILD_TIME_ONLY.has(n))) {
      const found = findPackage(packageDir, name);
      if (found === undefined) {
        // An optional dependency may legitimately be absent (its install step failed).
        if (!optional.has(name)) unresolved.push(`${name} (needed by ${manifest.name})`);
        continue;
      }
      paths.add(rel(found));
      visit(realpathSync(found));
    }
  };

  visit(join(REPO_ROOT, 'packages', 'mock-oss'));
  return { paths, unresolved };
}

/** The `!path` exceptions of the root .dockerignore. */
function whitelisted(): string[] {
  return readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/$/, ''));
}

function isCovered(path: string, allowed: string[]): boolean {
  return allowed.some((entry) => path === entry || path.startsWith(`${entry}/`));
}

describe('mock-oss image build context', () => {
  it('resolves every production dependency of mock-oss from the repository', () => {
    expect(runtimePaths().unresolved).toEqual([]);
  });

  it('lets every runtime dependency of the server through the .dockerignore', () => {
    const allowed = whitelisted();
    const missing = [...runtimePaths().paths].filter((path) => !isCovered(path, allowed)).sort();

    expect(missing, `add these lines to .dockerignore: ${missing.map((p) => `!${p}`)}`).toEqual([]);
  });

  it('sends the files the Dockerfile starts: the entry point, the health check and the CLI', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'packages/mock-oss/Dockerfile'), 'utf8');
    const started = [...dockerfile.matchAll(/"\/app\/([^"]+\.js)"/g)].map((m) => m[1]!);
    const allowed = whitelisted();

    expect(started).toEqual([
      'packages/mock-oss/docker/healthcheck.js',
      'packages/mock-oss/docker/entrypoint.js',
    ]);
    for (const path of [...started, 'packages/mock-oss/bin/mock-oss.js']) {
      expect(existsSync(join(REPO_ROOT, path)), `${path} exists`).toBe(true);
      expect(isCovered(path, allowed), `${path} is in the build context`).toBe(true);
    }
  });
});
