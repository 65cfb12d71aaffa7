import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MockRequest, MockResponse } from './http.js';
import type { MockOss, UnparsableReason } from './mock.js';

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

/** A listening server. */
export interface Listening {
  /** The OSS endpoint, e.g. `http://127.0.0.1:9000`. */
  url: string;
  /** The STS endpoint, `<url>/sts`. */
  stsUrl: string;
  port: number;
  server: Server;
  /** Stops accepting, closes open connections, and resolves when the socket is closed. */
  close(): Promise<void>;
}

/**
 * Serves a mock over node:http. Request bodies stream into the pipeline (the listener never
 * buffers them) and response bodies stream out with backpressure.
 *
 * @example
 * const oss = createMockOss({ buckets: ['media'] });
 * const { url, close } = await listen(oss, { port: 0 });
 */
export async function listen(mock: MockOss, options: ListenOptions = {}): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) => {
    serve(mock, req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      socket.end(unparsableAnswer(mock, error.code));
    };
    // A request earlier on this connection may still be answering: its response goes first.
    const pending = pendingResponse(socket);
    if (pending) pending.once('finish', answer).once('close', answer);
    else answer();
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  return {
    url,
    stsUrl: `${url}${mock.stsEndpointPath}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The listener's header limit: larger request heads answer 431. */
export const MAX_HEADER_SIZE = 64 * 1024;

/**
 * A whole HTTP/1.1 response, written straight to the socket, for a request the HTTP parser
 * refused before the mock saw it (a lower-case method, a malformed request line, a head over
 * {@link MAX_HEADER_SIZE}); the connection closes after it, since the rest of the stream cannot
 * be trusted to start at a request.
 */
function unparsableAnswer(mock: MockOss, parserCode: string | undefined): Buffer {
  const reason: UnparsableReason =
    parserCode === 'HPE_HEADER_OVERFLOW'
      ? 'header-overflow'
      : parserCode === 'HPE_REQUEST_TIMEOUT' || parserCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'timeout'
        : 'malformed';
  const response = mock.refuseUnparsable(reason);
  const body = response.body as Uint8Array;
  const headers: Record<string, string> = { ...response.headers, connection: 'close' };
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Bad Request'}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** The response node:http is still writing on this socket, if any. */
function pendingResponse(socket: Duplex): ServerResponse | undefined {
  const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  return current && !current.writableFinished ? current : undefined;
}

function toMockRequest(req: IncomingMessage): MockRequest {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  const target = req.url ?? '/';
  const mark = target.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: mark < 0 ? target : target.slice(0, mark),
    rawQuery: mark < 0 ? '' : target.slice(mark + 1),
    headers,
    body: bodyOf(req),
  };
}

/**
 * The request body as an async iterable fed by 'data' events. Readable's own async iterator
 * costs measurably more per chunk on large appends; this one queues a few chunks and pauses the
 * socket beyond that, so memory stays bounded. Listening starts only when iteration does, so a
 * body nobody reads is drained by the caller.
 */
function bodyOf(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      const queue: Buffer[] = [];
      let ended = false;
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const notify = () => {
        const resolve = wake;
        wake = undefined;
        resolve?.();
      };
      req.on('data', (chunk: Buffer) => {
        queue.push(chunk);
        if (queue.length >= 16) req.pause();
        notify();
      });
      req.on('end', () => {
        ended = true;
        notify();
      });
      req.on('error', (error) => {
        failure = error;
        notify();
      });
      req.on('close', () => {
        if (!ended) failure ??= new Error('the request was aborted before its body ended');
        notify();
      });
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          while (true) {
            const chunk = queue.shift();
            if (chunk !== undefined) {
              if (queue.length < 4 && req.isPaused()) req.resume();
              return { value: chunk, done: false };
            }
            if (failure) throw failure;
            if (ended) return { value: undefined, done: true };
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          return { value: undefined, done: true };
        },
      };
    },
  };
}

async function serve(mock: MockOss, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const response = await mock.dispatch(toMockRequest(req));
  if (response.fate === 'drop') {
    req.socket.destroy();
    return;
  }
  // A body the operation did not read (an early error) is drained so keep-alive can continue.
  if (!req.complete) req.resume();

  res.writeHead(response.status, response.headers);
  if (req.method === 'HEAD' || response.body === undefined) {
    res.end();
    return;
  }
  if (response.fate === 'cut-mid-body') {
    await writeHalf(res, response);
    return;
  }
  const body = response.body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    res.end(body);
    return;
  }
  // One chunk (a small object): a single end() call, headers and body in one write.
  if (Array.isArray(body) && body.length === 1) {
    res.end(body[0]);
    return;
  }
  for await (const chunk of body) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await waitForDrain(res);
  }
  res.end();
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function writeHalf(res: ServerResponse, response: MockResponse): Promise<void> {
  const total = Number(response.headers['content-length'] ?? 0);
  let budget = Math.floor(total / 2);
  const body = response.body;
  const chunks =
    typeof body === 'string'
      ? [Buffer.from(body)]
      : body instanceof Uint8Array
        ? [body]
        : (body ?? []);
  for await (const chunk of chunks) {
    if (budget <= 0) break;
    const part = chunk.subarray(0, Math.min(budget, chunk.byteLength));
    budget -= part.byteLength;
    if (!res.write(part)) await waitForDrain(res);
  }
  // Give the partial body a moment to reach the socket before resetting it.
  await new Promise((resolve) => setTimeout(resolve, 10));
  res.socket?.destroy();
}
