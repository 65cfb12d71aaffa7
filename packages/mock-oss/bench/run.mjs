// mock-oss benchmark: `npm run bench -w @oss-media/mock-oss [-- --quick] [-- --json file]`.
// Each server runs in its own child process; the load client (undici, signing every request
// with oss-sign) is the same for the mock and for the bare node:http reference.
import { fork } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequestV1 } from '@oss-media/oss-sign';
import { Pool } from 'undici';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;

if (!existsSync(join(here, '..', 'dist', 'node.js'))) {
  console.error('bench: build first (npm run build -w @oss-media/mock-oss)');
  process.exit(1);
}

const CREDENTIALS = {
  accessKeyId: 'mock-access-key-id',
  accessKeySecret: 'mock-access-key-secret',
};
const ROUNDS = quick ? 3 : 5;
const SMALL_SECONDS = quick ? 1 : 3;
const SMALL_SIZE = 1024;
const CONCURRENCY = 16;
const MiB = 1024 * 1024;
const APPEND_TOTAL = quick ? 16 * MiB : 64 * MiB;
const MEMORY_TOTAL = quick ? 64 * MiB : 512 * MiB;

async function startServer(kind) {
  const child = fork(join(here, 'server.mjs'), [kind], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 });
  return {
    pool,
    rss: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message.rss));
        child.send('rss');
      }),
    async stop() {
      await pool.close();
      child.kill();
    },
  };
}

function signed(method, key, query, headers = {}) {
  return signRequestV1({ method, bucket: 'bench', key, query, headers }, CREDENTIALS);
}

async function call(pool, method, key, { query = {}, body, headers = {} } = {}) {
  const search = Object.entries(query)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join('&');
  const response = await pool.request({
    method,
    path: `/bench/${key}${search ? `?${search}` : ''}`,
    headers: signed(method, key, query, headers),
    body,
  });
  const data = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode >= 300) {
    throw new Error(`${method} ${key}: ${response.statusCode} ${data.toString().slice(0, 300)}`);
  }
  return { status: response.statusCode, headers: response.headers, data };
}

/** Small objects: each worker PUTs then GETs its own keys for a fixed time. Requests/s. */
async function smallObjects(server) {
  const payload = Buffer.alloc(SMALL_SIZE, 7);
  const until = performance.now() + SMALL_SECONDS * 1000;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = 0; performance.now() < until; i++) {
        const key = `small/${worker}/${i % 200}`;
        await call(server.pool, 'PUT', key, {
          body: payload,
          headers: { 'content-type': 'application/octet-stream' },
        });
        await call(server.pool, 'GET', key);
        requests += 2;
      }
    }),
  );
  return requests / SMALL_SECONDS;
}

/** Sequential 1 MiB appends (each needs the previous position). MB/s. */
async function appends(server, total, name) {
  const piece = Buffer.alloc(MiB, 3);
  const started = performance.now();
  let position = 0;
  while (position < total) {
    await call(server.pool, 'POST', name, {
      query: { append: '', position: String(position) },
      body: piece,
      headers: { 'content-type': 'application/octet-stream' },
    });
    position += piece.byteLength;
  }
  return total / MiB / ((performance.now() - started) / 1000);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function spread(values) {
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

async function measure(label, run) {
  const mock = await startServer('mock');
  const bare = await startServer('bare');
  const mockValues = [];
  const bareValues = [];
  try {
    await run(mock, 'warmup');
    await run(bare, 'warmup');
    for (let round = 0; round < ROUNDS; round++) {
      mockValues.push(await run(mock, `r${round}`));
      bareValues.push(await run(bare, `r${round}`));
    }
  } finally {
    await mock.stop();
    await bare.stop();
  }
  console.error(`bench: ${label} done`);
  return { mock: mockValues, bare: bareValues };
}

const rows = [];

const small = await measure('small objects', (server) => smallObjects(server));
rows.push({
  case: `PUT+GET ${SMALL_SIZE} B objects, ${CONCURRENCY} connections, signatures checked`,
  median: median(small.mock),
  unit: 'req/s',
  spread: spread(small.mock),
  ratios: { 'bare node:http': median(small.mock) / median(small.bare) },
  target: '≥ 0.5× bare node:http',
  pass: median(small.mock) / median(small.bare) >= 0.5,
  reference: median(small.bare),
});

const append = await measure('appends', (server, round) =>
  appends(server, APPEND_TOTAL, `append-${round}.ts`),
);
rows.push({
  case: `${APPEND_TOTAL / MiB} MiB appended in 1 MiB pieces`,
  median: median(append.mock),
  unit: 'MB/s',
  spread: spread(append.mock),
  ratios: { 'bare node:http': median(append.mock) / median(append.bare) },
  target: '≥ 0.7× bare node:http',
  pass: median(append.mock) / median(append.bare) >= 0.7,
  reference: median(append.bare),
});

// Memory: the mock's resident set after storing appends, as a multiple of the bytes stored.
// The idle server's own footprint (runtime, code) is measured first and reported separately.
{
  const mock = await startServer('mock');
  try {
    const idle = await mock.rss();
    const perObject = 64 * MiB;
    for (let stored = 0, index = 0; stored < MEMORY_TOTAL; index++) {
      const size = Math.min(perObject, MEMORY_TOTAL - stored);
      await appends(mock, size, `memory-${index}.ts`);
      stored += size;
    }
    const rss = await mock.rss();
    const growth = (rss - idle) / MEMORY_TOTAL;
    rows.push({
      case:
        `resident memory after ${MEMORY_TOTAL / MiB} MiB of appends ` +
        `(growth over idle ${Math.round(idle / MiB)} MiB)`,
      median: growth,
      unit: '× stored bytes',
      spread: 0,
      ratios: { 'stored bytes': growth, 'total rss / stored': rss / MEMORY_TOTAL },
      target: '≤ 1.15× stored bytes',
      pass: growth <= 1.15,
    });
  } finally {
    await mock.stop();
  }
}

console.log('\n@oss-media/mock-oss benchmark' + (quick ? ' (quick)' : ''));
console.log('| case | mock | reference | ratio | target | result |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const ratio = Object.values(row.ratios)[0];
  const reference = row.reference === undefined ? '—' : `${row.reference.toFixed(1)} ${row.unit}`;
  const median = `${row.median.toFixed(2)} ${row.unit}`;
  const result = row.pass ? 'PASS' : 'FAIL';
  console.log(
    `| ${row.case} | ${median} | ${reference} | ${ratio.toFixed(2)} | ${row.target} | ${result} |`,
  );
}
if (jsonFile) {
  writeFileSync(
    jsonFile,
    JSON.stringify(
      { name: '@oss-media/mock-oss', rows: rows.map(({ reference: _r, ...row }) => row) },
      null,
      2,
    ),
  );
}
