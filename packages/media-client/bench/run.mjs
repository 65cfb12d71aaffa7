// Benchmark of @oss-media/media-client
// (run after a build: `npm run bench -w @oss-media/media-client`).
//
// 1. Throughput: the same pieces appended to the mock on loopback by this client (undici and
//    fetch transports, CRC-64 verified on every append), by the official ali-oss client's
//    append, and PUT with raw undici `request()` to a bare node:http server that only drains
//    the body (the ceiling). Servers run in child processes. Targets: ≥ 1.5× ali-oss and
//    ≥ 0.6× the ceiling.
// 2. Memory: a large upload generated on the fly through appendFrom; the peak growth of the
//    process's ArrayBuffer memory must stay within a few chunk sizes.
//
// Options: --quick (a few seconds), --json <file>.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signRequestV1 } from '@oss-media/oss-sign';
import OSS from 'ali-oss';
import { Agent, request } from 'undici';
import { createClient, fetchTransport } from '../dist/node.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;

const MiB = 1024 * 1024;
const PIECE = MiB;
const TOTAL = quick ? 16 * MiB : 64 * MiB;
const REPEATS = quick ? 2 : 3;
const MEMORY_TOTAL = quick ? 128 * MiB : 1024 * MiB;
const MEMORY_CHUNK = MiB;
const MEMORY_LIMIT_CHUNKS = 4;

// Live memory, not garbage waiting for a collection, is what must stay bounded.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

const pieces = Array.from({ length: TOTAL / PIECE }, (_, index) => pattern(PIECE, index + 1));

function pattern(length, seed) {
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer);
  let state = seed;
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  return bytes;
}

function startServer(kind) {
  const script = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.stdout.on('data', (data) => {
      buffered += data;
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve({ ...JSON.parse(line), child });
    });
  });
}

async function timed(run) {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return TOTAL / MiB / seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values) => (Math.max(...values) - Math.min(...values)) / median(values);

// ---- the contenders

async function mediaClient(mock, transport, key) {
  const client = createClient({
    endpoint: mock.url,
    auth: mock.credentials,
    ...(transport ? { transport } : {}),
  });
  const file = await client.open('bench', key, 'aw');
  const rate = await timed(async () => {
    for (const piece of pieces) await file.write(piece);
  });
  await file.close();
  await client.close();
  return rate;
}

async function aliOss(mock, key) {
  const port = new URL(mock.url).port;
  const store = new OSS({
    endpoint: `http://localhost:${port}`,
    sldEnable: true,
    accessKeyId: mock.credentials.accessKeyId,
    accessKeySecret: mock.credentials.accessKeySecret,
    bucket: 'bench',
    region: 'oss-cn-hangzhou',
  });
  await store.delete(key).catch(() => {});
  return timed(async () => {
    let position = 0;
    for (const piece of pieces) {
      const result = await store.append(key, Buffer.from(piece.buffer), { position });
      position = Number(result.nextAppendPosition);
    }
    if (position !== TOTAL) throw new Error(`ali-oss ended at ${position}`);
  });
}

async function ceiling(bare, dispatcher) {
  return timed(async () => {
    for (const [index, piece] of pieces.entries()) {
      const { statusCode, body } = await request(`${bare.url}/piece-${index}`, {
        method: 'PUT',
        body: piece,
        dispatcher,
      });
      await body.dump();
      if (statusCode !== 200) throw new Error(`bare server answered ${statusCode}`);
    }
  });
}

// Raw undici appends to the mock, signed but without any client logic or CRC: how fast the
// mock itself takes appends, to tell the client's cost from the server's.
async function rawAppends(mock, dispatcher, key) {
  const url = new URL(mock.url);
  return timed(async () => {
    let position = 0;
    for (const piece of pieces) {
      const query = { append: null, position: String(position) };
      const headers = signRequestV1(
        { method: 'POST', bucket: 'bench', key, query },
        mock.credentials,
      );
      const { statusCode, body } = await request(
        `${url.origin}/bench/${key}?append&position=${position}`,
        { method: 'POST', headers, body: piece, dispatcher },
      );
      await body.dump();
      if (statusCode !== 200) throw new Error(`mock answered ${statusCode}`);
      position += piece.length;
    }
  });
}

// ---- memory while uploading a large generated source

async function memory(mock) {
  const client = createClient({ endpoint: mock.url, auth: mock.credentials });
  const file = await client.open('bench', 'memory.bin', 'aw');
  async function* generated() {
    for (let offset = 0; offset < MEMORY_TOTAL; offset += 256 * 1024) {
      yield new Uint8Array(256 * 1024).fill(offset & 0xff);
    }
  }
  collectGarbage();
  const baseline = process.memoryUsage();
  let peakBuffers = 0;
  let peakRss = 0;
  let chunks = 0;
  // After every fourth chunk: collect, then read what is still alive.
  const sample = () => {
    chunks += 1;
    if (chunks % 4 !== 0) return;
    // Twice: the first collection leaves some freed ArrayBuffers to the second.
    collectGarbage();
    collectGarbage();
    const now = process.memoryUsage();
    peakBuffers = Math.max(peakBuffers, now.arrayBuffers - baseline.arrayBuffers);
    peakRss = Math.max(peakRss, now.rss - baseline.rss);
  };
  const started = performance.now();
  await file.appendFrom(generated(), { chunkSize: MEMORY_CHUNK, onProgress: sample });
  const seconds = (performance.now() - started) / 1000;
  await file.delete();
  await file.close();
  await client.close();
  return { peakBuffers, peakRss, rate: MEMORY_TOTAL / MiB / seconds };
}

