// Benchmark of @oss-media/oss-sign against the references named in its targets, measured side
// by side in one process. Run after a build: `npm run bench -w @oss-media/oss-sign`
// [-- --quick] [-- --json <file>].
//
// Every case runs its candidates in alternation, round after round, so that noise from other
// processes hits all of them alike. A row reports the median of the rounds, the spread
// ((max - min) / median of the rounds) and, for each reference, the median of the per-round
// ratios.
//
// Time is the process's CPU time (user + system) by default: on a shared machine the wall clock
// also counts the time spent waiting for a core, which varies from round to round far more than
// the work does. `--wall` measures with the wall clock instead.
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as pure from '../dist/index.js';
import * as node from '../dist/node.js';

const require = createRequire(import.meta.url);
const OSS = require('ali-oss');
const aliSign = require('ali-oss/lib/common/signUtils.js');
const nativeCrc = require('crc64-ecma182');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wall = args.includes('--wall');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
if (jsonIndex >= 0 && !jsonFile) throw new Error('--json needs a file name');

const ROUNDS = quick ? 5 : 9;
const WARMUP_ROUNDS = quick ? 2 : 3;
const SIGN_ROUND_MS = quick ? 80 : 200;
const MIB = 1024 * 1024;
const BIG = quick ? 16 * MIB : 64 * MIB;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);

/** Milliseconds of the clock the benchmark measures with (see the top of the file). */
function clock() {
  if (wall) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Calls `fn` for about `ms` milliseconds of the clock; returns calls per second. */
function opsPerSecond(fn, ms) {
  let n = 0;
  let sink;
  const start = clock();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) sink = fn();
    n += 200;
    now = clock();
  }
  if (sink === undefined) throw new Error('benchmark function returned nothing');
  return (n * 1000) / (now - start);
}

/** One pass of `fn` over `bytes`; returns MB/s (10^6 bytes per second). */
function megabytesPerSecond(fn, bytes) {
  const start = clock();
  const result = fn();
  const seconds = (clock() - start) / 1000;
  if (result === undefined) throw new Error('benchmark function returned nothing');
  return bytes / 1e6 / seconds;
}

/**
 * Measures `candidates` (name -> () => number) in alternation; returns rows for the first
 * candidate and any further ones flagged `report`.
 */
function compare(candidates) {
  const samples = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (const [name, measure] of Object.entries(candidates)) {
      const value = measure();
      if (round >= WARMUP_ROUNDS) samples[name].push(value);
    }
  }
  return samples;
}

function row(caseName, unit, samples, subject, references, target) {
  const ours = samples[subject];
  const ratios = {};
  for (const ref of references) {
    ratios[ref] = median(ours.map((v, i) => v / samples[ref][i]));
  }
  const result = {
    case: caseName,
    median: median(ours),
    unit,
    spread: spread(ours),
    ratios,
    target: target ? `>= ${target.ratio}x ${target.ref}` : null,
    pass: target ? ratios[target.ref] >= target.ratio : null,
  };
  return result;
}

function referenceRow(caseName, unit, samples, name) {
  return {
    case: caseName,
    median: median(samples[name]),
    unit,
    spread: spread(samples[name]),
    ratios: {},
    target: null,
    pass: null,
  };
}

const rows = [];

