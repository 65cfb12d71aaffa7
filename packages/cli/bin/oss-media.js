#!/usr/bin/env node
// The oss-media command. The program lives in ../dist (built by `npm run build`).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND';
  process.stderr.write(
    missing
      ? 'oss-media: not built yet; run `npm run build` at the repository root first\n'
      : `oss-media: could not start: ${String(error?.message ?? error).split('\n')[0]}\n`,
  );
  process.exit(1);
}
const code = await cli.run(process.argv.slice(2));
// Exit once stdout has drained, even if a keep-alive connection would hold the loop open.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
