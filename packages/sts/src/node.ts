/// <reference types="node" />
/**
 * Node-only helpers for application servers: serve the fetch-style token-vending handler from
 * `node:http`. Import from `@oss-media/sts/node`; the main entry stays free of `node:` modules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /** Largest request body read; default 64 KiB (token requests are small). Larger → 413. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The request body, or null once it exceeds `limit` (the rest is left unread). */
function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const body = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(body);
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', reject);
  });
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

async function send(
  response: ServerResponse,
  answer: Response,
  extra: Record<string, string> = {},
): Promise<void> {
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = new Uint8Array(await answer.arrayBuffer());
  response.writeHead(answer.status, {
    ...headers,
    ...extra,
    'content-length': String(body.byteLength),
  });
  await new Promise<void>((resolve) => response.end(body, resolve));
}

/**
 * Adapts a `(Request) => Promise<Response>` handler, such as `createTokenVendingHandler`'s, to a
 * `node:http` request listener. The request URL is rebuilt from the Host header.
 *
 * @example
 * createServer(toNodeListener(createTokenVendingHandler({ authenticate, issue }))).listen(8080);
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
  o: NodeListenerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const limit = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  return (request, response) => {
    const serve = async () => {
      const method = request.method ?? 'GET';
      const url = `http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`;
      let body: Uint8Array | null | undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        body = await readBody(request, limit);
        if (body === null) {
          const tooLarge = Response.json({ code: 'EntityTooLarge' }, { status: 413 });
          // The unread rest of the body makes the connection unusable: close it once answered.
          await send(response, tooLarge, { connection: 'close' });
          request.destroy();
          return;
        }
      }
      const answer = await handler(
        new Request(url, {
          method,
          headers: toHeaders(request),
          body: body as BodyInit | undefined,
        }),
      );
      await send(response, answer);
    };

    serve().catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"code":"InternalError"}');
    });
  };
}
