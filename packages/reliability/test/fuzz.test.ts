/**
 * Generated requests against the mock: random methods, paths, sub-resources, headers,
 * Authorization strings, XML bodies, ranges and append positions, some of them validly signed so
 * that real writes happen too. The server must answer every one with a well-formed response,
 * and the stored objects may change only where a write was answered with success.
 *
 * Most requests go straight to the request pipeline (`dispatch`, the same function the Node
 * listener calls), which keeps ten thousand of them within seconds on two cores; a share goes
 * over loopback through the listener, where HTTP parsing can fail in ways of its own.
 */

import { createMockOss } from '@oss-media/mock-oss';
import { type Credentials, crc64ToString, signRequestV1 } from '@oss-media/oss-sign';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey, patternBytes, Summary } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const LOOPBACK_RUNS = Number(process.env.FUZZ_LOOPBACK_RUNS ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const BUCKETS = ['fuzz-main', 'fuzz-empty'];
const summary = new Summary('fuzz');

const mock = createMockOss({ buckets: BUCKETS, storageLimit: 256 * 2 ** 20 });
const agent = new Agent({ connections: 4, headersTimeout: 10_000, bodyTimeout: 10_000 });
let origin = '';
let close: () => Promise<void> = async () => {};

interface Generated {
  method: string;
  bucket: string;
  key: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  /** no: sent as generated; clean: signed with only benign headers; messy: signed as is. */
  signed: 'no' | 'clean' | 'messy';
}

const keyArb = fc.oneof(
  fc.constantFrom('video.ts', 'live/app.h264', 'dir/a', 'dir/b', 'missing', ''),
  fc.constantFrom('../../etc/passwd', 'a//b', 'space key', 'plus+key', 'q?k#h', '%zz', 'é/中'),
  fc.string({ minLength: 1, maxLength: 40 }),
);

const positionArb = fc.oneof(
  fc.constantFrom('0', '-1', 'abc', '', '99999999999999999999', '1.5', ' 3'),
  fc.nat({ max: 5000 }).map(String),
);

const queryArb = fc.array(
  fc.oneof(
    fc.constant<[string, string]>(['append', '']),
    positionArb.map((v): [string, string] => ['position', v]),
    fc.constantFrom<[string, string]>(
      ['acl', ''],
      ['lifecycle', ''],
      ['cors', ''],
      ['delete', ''],
      ['objectMeta', ''],
      ['uploads', ''],
      ['location', ''],
      ['bucketInfo', ''],
      ['list-type', '2'],
      ['encoding-type', 'url'],
      ['encoding-type', 'bogus'],
      ['response-content-type', 'text/plain'],
      ['tagging', ''],
      ['symlink', ''],
    ),
    fc.tuple(
      fc.constantFrom('max-keys', 'prefix', 'marker', 'delimiter', 'continuation-token'),
      fc.oneof(fc.constantFrom('0', '-3', '1001', '5', 'x', 'dir/', '/'), fc.string()),
    ),
  ),
  { maxLength: 4 },
);

const authorizationArb = fc.oneof(
  fc.constantFrom(
    'OSS ',
    'OSS :',
    'OSS mock-access-key-id:',
    'OSS mock-access-key-id:AAAA',
    'OSS unknown:c2ln',
    'OSS4-HMAC-SHA256 Credential=x',
    'OSS4-HMAC-SHA256 Credential=mock-access-key-id/20260101/cn-hangzhou/oss/aliyun_v4_request,' +
      'Signature=00',
    'OSS4-HMAC-SHA256 Credential=a/b, AdditionalHeaders=host, Signature=zz',
    'Bearer token',
    'ACS3-HMAC-SHA256 Credential=x',
  ),
  fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

const xmlBodies = [
  '<Delete><Quiet>true</Quiet><Object><Key>dir/a</Key></Object></Delete>',
  '<Delete><Object><Key>missing</Key></Object><Object><Key></Key></Object></Delete>',
  '<LifecycleConfiguration><Rule><ID>r</ID><Prefix>dir/</Prefix><Status>Enabled</Status>' +
    '<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>',
  '<LifecycleConfiguration><Rule><Status>Maybe</Status></Rule></LifecycleConfiguration>',
  '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET' +
    '</AllowedMethod></CORSRule></CORSConfiguration>',
  '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' +
    '<Delete><Object><Key>&b;</Key></Object></Delete>',
  '<Delete><Object><Key>dir/b</Key></Object>',
  '<<<not xml',
  '',
];

const headersArb = fc.record(
  {
    range: fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=abc', 'bytes=5-2', 'bytes=0-', 'x'),
    'x-oss-range-behavior': fc.constantFrom('standard', 'other'),
    'content-md5': fc.constantFrom('1B2M2Y8AsgTpgAmY7PhCfg==', 'not-base64', ''),
    authorization: authorizationArb,
    'x-oss-date': fc.constantFrom('Thu, 17 Nov 2005 18:49:58 GMT', 'yesterday', ''),
    'x-oss-security-token': fc.constantFrom('forged', 'e30.e30.e30'),
    'content-type': fc.constantFrom('video/mp2t', 'application/xml', '\t'),
    'x-oss-meta-camera': fc.constantFrom('cam-42', ''),
    'if-match': fc.constantFrom('"0"', '*'),
    'if-modified-since': fc.constantFrom('Thu, 01 Jan 2099 00:00:00 GMT', 'garbage'),
    'x-oss-copy-source': fc.constantFrom('/fuzz-main/video.ts', '/nope/x', '%%%', '/fuzz-main/'),
    'x-oss-object-acl': fc.constantFrom('private', 'public-read', 'wide-open'),
  },
  { requiredKeys: [] },
);

const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 2048 }),
  fc.constantFrom(...xmlBodies).map((text) => new TextEncoder().encode(text)),
);

