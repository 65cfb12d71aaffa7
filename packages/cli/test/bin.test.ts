import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ListeningMock } from '../src/mock-adapter.js';
import { envOf, SAMPLE_DIR, startMock } from './helpers.js';

const BIN = new URL('../bin/oss-media.js', import.meta.url).pathname;

/** Runs the built command as a user would. */
function spawnBin(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the built oss-media bin', () => {
  let server: ListeningMock;

  beforeAll(async () => {
    server = await startMock({ buckets: ['media'] });
  });

  afterAll(async () => {
    await server.close();
  });

  test('demo --exit --fast prints the summary with matching CRCs and exits 0', async () => {
    const result = await spawnBin(['demo', '--exit', '--fast']);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/crc64 object\s+\d+ \(match\)/);
    expect(result.stdout).toMatch(/refreshes\s+[1-9]/);
    expect(result.stdout).toMatch(/^ {2}web page\s+\(stopped: --exit\)$/m);
    expect(result.stdout).toMatch(/^ {2}playback URL\s+\(stopped: --exit\)$/m);
  }, 60_000);

  test('upload and stat against a listening mock', async () => {
    const env = envOf(server);
    const upload = await spawnBin(
      ['upload', `${SAMPLE_DIR}sample.aac`, 'oss://media/bin/a.aac', '--append'],
      env,
    );
    expect(upload.code).toBe(0);
    expect(upload.stdout).toMatch(/^uploaded 74\.8 KiB to oss:\/\/media\/bin\/a\.aac/);

    const stat = await spawnBin(['stat', 'oss://media/bin/a.aac'], env);
    expect(stat.stdout).toMatch(/^type:\s+Appendable$/m);
  });

  test.each([
    [['upload', '/no/such/file', 'oss://media/k'], /^oss-media: cannot read '\/no\/such\/file'/, 1],
    [['stat', 'http://media/k'], /^oss-media: invalid OSS address/, 2],
    [['frobnicate'], /^oss-media: unknown command 'frobnicate'/, 2],
  ])('bad input %j: one line on stderr', async (args, message, exitCode) => {
    const result = await spawnBin(args, envOf(server));
    expect(result.code).toBe(exitCode);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('wrong credentials: the OSS code and request id, exit 1', async () => {
    const result = await spawnBin(['ls', 'oss://media'], {
      ...envOf(server),
      OSS_ACCESS_KEY_SECRET: 'wrong',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^oss-media: .*SignatureDoesNotMatch.*request id [0-9A-F]{24}\)\n$/,
    );
  });
});
