/**
 * What the Node listener does with bytes that are not a request Node's HTTP parser accepts, and
 * with raw request targets that a WHATWG URL would rewrite.
 */
import { connect } from 'node:net';
import { type Credentials, signRequestV1 } from '@oss-media/oss-sign';
import { assumeRole, buildPolicy } from '@oss-media/sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockOss, type Listening } from '../src/node.js';

const mock = createMockOss({ buckets: ['media'] });
let server: Listening;

beforeAll(async () => {
  server = await mock.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `bytes` to a fresh connection and reads until the server closes it. */
function exchange(bytes: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: text.slice(split + 4),
      });
    });
    socket.write(bytes);
  });
}

function expectServiceError(answer: RawAnswer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/xml');
  expect(answer.headers.connection).toBe('close');
  expect(answer.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  expect(answer.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error>/);
  expect(answer.body).toContain(`<Code>${code}</Code>`);
  expect(answer.body).toContain(`<RequestId>${answer.headers['x-oss-request-id']}</RequestId>`);
  expect(answer.body).toMatch(/<Message>[^<]+<\/Message>/);
  expect(answer.body).toContain('<HostId>oss-cn-hangzhou.aliyuncs.com</HostId>');
}

describe('requests the HTTP parser refuses', () => {
  it('a lower-case method answers 400 InvalidArgument in the service XML', async () => {
    const answer = await exchange('get /media/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expectServiceError(answer, 400, 'InvalidArgument');
  });

  it('a refusal is in the request log with its request id', async () => {
    const answer = await exchange('get /media/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const entry = mock.requests.last();
    expect(entry?.operation).toBe('Unparsable');
    expect(entry?.requestId).toBe(answer.headers['x-oss-request-id']);
    expect(entry?.status).toBe(400);
    expect(entry?.errorCode).toBe('InvalidArgument');
  });

  it('a malformed request line answers 400 InvalidArgument', async () => {
    const answer = await exchange('GET /media/a HTTP/9\r\nHost: 127.0.0.1\r\n\r\n');
    expectServiceError(answer, 400, 'InvalidArgument');
  });

  it('a header without a colon answers 400 InvalidArgument', async () => {
    const answer = await exchange('GET /media/a HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n');
    expectServiceError(answer, 400, 'InvalidArgument');
  });

  it('a head over the listener limit answers 431 RequestHeaderFieldsTooLarge', async () => {
    const big = `x-oss-meta-huge: ${'h'.repeat(70 * 1024)}\r\n`;
    const answer = await exchange(`PUT /media/a HTTP/1.1\r\nHost: 127.0.0.1\r\n${big}\r\n`);
    expectServiceError(answer, 431, 'RequestHeaderFieldsTooLarge');
  });

  it('a bad request pipelined behind a slow one is answered after it, in order', async () => {
    const fault = mock.faults.add({
      operation: 'ListBuckets',
      action: { type: 'latency', ms: 100 },
    });
    try {
      const headers = signRequestV1({ method: 'GET', headers: {} }, mock.credentials, {
        date: new Date(mock.clock.now()),
      });
      const lines = ['GET / HTTP/1.1', 'Host: 127.0.0.1'];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      const first = `${lines.join('\r\n')}\r\n\r\n`;
      const answer = await exchange(`${first}get / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<ListAllMyBucketsResult>');
      const second = answer.body.slice(answer.body.indexOf('HTTP/1.1 '));
      expect(second).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(second).toContain('<Code>InvalidArgument</Code>');
    } finally {
      mock.faults.remove(fault);
    }
  });

  it('every refusal gets its own request id, and the server keeps serving', async () => {
    const first = await exchange('get / HTTP/1.1\r\n\r\n');
    const second = await exchange('get / HTTP/1.1\r\n\r\n');
    expect(first.headers['x-oss-request-id']).not.toBe(second.headers['x-oss-request-id']);
    const info = await fetch(`${server.url}/_mock/info`);
    expect(info.status).toBe(200);
  });
});

/** A V1-signed PUT of one byte to `rawPath` exactly as written, for the literal `key`. */
function rawPut(rawPath: string, key: string, credentials: Credentials): Promise<RawAnswer> {
  const headers = signRequestV1(
    { method: 'PUT', bucket: 'media', key, headers: { 'content-type': 'video/mp2t' } },
    credentials,
    { date: new Date(mock.clock.now()) },
  );
  const lines = [`PUT ${rawPath} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('Content-Length: 1');
  return exchange(`${lines.join('\r\n')}\r\n\r\nB`);
}

describe('dot segments in a raw request target', () => {
  const victim = 'videos/cam-43/x';
  const dotted: Array<[string, string]> = [
    ['/media/videos/cam-42/../cam-43/x', 'videos/cam-42/../cam-43/x'],
    ['/media/videos/cam-42/%2E%2E/cam-43/x', 'videos/cam-42/../cam-43/x'],
    ['/media/videos/cam-42/%2e%2e/%2e%2e/cam-43/x', 'videos/cam-42/../../cam-43/x'],
    ['/media/videos/./cam-43/x', 'videos/./cam-43/x'],
  ];

  beforeAll(async () => {
    await mock.store.clear();
    await mock.createBucket('media');
    const put = await rawPut(`/media/${victim}`, victim, mock.credentials);
    expect(put.status).toBe(200);
  });

  for (const [rawPath, key] of dotted) {
    it(`${rawPath} is the literal key ${key}`, async () => {
      const before = mock.store.head('media', victim);
      const answer = await rawPut(rawPath, key, mock.credentials);
      expect(answer.status, answer.body).toBe(200);
      expect(mock.requests.last()?.key).toBe(key);
      expect(mock.store.head('media', key)?.size).toBe(1);
      expect(mock.store.head('media', victim)).toEqual(before);
    });
  }

  it('a token for videos/cam-42/* may not write a dot-dot key under that prefix', async () => {
    const token = await assumeRole({
      credentials: mock.credentials,
      roleArn: mock.roleArns[0] as string,
      roleSessionName: 'cam-42',
      policy: buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' }),
      durationSeconds: 900,
      endpoint: server.stsUrl,
      now: () => new Date(mock.clock.now()),
    });
    const key = 'videos/cam-42/../cam-43/y';
    const answer = await rawPut('/media/videos/cam-42/../cam-43/y', key, token);
    expect(answer.status, answer.body).toBe(403);
    expect(answer.body).toContain('<Code>AccessDenied</Code>');
    expect(mock.requests.last()?.key).toBe(key);
    expect(mock.store.head('media', key)).toBeUndefined();
    expect(mock.store.head('media', 'videos/cam-43/y')).toBeUndefined();
  });

  it('handle() sees the path a WHATWG Request normalised: the documented limit', async () => {
    const request = new Request('http://127.0.0.1/media/videos/cam-42/%2E%2E/cam-43/x');
    expect(new URL(request.url).pathname).toBe('/media/videos/cam-43/x');
    await mock.handle(request);
    expect(mock.requests.last()?.key).toBe('videos/cam-43/x');
  });

  it('dispatch() keeps dot segments of the path it is given', async () => {
    const response = await mock.dispatch({
      method: 'GET',
      path: '/media/videos/cam-42/%2E%2E/cam-43/x',
      rawQuery: '',
      headers: { host: '127.0.0.1' },
      body: (async function* () {})(),
    });
    expect(response.status).toBe(403);
    expect(mock.requests.last()?.key).toBe('videos/cam-42/../cam-43/x');
  });
});

describe('bodyless answers over the listener', () => {
  it('GET ?objectMeta completes with an empty body instead of announcing the size', async () => {
    await mock.createBucket('media');
    const key = 'meta-probe.ts';
    const put = await rawPut(`/media/${key}`, key, mock.credentials);
    expect(put.status).toBe(200);
    for (const method of ['GET', 'HEAD']) {
      const headers = signRequestV1(
        { method, bucket: 'media', key, query: { objectMeta: '' } },
        mock.credentials,
        { date: new Date(mock.clock.now()) },
      );
      const lines = [`${method} /media/${key}?objectMeta HTTP/1.1`, 'Host: 127.0.0.1'];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      lines.push('Connection: close');
      const answer = await exchange(`${lines.join('\r\n')}\r\n\r\n`);
      expect(answer.status, answer.body).toBe(200);
      expect(answer.body).toBe('');
      expect(answer.headers['content-length']).toBe(method === 'HEAD' ? '1' : '0');
      expect(answer.headers.etag).toMatch(/^"[0-9A-F]{32}"$/);
    }
  });
});
