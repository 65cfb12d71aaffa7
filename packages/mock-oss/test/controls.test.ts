import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOss, type Listening, type NodeMockOss } from '../src/node.js';
import { newMock, ossRequest, send, xmlText } from './helpers.js';

describe('faults (in process)', () => {
  it(
    'an error fault answers the given code for the ' + 'next N matching requests, applying nothing',
    async () => {
      const mock = newMock();
      mock.faults.add({
        operation: 'PutObject',
        key: 'videos/*',
        times: 2,
        action: { type: 'error', code: 'ServiceUnavailable' },
      });
      for (let i = 0; i < 2; i++) {
        const res = await send(mock, {
          method: 'PUT',
          bucket: 'media',
          key: 'videos/a',
          body: 'x',
        });
        expect(res.status).toBe(503);
        expect(xmlText(await res.text(), 'Code')).toBe('ServiceUnavailable');
      }
      expect(mock.store.head('media', 'videos/a')).toBeUndefined();
      const other = await send(mock, {
        method: 'PUT',
        bucket: 'media',
        key: 'photos/a',
        body: 'x',
      });
      expect(other.status).toBe(200);
      expect(
        (await send(mock, { method: 'PUT', bucket: 'media', key: 'videos/a', body: 'x' })).status,
      ).toBe(200);
      expect(mock.faults.list()).toEqual([]);
    },
  );

  it('an error fault may set its own status', async () => {
    const mock = newMock();
    mock.faults.add({ action: { type: 'error', code: 'SlowDown', status: 429 }, times: 1 });
    expect((await send(mock, { bucket: 'media', key: 'k' })).status).toBe(429);
  });

  it('drop-response applies the append, then the caller sees a network error', async () => {
    const mock = newMock();
    mock.faults.add({ operation: 'AppendObject', times: 1, action: { type: 'drop-response' } });
    const request = ossRequest(mock, {
      method: 'POST',
      bucket: 'media',
      key: 'live.ts',
      query: { append: '', position: '0' },
      body: 'abc',
    });
    await expect(mock.handle(request)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(mock.store.head('media', 'live.ts')?.size).toBe(3);
    const retry = await send(mock, {
      method: 'POST',
      bucket: 'media',
      key: 'live.ts',
      query: { append: '', position: '0' },
      body: 'abc',
    });
    expect(retry.status).toBe(409);
    expect(retry.headers.get('x-oss-next-append-position')).toBe('3');
  });

  it('latency delays the answer', async () => {
    const mock = newMock();
    mock.faults.add({ operation: 'GetObject', times: 1, action: { type: 'latency', ms: 150 } });
    const started = Date.now();
    await send(mock, { bucket: 'media', key: 'k' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('probability 0 never fires, probability 1 always does', async () => {
    const mock = newMock();
    mock.faults.add({ probability: 0, action: { type: 'error', code: 'InternalError' } });
    expect((await send(mock, { bucket: 'media', key: 'k' })).status).toBe(404);
    mock.faults.clear();
    mock.faults.add({ probability: 1, action: { type: 'error', code: 'InternalError' } });
    expect((await send(mock, { bucket: 'media', key: 'k' })).status).toBe(500);
  });

  it('close-mid-body delivers part of a GET body and then fails the stream', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'big', body: 'x'.repeat(1000) });
    mock.faults.add({ operation: 'GetObject', times: 1, action: { type: 'close-mid-body' } });
    const res = await send(mock, { bucket: 'media', key: 'big' });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('refuses malformed fault specs', () => {
    const mock = newMock();
    expect(() => mock.faults.add({ action: { type: 'explode' } } as never)).toThrow(TypeError);
    expect(() => mock.faults.add({ probability: 2, action: { type: 'drop-response' } })).toThrow(
      TypeError,
    );
  });
});

describe('clock, reset and the request log', () => {
  it('logs method, path, headers, operation, bucket, key, status and error code', async () => {
    const mock = newMock();
    await send(mock, {
      method: 'POST',
      bucket: 'media',
      key: 'a.ts',
      query: { append: '', position: '5' },
      body: 'x',
    });
    const entry = mock.requests.last();
    expect(entry).toMatchObject({
      method: 'POST',
      path: '/media/a.ts?append&position=5',
      operation: 'AppendObject',
      bucket: 'media',
      key: 'a.ts',
      status: 409,
      errorCode: 'PositionNotEqualToLength',
    });
    expect(entry?.headers.authorization).toMatch(/^OSS /);
  });

  it('the clock drives signature skew: 16 minutes ahead is RequestTimeTooSkewed', async () => {
    const mock = newMock();
    const request = ossRequest(mock, { bucket: 'media', key: 'k' });
    mock.clock.advance(16 * 60_000);
    const res = await mock.handle(request);
    expect(res.status).toBe(403);
    expect(xmlText(await res.text(), 'Code')).toBe('RequestTimeTooSkewed');
  });

  it('reset forgets objects, faults and the log, and recreates the start buckets', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'k', body: 'x' });
    await send(mock, { method: 'PUT', bucket: 'extra-bucket' });
    mock.faults.add({ action: { type: 'latency', ms: 1 } });
    mock.clock.advance(60_000);
    await mock.reset();
    expect(mock.store.getBucket('media')).toBeDefined();
    expect(mock.store.getBucket('extra-bucket')).toBeUndefined();
    expect(mock.store.head('media', 'k')).toBeUndefined();
    expect(mock.faults.list()).toEqual([]);
    expect(mock.requests.size).toBe(0);
    expect(Math.abs(mock.clock.now() - Date.now())).toBeLessThan(1000);
  });
});

describe('controls over HTTP under /_mock/ and the listener', () => {
  let mock: NodeMockOss;
  let server: Listening;
  beforeAll(async () => {
    mock = createMockOss({ buckets: ['media'], noAuth: true });
    server = await mock.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  const control = (path: string, init?: RequestInit) => fetch(`${server.url}/_mock/${path}`, init);

  it('sets and advances the clock', async () => {
    const set = await control('clock', {
      method: 'POST',
      body: JSON.stringify({ set: '2030-01-01T00:00:00Z' }),
    });
    expect((await set.json()).now.startsWith('2030-01-01T00:00:0')).toBe(true);
    const advanced = await (
      await control('clock', { method: 'POST', body: JSON.stringify({ advance: 86_400_000 }) })
    ).json();
    expect(advanced.now.startsWith('2030-01-02')).toBe(true);
  });

  it('adds faults, lists requests, resets', async () => {
    const add = await control('faults', {
      method: 'POST',
      body: JSON.stringify({
        operation: 'PutObject',
        keyRegex: '^x',
        times: 1,
        action: { type: 'error', code: 'InternalError' },
      }),
    });
    expect((await add.json()).id).toBeGreaterThan(0);
    const failed = await fetch(`${server.url}/media/x1`, {
      method: 'PUT',
      body: new Uint8Array([1]),
    });
    expect(failed.status).toBe(500);
    const ok = await fetch(`${server.url}/media/x1`, { method: 'PUT', body: new Uint8Array([1]) });
    expect(ok.status).toBe(200);
    const log = await (await control('requests?operation=PutObject')).json();
    expect(log.map((e: { status: number }) => e.status)).toEqual([500, 200]);
    expect((await control('reset', { method: 'POST' })).status).toBe(200);
    expect(await (await control('requests')).json()).toEqual([]);
  });

  it(
    'drop-response over the wire: ' + 'the write lands and the socket closes without an answer',
    async () => {
      await control('faults', {
        method: 'POST',
        body: JSON.stringify({
          operation: 'AppendObject',
          times: 1,
          action: { type: 'drop-response' },
        }),
      });
      const error = await fetch(`${server.url}/media/wire.ts?append&position=0`, {
        method: 'POST',
        body: new Uint8Array([1, 2, 3]),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(mock.store.head('media', 'wire.ts')?.size).toBe(3);
    },
  );

  it('close-mid-body over the wire cuts a GET', async () => {
    await fetch(`${server.url}/media/cut.bin`, { method: 'PUT', body: new Uint8Array(200_000) });
    mock.faults.add({ operation: 'GetObject', times: 1, action: { type: 'close-mid-body' } });
    const res = await fetch(`${server.url}/media/cut.bin`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('streams a large GET with backpressure and serves ranges', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const data = new Uint8Array(size).map((_, i) => i % 251);
    expect(
      (await fetch(`${server.url}/media/large.bin`, { method: 'PUT', body: data })).status,
    ).toBe(200);
    const got = new Uint8Array(await (await fetch(`${server.url}/media/large.bin`)).arrayBuffer());
    // Buffer comparison: a deep equality over megabytes is far too slow.
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
    const range = await fetch(`${server.url}/media/large.bin`, {
      headers: { range: 'bytes=1048570-1048580' },
    });
    expect(range.status).toBe(206);
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(data.subarray(1048570, 1048581));
  });

  it('a request with huge headers is answered, not crashed on', async () => {
    const res = await fetch(`${server.url}/media/h`, {
      headers: { 'x-oss-meta-big': 'a'.repeat(100_000) },
    }).catch((e: unknown) => e);
    if (res instanceof Response) expect([400, 431]).toContain(res.status);
    expect((await fetch(`${server.url}/_mock/info`)).status).toBe(200);
  });
});