// ---- V1 header signing: a media append as the camera client sends it.
// Both sides sign the same request with x-oss-date and the token already in the headers, which
// is the shape `client.authorization` expects. Ours does more: it checks its input, builds the
// resource from bucket and key (ali-oss is handed it ready) and returns the headers to send.
// A second row lets signRequestV1 set x-oss-date itself, as a caller would; ali-oss's own
// request path formats its date outside `authorization`, so it has no counterpart here.
{
  const credentials = {
    accessKeyId: 'LTAI5tExampleKeyId',
    accessKeySecret: 'ExampleSecret0123456789abcdefgh',
    securityToken: 'CAIS' + 'x'.repeat(400),
  };
  const headers = {
    'Content-Type': 'video/mp2t',
    'Content-MD5': 'eB5eJF1ptWaXm4bijSPyxw==',
    'x-oss-date': new Date().toUTCString(),
    'x-oss-meta-camera': 'front-door',
    'x-oss-security-token': credentials.securityToken,
  };
  const query = { append: '', position: '1048576' };
  const req = {
    method: 'POST',
    bucket: 'media-bucket',
    key: 'cam/2024/03/01/segment-00042.ts',
    query,
    headers,
  };
  const client = new OSS({
    ...credentials,
    stsToken: credentials.securityToken,
    region: 'oss-cn-hangzhou',
    bucket: 'media-bucket',
  });
  const { 'x-oss-date': _, ...undatedHeaders } = headers;
  const undatedReq = { ...req, headers: undatedHeaders };
  const resource = '/media-bucket/cam/2024/03/01/segment-00042.ts';
  const stringToSign = node.stringToSignV1(req);

  const expected = client.authorization('POST', resource, query, headers);
  if (node.signRequestV1(req, credentials).Authorization !== expected) {
    throw new Error('oss-sign and ali-oss disagree on the benchmark request');
  }

  const samples = compare({
    ours: () => opsPerSecond(() => node.signRequestV1(req, credentials), SIGN_ROUND_MS),
    'ali-oss': () =>
      opsPerSecond(() => client.authorization('POST', resource, query, headers), SIGN_ROUND_MS),
    'bare HMAC-SHA1': () =>
      opsPerSecond(
        () => createHmac('sha1', credentials.accessKeySecret).update(stringToSign).digest('base64'),
        SIGN_ROUND_MS,
      ),
    'ours (default entry)': () =>
      opsPerSecond(() => pure.signRequestV1(req, credentials), SIGN_ROUND_MS),
    'ours (date set)': () =>
      opsPerSecond(() => node.signRequestV1(undatedReq, credentials), SIGN_ROUND_MS),
  });
  rows.push(
    row('V1 header signing (node entry)', 'ops/s', samples, 'ours', ['ali-oss', 'bare HMAC-SHA1'], {
      ref: 'ali-oss',
      ratio: 1.5,
    }),
  );
  rows.push(
    row(
      'V1 header signing, x-oss-date set by it (node entry)',
      'ops/s',
      samples,
      'ours (date set)',
      ['ali-oss'],
      null,
    ),
  );
  rows.push(
    row(
      'V1 header signing (default entry, noble)',
      'ops/s',
      samples,
      'ours (default entry)',
      ['ali-oss'],
      null,
    ),
  );
  rows.push(referenceRow('  ali-oss client.authorization', 'ops/s', samples, 'ali-oss'));
  rows.push(
    referenceRow(
      '  bare node:crypto createHmac SHA-1 of the string to sign',
      'ops/s',
      samples,
      'bare HMAC-SHA1',
    ),
  );
}

// ---- V4 header signing, for information.
{
  const credentials = {
    accessKeyId: 'LTAI5tExampleKeyId',
    accessKeySecret: 'ExampleSecret0123456789abcdefgh',
  };
  const isoDate = '20240301T080000Z';
  const headers = {
    'content-type': 'video/mp2t',
    'x-oss-date': isoDate,
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
    host: 'media-bucket.oss-cn-hangzhou.aliyuncs.com',
  };
  const query = { append: '', position: '1048576' };
  const key = 'cam/2024/03/01/segment-00042.ts';
  const req = { method: 'POST', bucket: 'media-bucket', key, query, headers };
  const options = { region: 'cn-hangzhou', additionalHeaders: ['host'] };
  const theirs = () =>
    aliSign.authorizationV4(
      credentials.accessKeyId,
      credentials.accessKeySecret,
      'cn-hangzhou',
      'POST',
      { headers, queries: { append: null, position: '1048576' } },
      'media-bucket',
      key,
      ['host'],
    );
  if (node.signRequestV4(req, credentials, options).Authorization !== theirs()) {
    throw new Error('oss-sign and ali-oss disagree on the V4 benchmark request');
  }
  const samples = compare({
    ours: () => opsPerSecond(() => node.signRequestV4(req, credentials, options), SIGN_ROUND_MS),
    'ali-oss': () => opsPerSecond(theirs, SIGN_ROUND_MS),
  });
  rows.push(row('V4 header signing (node entry)', 'ops/s', samples, 'ours', ['ali-oss'], null));
}

