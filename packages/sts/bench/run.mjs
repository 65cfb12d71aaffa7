// Costs of the per-request work a server does with this package, as ratios against references
// measured in the same run: policy evaluation against the request's own V1 signature check,
// the dot-segment path against the plain one, the glob against a compiled RegExp, and the
// AssumeRole RPC signature against a V1 signature.
//
//   npm run bench -w @oss-media/sts [-- --quick] [-- --json results.json]
import { writeFileSync } from 'node:fs';
import { signatureV1 } from '@oss-media/oss-sign';
import { buildPolicy, evaluatePolicies, signRpc, wildcardMatch } from '@oss-media/sts';

const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');
const jsonFile = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
const ROUNDS = quick ? 5 : 21;
const ROUND_MS = quick ? 40 : 150;

// ---- the work being measured

const role = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: 'oss:*', Resource: ['acs:oss:*:*:media', 'acs:oss:*:*:media/*'] },
    { Effect: 'Deny', Action: 'oss:DeleteObject', Resource: 'acs:oss:*:*:media/archive/*' },
  ],
};
const session = buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'al' });
const key = `videos/cam-42/2026/12/03/${'segment-'.repeat(8)}000123.ts`;
const request = { action: 'oss:PutObject', resource: `acs:oss:*:*:media/${key}` };
const dotted = { action: 'oss:PutObject', resource: `acs:oss:*:*:media/videos/cam-42/../${key}` };
const date = 'Thu, 03 Dec 2026 10:00:00 GMT';
const stringToSign =
  `POST\n\n\n${date}\nx-oss-date:${date}\nx-oss-security-token:${'T'.repeat(600)}\n` +
  `/media/${key}?append&position=1048576`;
const rpcParams = {
  AccessKeyId: 'LTAIexample',
  Action: 'AssumeRole',
  DurationSeconds: '900',
  Format: 'JSON',
  Policy: JSON.stringify(session),
  RoleArn: 'acs:ram::1234567890123:role/camera-uploader',
  RoleSessionName: 'videos-cam-42',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '571f8fb8-506e-11e5-8e12-b8e8563dc8d2',
  SignatureVersion: '1.0',
  Timestamp: '2026-12-03T10:00:00Z',
  Version: '2015-04-01',
};
const pattern = 'acs:oss:*:*:media/videos/cam-42/*';
const compiled = /^acs:oss:.*:.*:media\/videos\/cam-42\/.*$/s;

const cases = {
  'V1 signature (reference)': () => signatureV1('secret', stringToSign),
  'RegExp, compiled once (reference)': () => compiled.test(request.resource),
  'evaluatePolicies, role + session': () => evaluatePolicies([role, session], request),
  'evaluatePolicies, dot-segment key': () => evaluatePolicies([role, session], dotted),
  wildcardMatch: () => wildcardMatch(pattern, request.resource),
  'signRpc, AssumeRole parameters': () => signRpc('POST', rpcParams, 'secret'),
};

const targets = [
  ['evaluatePolicies, role + session', 'V1 signature (reference)', 1],
  ['evaluatePolicies, dot-segment key', 'evaluatePolicies, role + session', 25],
  ['wildcardMatch', 'RegExp, compiled once (reference)', 10],
  ['signRpc, AssumeRole parameters', 'V1 signature (reference)', 6],
];

// ---- measuring: rounds interleaved across cases so drift hits all of them alike

function perOp(fn) {
  let iterations = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < 200; i++) sink ^= fn() ? 1 : 0;
    iterations += 200;
    elapsed = performance.now() - started;
  }
  if (sink === 2) console.log('');
  return (elapsed * 1e6) / iterations;
}

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const fn of Object.values(cases)) perOp(fn);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) samples[name].push(perOp(fn));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const stats = Object.fromEntries(
  Object.entries(samples).map(([name, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    const spread = (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / median;
    return [name, { median, spread }];
  }),
);

const rows = Object.keys(cases).map((name) => {
  const target = targets.find(([c]) => c === name);
  const row = {
    case: name,
    median: Number(stats[name].median.toFixed(1)),
    unit: 'ns/op',
    spread: Number(stats[name].spread.toFixed(3)),
    ratios: {},
    target: null,
    pass: null,
  };
  if (target) {
    const [, ref, limit] = target;
    const ratio = stats[name].median / stats[ref].median;
    row.ratios[ref] = Number(ratio.toFixed(3));
    row.target = `≤ ${limit}× ${ref}`;
    row.pass = ratio <= limit;
  }
  return row;
});

// ---- report

console.log(
  `@oss-media/sts benchmark${quick ? ' (quick)' : ''}: ${ROUNDS} rounds of ${ROUND_MS} ms`,
);
console.log(
  `${'case'.padEnd(36)} ${'median'.padStart(10)} ${'spread'.padStart(7)}  ratio / target`,
);
for (const row of rows) {
  const [ref, ratio] = Object.entries(row.ratios)[0] ?? [];
  const verdict = row.pass === null ? '' : row.pass ? 'PASS' : 'FAIL';
  const detail = ref ? `${ratio}× (${row.target}) ${verdict}` : '';
  const median = `${row.median} ns`.padStart(10);
  const spread = `${(row.spread * 100).toFixed(1)}%`.padStart(7);
  console.log(`${row.case.padEnd(36)} ${median} ${spread}  ${detail}`);
}
if (jsonFile) {
  writeFileSync(jsonFile, `${JSON.stringify({ name: '@oss-media/sts', rows }, null, 2)}\n`);
}