const requestArb: fc.Arbitrary<Generated> = fc.record({
  method: fc.oneof(
    fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS'),
    fc.constantFrom('PATCH', 'PROPFIND', 'get'),
  ),
  bucket: fc.oneof(
    fc.constantFrom(...BUCKETS, 'no-such-bucket', 'x', ''),
    // `/sts` on a path-style host is the STS endpoint, which answers JSON by design.
    fc.stringMatching(/^[a-z0-9-]{0,12}$/).filter((name) => name !== 'sts'),
  ),
  key: keyArb,
  query: queryArb,
  headers: headersArb,
  body: bodyArb,
  signed: fc.constantFrom('no', 'clean', 'clean', 'messy'),
});

/** The target of a generated request: raw path and query, as sent. */
function targetOf(g: Generated): { path: string; query: string } {
  const path = g.bucket === '' ? '/' : `/${g.bucket}/${encodeKey(g.key)}`;
  const query = g.query
    .map(([k, v]) =>
      v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    )
    .join('&');
  return { path, query };
}

/** What a snapshot holds: every bucket, every key, its length and CRC. */
async function snapshot(): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const bucket of mock.store.listBuckets()) {
    state.set(`bucket:${bucket.name}`, 'exists');
    for (const key of mock.store.keys(bucket.name)?.toArray() ?? []) {
      const meta = mock.store.head(bucket.name, key);
      if (meta) state.set(`${bucket.name}/${key}`, `${meta.size}:${crc64ToString(meta.crc64)}`);
    }
  }
  return state;
}

function wellFormed(g: Generated, status: number, headers: Record<string, unknown>, body: string) {
  expect(status, 'a real HTTP status').toBeGreaterThanOrEqual(100);
  expect(status).toBeLessThan(600);
  const seen = `${g.method} answered ${status}: ${body.slice(0, 200)}`;
  expect(String(headers['x-oss-request-id'] ?? ''), `a request id (${seen})`).toMatch(
    /^[0-9A-F]{24}$/,
  );
  if (status < 400) return;
  if (g.method === 'HEAD') {
    const encoded = String(headers['x-oss-err'] ?? '');
    expect(encoded, 'a HEAD error carries its XML in x-oss-err').not.toBe('');
    const xml = Buffer.from(encoded, 'base64').toString('utf8');
    expect(xml).toMatch(/<Error>[\s\S]*<Code>[A-Za-z.]+<\/Code>[\s\S]*<\/Error>/);
    return;
  }
  expect(String(headers['content-type'] ?? '')).toContain('xml');
  expect(body).toMatch(/^<\?xml[^>]*>\s*<Error>[\s\S]*<Code>[A-Za-z.]+<\/Code>[\s\S]*<\/Error>/);
}

beforeAll(async () => {
  await mock.ready;
  const server = await mock.listen({ host: '127.0.0.1', port: 0 });
  origin = server.url.replace(/\/$/, '');
  close = server.close;
  const seed = [
    ['video.ts', 'PUT', ''],
    ['dir/a', 'PUT', ''],
    ['dir/b', 'PUT', ''],
    ['live/app.h264', 'POST', 'append&position=0'],
  ] as const;
  for (const [key, method, query] of seed) {
    const body = patternBytes(1000, key.length);
    const signable = {
      method,
      bucket: 'fuzz-main',
      key,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers: { 'content-type': 'video/mp2t' },
    };
    const headers = signRequestV1(signable, mock.credentials as Credentials);
    const url = `${origin}/fuzz-main/${encodeKey(key)}${query ? `?${query}` : ''}`;
    const response = await request(url, { method, headers, body, dispatcher: agent });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
  }
});

