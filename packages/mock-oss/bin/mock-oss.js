#!/usr/bin/env node
// The mock-oss command. It runs the compiled CLI, so the package must be built first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'mock-oss: the compiled server is missing (dist/cli.js). Build it first:\n' +
      '  npm run build            (from the repository root)\n' +
      '  npm run build -w @oss-media/mock-oss\n',
  );
  process.exit(1);
}
try {
  const { main } = await import(cli.href);
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // main() reports its own failures; this catches what escapes it, still as one line.
  process.stderr.write(`mock-oss: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
