/**
 * Attempts to get past the mock's authentication and authorization, each of which must be
 * rejected with the code the service uses — and the state checked afterwards, so that a
 * "rejection" that still wrote something counts as a wrong acceptance.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockOss, DiskStore } from '@oss-media/mock-oss';
import {
  type Credentials,
  presignUrlV1,
  presignUrlV4,
  signRequestV1,
  signRequestV4,
} from '@oss-media/oss-sign';
import { assumeRole, buildPolicy, type PolicyDocument } from '@oss-media/sts';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey, Summary } from './helpers.js';

const BUCKET = 'secure-media';
const summary = new Summary('security');
const mock = createMockOss({ buckets: [BUCKET] });
let origin = '';
const rawSender = new Agent();
let stsUrl = '';
let close: () => Promise<void> = async () => {};

interface Attempt {
  method: string;
  /** Raw path after the bucket, sent exactly as written (no normalisation by the client). */
  rawKey: string;
  /** The key as the signer sees it (decoded). */
  key: string;
  query?: Record<string, string>;
  body?: Uint8Array;
}

/** Sends a V1-signed request with a raw path, as a hostile client could. */
async function send(attempt: Attempt, credentials: Credentials, date?: Date) {
  const headers = signRequestV1(
    {
      method: attempt.method,
      bucket: BUCKET,
      key: attempt.key,
      query: attempt.query ?? {},
      headers: { 'content-type': 'video/mp2t' },
    },
    credentials,
    { date: date ?? new Date(mock.clock.now()) },
  );
  const search = new URLSearchParams(attempt.query ?? {}).toString().replace(/=(&|$)/g, '$1');
  // The path goes to the dispatcher as written: a URL object would resolve `..` segments
  // before sending, and the point here is what the server does with them.
  const path = `/${BUCKET}/${attempt.rawKey}${search ? `?${search}` : ''}`;
  const response = await rawSender.request({
    origin,
    path,
    method: attempt.method as 'GET',
    headers,
    body: attempt.body,
  });
  const text = await response.body.text();
  const code =
    attempt.method === 'HEAD'
      ? /<Code>([^<]+)<\/Code>/.exec(
          Buffer.from(String(response.headers['x-oss-err'] ?? ''), 'base64').toString(),
        )?.[1]
      : /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  return { status: response.statusCode, code, text };
}

function expectRejected(
  result: { status: number; code: string | undefined; text: string },
  code: string,
  why: string,
) {
  if (result.status < 300) summary.add('wrong acceptances');
  expect(result.code, `${why}: ${result.text.slice(0, 300)}`).toBe(code);
  expect(result.status, why).toBe(403);
  summary.add('rejections correct');
}

async function objectExists(key: string): Promise<boolean> {
  return mock.store.head(BUCKET, key) !== undefined;
}

async function cameraToken(
  policy: PolicyDocument = buildPolicy({ bucket: BUCKET, path: 'videos/cam-42/*', mode: 'a' }),
) {
  const token = await assumeRole({
    credentials: mock.credentials,
    roleArn: mock.roleArns[0] as string,
    roleSessionName: 'cam-42',
    policy,
    durationSeconds: 900,
    endpoint: stsUrl,
    now: () => new Date(mock.clock.now()),
  });
  return token;
}

beforeAll(async () => {
  summary.add('wrong acceptances', 0);
  await mock.ready;
  const server = await mock.listen({ host: '127.0.0.1', port: 0 });
  origin = server.url.replace(/\/$/, '');
  stsUrl = server.stsUrl;
  close = server.close;
  const put = await send(
    {
      method: 'PUT',
      rawKey: 'videos/cam-43/x',
      key: 'videos/cam-43/x',
      body: new Uint8Array([43]),
    },
    mock.credentials,
  );
  expect(put.status).toBe(200);
});

afterAll(async () => {
  summary.print();
  expect(summary.get('wrong acceptances')).toBe(0);
  await close();
  await rawSender.close();
});