// ---- CRC-64 over one large buffer.
{
  const data = new Uint8Array(BIG);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 23;
  const buffer = Buffer.from(data.buffer);
  if (node.crc64(data) !== nativeCrc.crc64(buffer).readBigUInt64LE()) {
    throw new Error('oss-sign and crc64-ecma182 disagree');
  }
  const samples = compare({
    ours: () => megabytesPerSecond(() => pure.crc64(data), BIG),
    'crc64-ecma182': () => megabytesPerSecond(() => nativeCrc.crc64(buffer), BIG),
  });
  rows.push(
    row(`CRC-64 of ${BIG / MIB} MiB (pure JS)`, 'MB/s', samples, 'ours', ['crc64-ecma182'], {
      ref: 'crc64-ecma182',
      ratio: 0.7,
    }),
  );
  rows.push(referenceRow('  crc64-ecma182 (native addon)', 'MB/s', samples, 'crc64-ecma182'));
}

// ---- Content-MD5 over one large buffer.
{
  const data = new Uint8Array(BIG).map((_, i) => i * 7);
  const expected = createHash('md5').update(data).digest('base64');
  if (
    node.contentMd5(data) !== expected ||
    pure.contentMd5(data.subarray(0, MIB)) !==
      createHash('md5').update(data.subarray(0, MIB)).digest('base64')
  ) {
    throw new Error('Content-MD5 disagrees with node:crypto');
  }
  const samples = compare({
    ours: () => megabytesPerSecond(() => node.contentMd5(data), BIG),
    'node:crypto': () =>
      megabytesPerSecond(() => createHash('md5').update(data).digest('base64'), BIG),
  });
  rows.push(
    row(`Content-MD5 of ${BIG / MIB} MiB (node entry)`, 'MB/s', samples, 'ours', ['node:crypto'], {
      ref: 'node:crypto',
      ratio: 0.9,
    }),
  );

  const small = data.subarray(0, 4 * MIB);
  const pureSamples = compare({
    ours: () => megabytesPerSecond(() => pure.contentMd5(small), small.length),
    'node:crypto': () =>
      megabytesPerSecond(() => createHash('md5').update(small).digest('base64'), small.length),
  });
  rows.push(
    row(
      'Content-MD5 of 4 MiB (default entry, noble)',
      'MB/s',
      pureSamples,
      'ours',
      ['node:crypto'],
      null,
    ),
  );
}

// ---- Report.
const format = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const table = rows.map((r) => ({
  case: r.case,
  median: `${format(r.median)} ${r.unit}`,
  spread: `${(r.spread * 100).toFixed(0)}%`,
  ratios: Object.entries(r.ratios)
    .map(([k, v]) => `${v.toFixed(2)}x ${k}`)
    .join(', '),
  target: r.target ?? '',
  result: r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL',
}));
const widths = Object.keys(table[0]).map((k) =>
  Math.max(k.length, ...table.map((t) => t[k].length)),
);
const line = (cells) =>
  cells
    .map((c, i) => c.padEnd(widths[i]))
    .join('  ')
    .trimEnd();
console.log(
  `@oss-media/oss-sign benchmark (${quick ? 'quick' : 'full'}: ${ROUNDS} rounds after ` +
    `${WARMUP_ROUNDS} warm-up; ${wall ? 'wall-clock' : 'CPU'} time; Node ${process.version})`,
);
console.log(line(Object.keys(table[0])));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const t of table) console.log(line(Object.values(t)));

if (jsonFile) {
  writeFileSync(jsonFile, `${JSON.stringify({ name: '@oss-media/oss-sign', rows }, null, 2)}\n`);
  console.log(`results written to ${jsonFile}`);
}
