import { Writable } from 'node:stream';
import { run } from '../src/cli.js';
import type { Io } from '../src/io.js';
import { type ListeningMock, startMock } from '../src/mock-adapter.js';

export const SAMPLE_DIR = new URL('../sample/', import.meta.url).pathname;

/** A writable that keeps everything written to it. */
export class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY = false;

  override _write(chunk: Buffer | string, _encoding: string, done: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.bytes.toString('utf8');
  }
}

/** Runs the command line in-process, as the bin would, and returns what it printed. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string; bytes: Buffer }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: Io = { stdout, stderr, env, ...(signal ? { signal } : {}) };
  const code = await run(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text, bytes: stdout.bytes };
}

/** The environment a user gets from `oss-media serve`'s printout. */
export function envOf(server: ListeningMock): NodeJS.ProcessEnv {
  return {
    OSS_ENDPOINT: server.url,
    OSS_ACCESS_KEY_ID: server.mock.credentials.accessKeyId,
    OSS_ACCESS_KEY_SECRET: server.mock.credentials.accessKeySecret,
    OSS_ROLE_ARN: server.mock.roleArns[0]!,
  };
}

export { startMock };

/** A failure as the command line must print it: one line, no stack trace. */
export function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp) {
  const lines = result.stderr.trimEnd().split('\n');
  if (result.code === 0) throw new Error(`expected a failure, got exit 0: ${result.stderr}`);
  if (lines.length !== 1) throw new Error(`expected one line, got:\n${result.stderr}`);
  if (/\n\s+at /.test(result.stderr) || /^\s+at /.test(lines[0]!)) {
    throw new Error(`stack trace printed:\n${result.stderr}`);
  }
  if (!lines[0]!.startsWith('oss-media: ')) throw new Error(`unprefixed: ${lines[0]}`);
  if (!pattern.test(lines[0]!)) throw new Error(`'${lines[0]}' does not match ${pattern}`);
}