describe('authentication', () => {
  const probe: Attempt = { method: 'GET', rawKey: 'videos/cam-43/x', key: 'videos/cam-43/x' };

  it('a forged signature is SignatureDoesNotMatch, echoing the string to sign', async () => {
    const forged = { ...mock.credentials, accessKeySecret: 'not-the-secret' };
    const result = await send(probe, forged);
    expectRejected(result, 'SignatureDoesNotMatch', 'forged signature');
    expect(result.text).toContain('<StringToSign>');
  });

  it('an unknown access key is InvalidAccessKeyId', async () => {
    const result = await send(probe, { accessKeyId: 'nobody', accessKeySecret: 'x' });
    expectRejected(result, 'InvalidAccessKeyId', 'unknown key');
  });

  it('a signature 16 minutes off is RequestTimeTooSkewed; 14 minutes is accepted', async () => {
    const now = mock.clock.now();
    const late = await send(probe, mock.credentials, new Date(now - 16 * 60_000));
    expectRejected(late, 'RequestTimeTooSkewed', '16 minutes behind');
    const early = await send(probe, mock.credentials, new Date(now + 16 * 60_000));
    expectRejected(early, 'RequestTimeTooSkewed', '16 minutes ahead');
    const fine = await send(probe, mock.credentials, new Date(now - 14 * 60_000));
    expect(fine.status).toBe(200);
  });

  it(
    'a presigned URL works until it expires, ' + 'and is AccessDenied when replayed after',
    async () => {
      for (const presign of [presignUrlV1, presignUrlV4]) {
        const url = presign({
          endpoint: origin,
          bucket: BUCKET,
          key: 'videos/cam-43/x',
          credentials: mock.credentials,
          expires: 60,
          now: new Date(mock.clock.now()),
          pathStyle: true,
          region: mock.region,
        } as Parameters<typeof presignUrlV4>[0]);
        const first = await request(url);
        await first.body.dump();
        expect(first.statusCode, presign.name).toBe(200);
        mock.clock.advance(61_000);
        const replay = await request(url);
        const text = await replay.body.text();
        expectRejected(
          { status: replay.statusCode, code: /<Code>([^<]+)</.exec(text)?.[1], text },
          'AccessDenied',
          `${presign.name} replayed after expiry`,
        );
      }
    },
  );

  it(
    'an expired security token is SecurityTokenExpired; ' + 'a tampered one InvalidSecurityToken',
    async () => {
      const token = await cameraToken();
      const ok = await send(
        {
          method: 'POST',
          rawKey: 'videos/cam-42/a.ts',
          key: 'videos/cam-42/a.ts',
          query: { append: '', position: '0' },
          body: new Uint8Array(10),
        },
        token,
      );
      expect(ok.status, ok.text).toBe(200);

      const tampered = { ...token, securityToken: `${token.securityToken.slice(0, -4)}AAAA` };
      expectRejected(await send(probe, tampered), 'InvalidSecurityToken', 'tampered token');
      const swapped = { ...token, securityToken: 'x'.repeat(token.securityToken.length) };
      expectRejected(await send(probe, swapped), 'InvalidSecurityToken', 'made-up token');

      mock.clock.advance(901_000);
      const expired = await send(
        {
          method: 'POST',
          rawKey: 'videos/cam-42/a.ts',
          key: 'videos/cam-42/a.ts',
          query: { append: '', position: '10' },
          body: new Uint8Array(10),
        },
        token,
      );
      expectRejected(expired, 'SecurityTokenExpired', 'expired token');
      expect(mock.store.head(BUCKET, 'videos/cam-42/a.ts')?.size).toBe(10);
    },
  );
});

describe('a camera token for videos/cam-42/* with mode a', () => {
  let token: Credentials;
  beforeAll(async () => {
    token = await cameraToken();
  });

  it('appends inside its prefix', async () => {
    const result = await send(
      {
        method: 'POST',
        rawKey: 'videos/cam-42/b.ts',
        key: 'videos/cam-42/b.ts',
        query: { append: '', position: '0' },
        body: new Uint8Array(5),
      },
      token,
    );
    expect(result.status, result.text).toBe(200);
  });

  it('cannot read, stat, delete or list', async () => {
    const own = 'videos/cam-42/b.ts';
    expectRejected(
      await send({ method: 'GET', rawKey: own, key: own }, token),
      'AccessDenied',
      'read',
    );
    expectRejected(
      await send({ method: 'HEAD', rawKey: own, key: own }, token),
      'AccessDenied',
      'head',
    );
    expectRejected(
      await send({ method: 'DELETE', rawKey: own, key: own }, token),
      'AccessDenied',
      'delete',
    );
    expect(await objectExists(own)).toBe(true);
    const list = await send(
      { method: 'GET', rawKey: '', key: '', query: { prefix: 'videos/cam-42/' } },
      token,
    );
    expectRejected(list, 'AccessDenied', 'list');
  });

  const escapes: Array<[string, string]> = [
    ['videos/cam-43/x', 'videos/cam-43/x'],
    ['videos/cam-43/new.ts', 'videos/cam-43/new.ts'],
    [encodeKey('videos/cam-43/y'), 'videos/cam-43/y'],
    ['videos%2Fcam-43%2Fz', 'videos/cam-43/z'],
    ['videos/CAM-42/x', 'videos/CAM-42/x'],
    ['videos/cam-42', 'videos/cam-42'],
    ['videos/cam-420/x', 'videos/cam-420/x'],
    ['other/videos/cam-42/x', 'other/videos/cam-42/x'],
  ];
  for (const [rawKey, key] of escapes) {
    it(`cannot write outside its prefix: ${rawKey}`, async () => {
      const before = mock.store.head(BUCKET, key);
      for (const attempt of [
        { method: 'PUT', rawKey, key, body: new Uint8Array([66]) },
        {
          method: 'POST',
          rawKey,
          key,
          query: { append: '', position: String(before?.size ?? 0) },
          body: new Uint8Array([66]),
        },
      ]) {
        expectRejected(await send(attempt, token), 'AccessDenied', `write ${rawKey}`);
      }
      expect(mock.store.head(BUCKET, key)).toEqual(before);
    });
  }

  const dotted: Array<[string, string]> = [
    ['videos/cam-42/../cam-43/x', 'videos/cam-42/../cam-43/x'],
    ['videos/cam-42/%2E%2E/cam-43/x', 'videos/cam-42/../cam-43/x'],
    ['videos/cam-42/..%2Fcam-43%2Fx', 'videos/cam-42/../cam-43/x'],
    ['videos/cam-42/%2e%2e%2f%2e%2e%2fcam-43/x', 'videos/cam-42/../../cam-43/x'],
  ];
  for (const [rawKey, key] of dotted) {
    it(`a dot-dot key stays a literal key under the prefix: ${rawKey}`, async () => {
      const victim = mock.store.head(BUCKET, 'videos/cam-43/x');
      const result = await send({ method: 'PUT', rawKey, key, body: new Uint8Array([66]) }, token);
      // OSS keys are opaque: either the key is refused, or it is stored literally — it never
      // lands on videos/cam-43/x.
      if (result.status === 200) {
        expect(mock.store.head(BUCKET, key)?.size).toBe(1);
        summary.add('dot-dot keys kept literal');
      } else {
        expect(result.code).toMatch(/AccessDenied|InvalidObjectName|InvalidArgument/);
        summary.add('rejections correct');
      }
      expect(mock.store.head(BUCKET, 'videos/cam-43/x')).toEqual(victim);
    });
  }
});

