/**
 * The embedded mock OSS + STS (@oss-media/mock-oss) on a local port.
 */
import { listenApp } from './app-server.js';
import { loadPackage } from './deps.js';

/** The parts of the mock's `MockOss` used here. */
export interface MockOss {
  handle(request: Request): Promise<Response>;
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  readonly clock: { now(): number; advance(ms: number): void };
  readonly stsEndpointPath: string;
  readonly faults: {
    add(spec: {
      operation?: string;
      key?: string;
      times?: number;
      action: { type: 'error'; code: string; status?: number } | { type: 'drop-response' };
    }): number;
  };
  readonly roleArns: string[];
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

interface MockModule {
  createMockOss(options: Record<string, unknown>): MockOss;
  listen?: NodeListen;
}

/** A listening mock. */
export interface ListeningMock {
  mock: MockOss;
  url: string;
  stsUrl: string;
  close(): Promise<void>;
}

/** Options the mock is created with. */
export interface MockOptions {
  host?: string;
  port?: number;
  accessKeyId?: string;
  accessKeySecret?: string;
  region?: string;
  buckets?: string[];
  noAuth?: boolean;
  /** Answer CORS for every origin on buckets without CORS rules (a browser page plays HLS). */
  corsAllowAll?: boolean;
  /** One line per request (for `serve` without --quiet). */
  log?: (line: string) => void;
}

type NodeListen = (
  mock: MockOss,
  options: { host?: string; port?: number },
) => Promise<{ url: string; close(): Promise<void> }>;

/**
 * Creates and starts the mock on `host:port` (127.0.0.1 and any free port by default). Uses
 * the mock's own Node listener when its node entry has one, else serves its fetch-style handler
 * on node:http.
 */
export async function startMock(options: MockOptions = {}): Promise<ListeningMock> {
  const { log } = options;
  // Loaded by name, so the command line runs (and says what is missing) without the mock built.
  const module = await loadPackage<MockModule>('@oss-media/mock-oss', ['createMockOss']);
  const mock = module.createMockOss({
    ...(options.accessKeyId === undefined ? {} : { accessKeyId: options.accessKeyId }),
    ...(options.accessKeySecret === undefined ? {} : { accessKeySecret: options.accessKeySecret }),
    ...(options.region === undefined ? {} : { region: options.region }),
    buckets: options.buckets ?? [],
    noAuth: options.noAuth ?? false,
    cors: options.corsAllowAll ? 'allow-all' : 'bucket',
    ...(log === undefined
      ? {}
      : {
          onRequest: (entry: unknown) => {
            const e = entry as Record<string, unknown>;
            log(`${e.method} ${e.path ?? e.url ?? ''} ${e.status ?? ''} ${e.operation ?? ''}`);
          },
        }),
  });
  await mock.ready;

  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const nodeListen = module.listen;
  const server =
    typeof nodeListen === 'function'
      ? await nodeListen(mock, { host, port })
      : await listenApp((request) => mock.handle(request), { host, port });

  const url = server.url.replace(/\/+$/, '');
  return {
    mock,
    url,
    stsUrl: `${url}${mock.stsEndpointPath}`,
    close: async () => {
      await server.close();
      await mock.close();
    },
  };
}
