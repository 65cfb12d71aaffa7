import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Accounts } from '../../src/accounts.js';
import { handleStsRequest, isStsRequest, type StsRequest } from '../../src/sts/handler.js';

/**
 * A bare node:http server that answers STS requests with `handleStsRequest` and records what
 * arrived, so tests can look at the exact shape each official client sends.
 */
export interface StsLoopback {
  url: string;
  port: number;
  /** What each request looked like, in order. */
  seen: StsRequest[];
  /** The clock the handler sees; the machine clock unless a test moves it. */
  now: () => number;
  setNow(now: () => number): void;
  close(): Promise<void>;
}

export async function startStsLoopback(accounts: Accounts): Promise<StsLoopback> {
  const seen: StsRequest[] = [];
  let now = () => Date.now();

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: StsRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
    };
    seen.push(request);
    if (!isStsRequest(request)) {
      res.writeHead(404).end('not an STS request');
      return;
    }
    const answer = handleStsRequest(request, {
      now: now(),
      accounts,
      noAuth: false,
      nonces: accounts.nonces,
    });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    now: () => now(),
    setNow(next) {
      now = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array);
  return new Uint8Array(Buffer.concat(chunks));
}
