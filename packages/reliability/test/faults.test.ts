/**
 * Faults end to end: the media client's exactly-once appends through every kind of failure the
 * mock injects, and a disk-backed mock killed with SIGKILL in the middle of an upload.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@oss-media/media-client';
import { createMockOss } from '@oss-media/mock-oss';
import { afterAll, describe, expect, it } from 'vitest';
import { crcOf, patternBytes, Summary } from './helpers.js';

const summary = new Summary('faults');
const MiB = 2 ** 20;
const BIG = Number(process.env.RELIABILITY_FAULT_MIB ?? 256) * MiB;
const CHUNK = 256 * 1024;

afterAll(() => summary.print());

/** A source of `total` deterministic bytes, in fresh chunks, that can be read again. */
function source(total: number, chunk = CHUNK): () => AsyncIterable<Uint8Array> {
  return async function* () {
    for (let offset = 0, n = 0; offset < total; offset += chunk, n++) {
      yield patternBytes(Math.min(chunk, total - offset), n + 1);
    }
  };
}

function expectedCrc(total: number, chunk = CHUNK): bigint {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, n = 0; offset < total; offset += chunk, n++) {
    chunks.push(patternBytes(Math.min(chunk, total - offset), n + 1));
  }
  return crcOf(chunks);
}

/** Compares an object with the source it was made from, chunk by chunk, by ranged reads. */
async function expectSameBytes(
  client: ReturnType<typeof createClient>,
  bucket: string,
  key: string,
  length: number,
) {
  const step = 16 * MiB;
  const expected = source(length, CHUNK)();
  const iterator = expected[Symbol.asyncIterator]();
  let pending = new Uint8Array(0);
  for (let start = 0; start < length; start += step) {
    const end = Math.min(length, start + step) - 1;
    const { body } = await client.getObject(bucket, key, { range: { start, end } });
    while (pending.length < body.length) {
      const next = await iterator.next();
      if (next.done) break;
      pending = Buffer.concat([pending, next.value]);
    }
    const want = pending.subarray(0, body.length);
    let differing = Math.abs(end - start + 1 - body.length);
    for (let i = 0; i < Math.min(body.length, want.length); i++) {
      if (body[i] !== want[i]) differing += 1;
    }
    summary.add('lost or corrupted bytes', differing);
    expect(differing, `bytes ${start}-${end} equal the source`).toBe(0);
    pending = pending.subarray(body.length);
    summary.add('bytes verified', body.length);
  }
}

describe('exactly-once appends through injected faults', () => {
  it(`${BIG / MiB} MiB in ${CHUNK / 1024} KiB pieces with 20 % of appends failing`, async () => {
    const mock = createMockOss({ buckets: ['faulty'] });
    await mock.ready;
    const server = await mock.listen({ host: '127.0.0.1', port: 0 });
    const kinds = [
      { type: 'error', code: 'InternalError', status: 500 },
      { type: 'error', code: 'ServiceUnavailable', status: 503 },
      { type: 'close-mid-body' },
      { type: 'drop-response' },
      { type: 'latency', ms: 50 },
    ] as const;
    for (const action of kinds) {
      mock.faults.add({ operation: 'AppendObject', probability: 0.2 / kinds.length, action });
    }
    const client = createClient({
      endpoint: server.url,
      auth: mock.credentials,
      retry: { attempts: 12, baseDelayMs: 1, maxDelayMs: 20 },
      timeoutMs: 5_000,
    });
    try {
      const file = await client.open('faulty', 'big.ts', 'aw');
      const progress = await file.appendFrom(source(BIG)(), { chunkSize: CHUNK });
      await file.close();
      expect(progress.position).toBe(BIG);

      const stat = await client.headObject('faulty', 'big.ts');
      expect(stat.length).toBe(BIG);
      expect(stat.crc64).toBe(expectedCrc(BIG));
      await expectSameBytes(client, 'faulty', 'big.ts', BIG);
      const injected = mock.faults.list().reduce((sum, fault) => sum + fault.hits, 0);
      summary.add('faults injected', injected);
      expect(injected).toBeGreaterThan((BIG / CHUNK) * 0.1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'mock-oss', 'bin', 'mock-oss.js');
const built = existsSync(join(here, '..', '..', 'mock-oss', 'dist', 'node.js'));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function startMock(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [bin, '--port', String(port), '--data-dir', dataDir, '--bucket', 'durable', '--quiet'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('OSS endpoint')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`mock-oss exited with ${code}: ${output}`)));
  });
}

if (!built && process.env.CI !== 'true') {
  console.log('skipping the SIGKILL test: mock-oss is not built (run npx turbo run build)');
}

describe.skipIf(!built && process.env.CI !== 'true')(
  'a disk-backed mock killed during an upload',
  () => {
    it(
      'keeps every acknowledged byte, ' + 'and the client resumes to a byte-identical object',
      async () => {
        const dataDir = await mkdtemp(join(tmpdir(), 'mock-oss-kill-'));
        const port = await freePort();
        const total = 48 * MiB;
        let mock = await startMock(port, dataDir);
        const client = createClient({
          endpoint: `http://127.0.0.1:${port}`,
          auth: { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' },
          retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
          timeoutMs: 5_000,
        });
        try {
          let acknowledged = 0;
          const file = await client.open('durable', 'kill.ts', 'aw');
          const upload = file.appendFrom(source(total)(), {
            chunkSize: CHUNK,
            onProgress: (p) => {
              acknowledged = p.position;
              if (p.position >= 16 * MiB && mock.exitCode === null && !mock.killed) {
                mock.kill('SIGKILL');
              }
            },
          });
          await expect(upload).rejects.toThrow();
          if (mock.exitCode === null && mock.signalCode === null) {
            await new Promise((resolve) => mock.once('exit', resolve));
          }
          summary.add('mock processes killed with SIGKILL');
          expect(acknowledged).toBeGreaterThanOrEqual(16 * MiB);

          mock = await startMock(port, dataDir);
          const stat = await client.headObject('durable', 'kill.ts');
          expect(stat.length, 'every acknowledged byte survived').toBeGreaterThanOrEqual(
            acknowledged,
          );
          await expectSameBytes(client, 'durable', 'kill.ts', stat.length);

          const resumed = await client.open('durable', 'kill.ts', 'a');
          const progress = await resumed.appendFrom(source(total)(), {
            chunkSize: CHUNK,
            resume: true,
          });
          await resumed.close();
          expect(progress.skipped).toBe(stat.length);
          const final = await client.headObject('durable', 'kill.ts');
          expect(final.length).toBe(total);
          expect(final.crc64).toBe(expectedCrc(total));
          await expectSameBytes(client, 'durable', 'kill.ts', total);
        } finally {
          await client.close();
          mock.kill('SIGTERM');
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    );
  },
);
