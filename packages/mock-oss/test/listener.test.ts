/**
 * What the Node listener does with bytes that are not a request Node's HTTP parser accepts, and
 * with raw request targets that a WHATWG URL would rewrite.
 */
import { connect } from 'node:net';
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

  it('every refusal gets its own request id, and the server keeps serving', async () => {
    const first = await exchange('get / HTTP/1.1\r\n\r\n');
    const second = await exchange('get / HTTP/1.1\r\n\r\n');
    expect(first.headers['x-oss-request-id']).not.toBe(second.headers['x-oss-request-id']);
    const info = await fetch(`${server.url}/_mock/info`);
    expect(info.status).toBe(200);
  });
});
