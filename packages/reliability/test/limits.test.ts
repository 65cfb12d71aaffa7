/**
 * Requests past the limits: bodies over the mock's memory cap, oversized headers, and a
 * DeleteMultipleObjects with ten thousand keys. Each gets a clear error, nothing is stored or
 * deleted by it, and the server goes on answering.
 */
import { createMockOss } from '@oss-media/mock-oss';
import { type Credentials, contentMd5, signRequestV1 } from '@oss-media/oss-sign';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternBytes, Summary } from './helpers.js';

const BUCKET = 'limits';
const MiB = 2 ** 20;
const CAP = 8 * MiB;
const summary = new Summary('limits');
const mock = createMockOss({ buckets: [BUCKET], storageLimit: CAP });
let origin = '';
let close: () => Promise<void> = async () => {};

async function send(
  method: string,
  key: string,
  options: {
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Uint8Array;
  } = {},
) {
  const headers = signRequestV1(
    { method, bucket: BUCKET, key, query: options.query ?? {}, headers: options.headers ?? {} },
    mock.credentials as Credentials,
  );
  const search = new URLSearchParams(options.query ?? {}).toString().replace(/=(&|$)/g, '$1');
  const response = await request(`${origin}/${BUCKET}/${key}${search ? `?${search}` : ''}`, {
    method,
    headers,
    body: options.body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text };
}

/** The server still works: a small object round-trips. */
async function expectAlive() {
  const put = await send('PUT', 'alive', { body: new Uint8Array([1, 2, 3]) });
  expect(put.status, put.text).toBe(200);
  const get = await send('GET', 'alive');
  expect(get.status).toBe(200);
  summary.add('liveness checks after abuse');
}

beforeAll(async () => {
  await mock.ready;
  const server = await mock.listen({ host: '127.0.0.1', port: 0 });
  origin = server.url.replace(/\/$/, '');
  close = server.close;
});

afterAll(async () => {
  summary.print();
  await close();
});

describe('the memory cap', () => {
  it('refuses a body over the cap with the service error and stores nothing', async () => {
    const result = await send('PUT', 'too-big', { body: new Uint8Array(CAP + MiB) });
    expect(result.status, result.text).toBeGreaterThanOrEqual(400);
    expect(result.text).toMatch(/<Error>[\s\S]*<Code>\w+<\/Code>/);
    expect(mock.store.head(BUCKET, 'too-big')).toBeUndefined();
    summary.add('over-cap bodies refused');
    await expectAlive();
  });

  it('refuses an append that would pass the cap and leaves the object as it was', async () => {
    const first = await send('POST', 'growing', {
      query: { append: '', position: '0' },
      body: patternBytes(MiB, 1),
    });
    expect(first.status, first.text).toBe(200);
    const before = mock.store.head(BUCKET, 'growing');
    const over = await send('POST', 'growing', {
      query: { append: '', position: String(MiB) },
      body: new Uint8Array(CAP),
    });
    expect(over.status, over.text).toBeGreaterThanOrEqual(400);
    expect(mock.store.head(BUCKET, 'growing')).toEqual(before);
    summary.add('over-cap bodies refused');
  });

  it('keeps memory bounded while refusing many over-cap bodies', async () => {
    // One body buffer on the client side, so that what grows is the server's share alone.
    const body = new Uint8Array(CAP * 2);
    const start = process.memoryUsage();
    for (let i = 0; i < 8; i++) {
      const result = await send('PUT', `flood-${i}`, { body });
      expect(result.status).toBeGreaterThanOrEqual(400);
      summary.add('over-cap bodies refused');
    }
    globalThis.gc?.();
    const end = process.memoryUsage();
    // 128 MiB were sent in all; the refused bodies must not pile up in the server.
    expect(end.arrayBuffers - start.arrayBuffers).toBeLessThan(64 * MiB);
    await expectAlive();
  });
});

describe('oversized headers', () => {
  it('answers more than 8 KiB of user metadata with a clear error and stores nothing', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 12; i++) headers[`x-oss-meta-field${i}`] = 'm'.repeat(1000);
    const result = await send('PUT', 'meta-heavy', { headers, body: new Uint8Array([1]) });
    expect(result.status, result.text).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(mock.store.head(BUCKET, 'meta-heavy')).toBeUndefined();
    summary.add('oversized headers refused');
    await expectAlive();
  });

  it('survives a header far past any limit', async () => {
    let status = 0;
    try {
      const response = await request(`${origin}/${BUCKET}/huge`, {
        method: 'PUT',
        headers: { 'x-oss-meta-huge': 'h'.repeat(256 * 1024) },
        body: 'x',
      });
      status = response.statusCode;
      await response.body.dump();
    } catch {
      status = -1; // the connection was closed: also a refusal
    }
    expect(status === -1 || (status >= 400 && status < 500)).toBe(true);
    expect(mock.store.head(BUCKET, 'huge')).toBeUndefined();
    summary.add('oversized headers refused');
    await expectAlive();
  });
});

describe('DeleteMultipleObjects', () => {
  it(
    'refuses 10 000 keys in one request ' + '(the service allows 1000) and deletes nothing',
    async () => {
      for (let i = 0; i < 5; i++) {
        expect((await send('PUT', `keep-${i}`, { body: new Uint8Array([i]) })).status).toBe(200);
      }
      const objects = Array.from(
        { length: 10_000 },
        (_, i) => `<Object><Key>keep-${i}</Key></Object>`,
      );
      const xml =
        '<?xml version="1.0" encoding="UTF-8"?>' +
        `<Delete><Quiet>true</Quiet>${objects.join('')}</Delete>`;
      const body = new TextEncoder().encode(xml);
      const result = await send('POST', '', {
        query: { delete: '' },
        headers: { 'content-md5': contentMd5(body), 'content-type': 'application/xml' },
        body,
      });
      expect(result.status, result.text).toBe(400);
      expect(result.code).toBe('MalformedXML');
      for (let i = 0; i < 5; i++) expect(mock.store.head(BUCKET, `keep-${i}`)).toBeDefined();
      summary.add('oversized deletes refused');
      await expectAlive();
    },
  );
});