// ---- run

const mock = await startServer('mock');
const bare = await startServer('bare');
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
const results = { undici: [], fetch: [], ali: [], ceiling: [], raw: [] };
let mem;
try {
  // Warm-up: JIT, sockets, the mock's first allocations.
  await mediaClient(mock, undefined, 'warm.bin');
  await ceiling(bare, dispatcher);
  for (let round = 0; round < REPEATS; round++) {
    results.ceiling.push(await ceiling(bare, dispatcher));
    results.undici.push(await mediaClient(mock, undefined, 'client.bin'));
    results.ali.push(await aliOss(mock, 'ali.bin'));
    results.fetch.push(await mediaClient(mock, fetchTransport(), 'client-fetch.bin'));
    results.raw.push(await rawAppends(mock, dispatcher, `raw-${round}.bin`));
  }
  mem = await memory(mock);
} finally {
  await dispatcher.close();
  mock.child.kill();
  bare.child.kill();
}

const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
const vsAli = m.undici / m.ali;
const vsCeiling = m.undici / m.ceiling;
const memoryLimit = MEMORY_LIMIT_CHUNKS * MEMORY_CHUNK;
const label = `${TOTAL / MiB} MiB in 1 MiB appends`;
const rows = [
  {
    case: `${label}: media-client (undici pool, CRC-64 verified)`,
    median: m.undici,
    unit: 'MiB/s',
    spread: spread(results.undici),
    ratios: { 'ali-oss': vsAli, ceiling: vsCeiling, 'raw to mock': m.undici / m.raw },
    target: '≥ 1.5× ali-oss and ≥ 0.6× ceiling',
    pass: vsAli >= 1.5 && vsCeiling >= 0.6,
  },
  {
    case: `${label}: media-client (fetch transport)`,
    median: m.fetch,
    unit: 'MiB/s',
    spread: spread(results.fetch),
    ratios: { 'ali-oss': m.fetch / m.ali, ceiling: m.fetch / m.ceiling },
    target: 'information',
    pass: true,
  },
  {
    case: `${label}: ali-oss append (reference)`,
    median: m.ali,
    unit: 'MiB/s',
    spread: spread(results.ali),
    ratios: {},
    target: 'reference',
    pass: true,
  },
  {
    case: `${label}: raw undici request() to the mock, no client logic (the mock's own limit)`,
    median: m.raw,
    unit: 'MiB/s',
    spread: spread(results.raw),
    ratios: { ceiling: m.raw / m.ceiling },
    target: 'information',
    pass: true,
  },
  {
    case: `${TOTAL / MiB} MiB in 1 MiB PUTs: raw undici request() to bare node:http (ceiling)`,
    median: m.ceiling,
    unit: 'MiB/s',
    spread: spread(results.ceiling),
    ratios: {},
    target: 'reference',
    pass: true,
  },
  {
    case:
      `${MEMORY_TOTAL / MiB} MiB appendFrom a generated source, 1 MiB chunks: ` +
      'peak ArrayBuffer growth',
    median: mem.peakBuffers / MiB,
    unit: 'MiB',
    spread: 0,
    ratios: { 'chunk size': mem.peakBuffers / MEMORY_CHUNK },
    target:
      `≤ ${MEMORY_LIMIT_CHUNKS} chunk sizes ` +
      `(RSS growth ${(mem.peakRss / MiB).toFixed(0)} MiB, ${mem.rate.toFixed(0)} MiB/s)`,
    pass: mem.peakBuffers <= memoryLimit,
  },
];

const pad = (text, width) => String(text).padEnd(width);
console.log(`\n@oss-media/media-client benchmark${quick ? ' (--quick)' : ''}\n`);
console.log(`${pad('case', 92)}${pad('median', 16)}${pad('spread', 9)}${pad('ratios', 52)}result`);
for (const row of rows) {
  const ratios = Object.entries(row.ratios)
    .map(([ref, value]) => `${value.toFixed(2)}× ${ref}`)
    .join(', ');
  console.log(
    pad(row.case, 92) +
      pad(`${row.median.toFixed(1)} ${row.unit}`, 16) +
      pad(`${(row.spread * 100).toFixed(0)} %`, 9) +
      pad(ratios, 52) +
      (row.target === 'reference' || row.target === 'information'
        ? row.target
        : `${row.pass ? 'PASS' : 'FAIL'} (${row.target})`),
  );
}
if (jsonFile) {
  await writeFile(jsonFile, JSON.stringify({ name: '@oss-media/media-client', rows }, null, 2));
}
// A missed target is reported above, not by the exit code: on a shared machine a ratio can
// miss through noise, and `npm run bench` must fail only when a benchmark crashes.
if (!rows.every((row) => row.pass !== false)) {
  console.log('some targets were missed (see FAIL above)');
}
