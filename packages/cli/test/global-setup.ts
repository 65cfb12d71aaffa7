import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bin tests spawn `bin/oss-media.js`, which runs `dist/`. `npm test` builds first (turbo's
 * test task depends on build); a direct `vitest run` after editing sources rebuilds this package
 * here so the spawned program is the code under test.
 */
export default function setup(): void {
  const built = join(root, 'dist/cli.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestIn(join(root, 'src'))) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