afterAll(async () => {
  summary.print();
  await close();
  await agent.close();
});

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

type Transport = (
  g: Generated,
  headers: Record<string, string>,
  body?: Uint8Array,
) => Promise<Answer>;

const overLoopback: Transport = async (g, headers, body) => {
  const { path, query } = targetOf(g);
  const response = await request(`${origin}${path}${query ? `?${query}` : ''}`, {
    method: g.method,
    headers,
    body,
    dispatcher: agent,
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: await response.body.text(),
  };
};

const inProcess: Transport = async (g, headers, body) => {
  const { path, query } = targetOf(g);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  lower.host = '127.0.0.1';
  if (body) lower['content-length'] = String(body.length);
  const response = await mock.dispatch({
    method: g.method,
    path,
    rawQuery: query,
    headers: lower,
    body: {
      async *[Symbol.asyncIterator]() {
        if (body && body.length > 0) yield body;
      },
    },
  });
  let text = '';
  if (typeof response.body === 'string') text = response.body;
  else if (response.body instanceof Uint8Array) text = new TextDecoder().decode(response.body);
  else if (response.body) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    text = Buffer.concat(chunks).toString('utf8');
  }
  return { status: response.status, headers: response.headers, text };
};

type Write = { method: string; bucket: string; key: string; status: number; body?: string };

/** Runs the property over one transport, collecting the writes that succeeded. */
async function fuzz(send: Transport, runs: number, seed: number, writes: Write[]) {
  await fc.assert(
    fc.asyncProperty(requestArb, async (g) => {
      let headers: Record<string, string> = { ...g.headers };
      if (g.signed === 'clean') {
        headers = { 'content-type': 'video/mp2t', 'x-oss-meta-camera': 'cam-42' };
      }
      if (g.signed !== 'no' && g.bucket !== '') {
        const signable = {
          method: g.method.toUpperCase(),
          bucket: g.bucket,
          key: g.key,
          query: Object.fromEntries(g.query),
          headers: Object.fromEntries(
            Object.entries(headers).filter(
              ([name]) =>
                name !== 'authorization' &&
                name !== 'x-oss-security-token' &&
                name !== 'x-oss-date',
            ),
          ),
        };
        headers = signRequestV1(signable, mock.credentials as Credentials);
      }
      const body = g.method === 'GET' || g.method === 'HEAD' ? undefined : g.body;
      const answer = await send(g, headers, body);
      summary.add('requests tried');
      wellFormed(g, answer.status, answer.headers, answer.text);
      if (answer.status < 300 && ['PUT', 'POST', 'DELETE'].includes(g.method)) {
        writes.push({
          method: g.method,
          bucket: g.bucket,
          key: g.key,
          status: answer.status,
          ...(body ? { body: new TextDecoder().decode(body) } : {}),
        });
        summary.add('writes that succeeded');
      } else if (answer.status >= 400) {
        summary.add('well-formed error answers');
      }
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
}

/** Which stored names changed between two snapshots without a successful write to explain it. */
function unexplainedChanges(
  before: Map<string, string>,
  after: Map<string, string>,
  writes: Write[],
) {
  const touched = new Set<string>();
  for (const w of writes) {
    touched.add(`${w.bucket}/${w.key}`);
    touched.add(`bucket:${w.bucket}`);
    for (const match of w.body?.matchAll(/<Key>([^<]*)<\/Key>/g) ?? []) {
      touched.add(`${w.bucket}/${match[1]}`);
    }
  }
  return [...new Set([...before.keys(), ...after.keys()])].filter(
    (name) => before.get(name) !== after.get(name) && !touched.has(name),
  );
}

describe('the mock under generated requests', () => {
  console.log(`fuzz seed ${SEED} (set FUZZ_SEED to replay)`);

  it(`answers ${RUNS} generated requests well-formed and changes only what succeeded`, async () => {
    const before = await snapshot();
    const writes: Write[] = [];
    await fuzz(inProcess, RUNS, SEED, writes);
    const unexplained = unexplainedChanges(before, await snapshot(), writes);
    summary.add('unexplained changes', unexplained.length);
    expect(unexplained, 'stored state changed only by successful writes').toEqual([]);
  });

  it(`answers ${LOOPBACK_RUNS} more over loopback, through the HTTP listener`, async () => {
    const before = await snapshot();
    const writes: Write[] = [];
    await fuzz(overLoopback, LOOPBACK_RUNS, SEED + 1, writes);
    const unexplained = unexplainedChanges(before, await snapshot(), writes);
    summary.add('unexplained changes', unexplained.length);
    expect(unexplained, 'stored state changed only by successful writes').toEqual([]);
  });
});