describe('policy combination', () => {
  it('an explicit Deny wins over an Allow', async () => {
    const policy: PolicyDocument = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['oss:*'], Resource: [`acs:oss:*:*:${BUCKET}/videos/*`] },
        {
          Effect: 'Deny',
          Action: ['oss:PutObject'],
          Resource: [`acs:oss:*:*:${BUCKET}/videos/secret/*`],
        },
      ],
    };
    const token = await cameraToken(policy);
    const allowed = await send(
      { method: 'PUT', rawKey: 'videos/open.ts', key: 'videos/open.ts', body: new Uint8Array(1) },
      token,
    );
    expect(allowed.status, allowed.text).toBe(200);
    const denied = await send(
      {
        method: 'PUT',
        rawKey: 'videos/secret/x.ts',
        key: 'videos/secret/x.ts',
        body: new Uint8Array(1),
      },
      token,
    );
    expectRejected(denied, 'AccessDenied', 'Deny over Allow');
    expect(await objectExists('videos/secret/x.ts')).toBe(false);
    const readable = await send(
      { method: 'GET', rawKey: 'videos/open.ts', key: 'videos/open.ts' },
      token,
    );
    expect(readable.status).toBe(200);
  });
});

describe('the disk store', () => {
  it('keeps keys that try to escape the data directory inside it', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'mock-oss-escape-'));
    const dataDir = join(parent, 'data');
    const store = await DiskStore.open(dataDir);
    const disk = createMockOss({ buckets: ['escape'], store, noAuth: true });
    await disk.ready;
    const keys = [
      '../../outside',
      '../outside',
      '/abs/outside',
      'a/../../../outside',
      '..',
      '.',
      '...',
    ];
    try {
      for (const key of keys) {
        const url = `http://127.0.0.1/escape/${encodeKey(key)}`;
        const put = await disk.handle(new Request(url, { method: 'PUT', body: 'x' }));
        await put.arrayBuffer();
        if (put.status === 200) {
          const get = await disk.handle(new Request(url));
          expect(await get.text(), key).toBe('x');
        }
      }
      expect((await readdir(parent)).sort(), 'nothing written beside the data dir').toEqual([
        'data',
      ]);
      summary.add('escaping keys kept inside the data dir', keys.length);
    } finally {
      await disk.close();
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('signature check', () => {
  it('V4 signatures are verified too', async () => {
    const headers = signRequestV4(
      { method: 'GET', bucket: BUCKET, key: 'videos/cam-43/x', headers: {} },
      { ...mock.credentials, accessKeySecret: 'wrong' },
      { region: mock.region, date: new Date(mock.clock.now()) },
    );
    const response = await request(`${origin}/${BUCKET}/videos/cam-43/x`, { headers });
    const text = await response.body.text();
    expectRejected(
      { status: response.statusCode, code: /<Code>([^<]+)</.exec(text)?.[1], text },
      'SignatureDoesNotMatch',
      'V4 forged',
    );
  });
});
