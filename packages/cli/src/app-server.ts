import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CliError, describeError } from './errors.js';
import {
  groupVideos,
  playlistEnded,
  presignPlaylist,
  type StoredObject,
  type VideoEntry,
} from './videos.js';

/**
 * What the application server does against OSS with its own permanent keys. The page never
 * sees these keys: it gets lists, presigned URLs and deletions through the server.
 */
export interface VideoStore {
  list(prefix: string): AsyncIterable<StoredObject>;
  readText(key: string): Promise<string>;
  remove(key: string): Promise<void>;
  /** A presigned GET URL valid for `expiresSeconds`. */
  presign(key: string, expiresSeconds: number): Promise<string>;
}

/** Temporary credentials as handed to a camera. */
export interface IssuedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  expiration: Date;
}

/** What a camera may do, decided by the server from the camera's identity. */
export interface CameraGrant {
  bucket: string;
  path: string;
  mode: string;
  durationSeconds: number;
  sessionName: string;
}

/**
 * Answers a camera's token request (a fetch-style handler). Built from @oss-media/sts's
 * token-vending handler by the caller, so this file stays independent of how tokens are minted.
 */
export type TokenHandler = (request: Request) => Promise<Response>;

/** Options of {@link createAppHandler}. */
export interface AppServerOptions {
  bucket: string;
  store: VideoStore;
  /** Camera id → its bearer secret. */
  cameras: ReadonlyMap<string, string>;
  /** The token-vending endpoint; see {@link cameraAuthenticator}. Absent: 503 with a reason. */
  tokenHandler?: TokenHandler;
  /** Where the cameras' videos live; each camera gets `<prefix><camera>/`. */
  prefix?: string;
  /** Lifetime of presigned playback URLs. */
  presignSeconds?: number;
  /** An appendable object written to within this window is shown as growing. */
  growingWindowMs?: number;
  now?: () => number;
}

const WEB_DIR = new URL('../web/', import.meta.url);
const require = createRequire(import.meta.url);

const STATIC_FILES: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => new URL('index.html', WEB_DIR).pathname, type: 'text/html; charset=utf-8' },
  '/app.js': { file: () => new URL('app.js', WEB_DIR).pathname, type: 'text/javascript' },
  '/style.css': { file: () => new URL('style.css', WEB_DIR).pathname, type: 'text/css' },
  '/vendor/hls.min.js': {
    file: () => require.resolve('hls.js/dist/hls.min.js'),
    type: 'text/javascript',
  },
};

/**
 * The grant of a camera: append only (PutObject, which covers AppendObject) on its own folder —
 * no read, no delete, no listing. The media client copes without HEAD: it learns an object's
 * length and CRC-64 from zero-byte appends, which is also how it settles a lost append.
 */
export const CAMERA_MODE = 'a';

/**
 * The token-vending authentication: a camera sends `Authorization: Bearer <its secret>` and is
 * granted {@link CAMERA_MODE} on its own folder `<prefix><camera>/`, for a short time.
 */
export function cameraAuthenticator(options: {
  bucket: string;
  cameras: ReadonlyMap<string, string>;
  prefix?: string;
  durationSeconds: number;
  mode?: string;
}): (request: Request) => Promise<CameraGrant | null> {
  const prefix = options.prefix ?? 'videos/';
  const mode = options.mode ?? CAMERA_MODE;
  return async (request) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null) return null;
    const camera = findCamera(options.cameras, match[1]!);
    if (camera === undefined) return null;
    return {
      bucket: options.bucket,
      path: `${prefix}${camera}/`,
      mode,
      durationSeconds: options.durationSeconds,
      sessionName: `camera-${camera}`.slice(0, 64),
    };
  };
}

function findCamera(cameras: ReadonlyMap<string, string>, secret: string): string | undefined {
  const offered = Buffer.from(secret);
  let found: string | undefined;
  // Compare against every camera in constant time, so timing does not reveal a near match.
  for (const [camera, expected] of cameras) {
    const wanted = Buffer.from(expected);
    if (wanted.length === offered.length && timingSafeEqual(wanted, offered)) found = camera;
  }
  return found;
}

/**
 * The application server as a fetch-style handler: the page, its JSON API and the cameras'
 * token endpoint.
 *
 * Routes: `GET /` (the page), `GET /api/videos`, `GET /api/play?key=`, `GET /api/hls?key=`
 * (a playlist with presigned segment URLs), `DELETE /api/videos?key=`, `POST /api/token`.
 */
export function createAppHandler(
  options: AppServerOptions,
): (request: Request) => Promise<Response> {
  const prefix = options.prefix ?? 'videos/';
  const presignSeconds = options.presignSeconds ?? 3600;
  const now = options.now ?? Date.now;

  const ownKey = (url: URL): string => {
    const key = url.searchParams.get('key') ?? '';
    if (!key.startsWith(prefix) || key.includes('..')) {
      throw new CliError('InvalidKey', `key must be under ${prefix}`, { exitCode: 400 });
    }
    return key;
  };

  async function listVideos(): Promise<VideoEntry[]> {
    const objects: StoredObject[] = [];
    for await (const object of options.store.list(prefix)) objects.push(object);
    const liveKeys = new Set<string>();
    for (const playlist of objects.filter((o) => o.key.endsWith('.m3u8'))) {
      const text = await options.store.readText(playlist.key).catch(() => '#EXT-X-ENDLIST');
      if (!playlistEnded(text)) liveKeys.add(playlist.key);
    }
    return groupVideos(objects, {
      prefix,
      now: now(),
      growingWindowMs: options.growingWindowMs ?? 10_000,
      liveKeys,
    });
  }

  async function remove(key: string): Promise<number> {
    if (!key.endsWith('.m3u8')) {
      await options.store.remove(key);
      return 1;
    }
    // An HLS rendition is its folder: the playlist and every segment and key beside it.
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    let removed = 0;
    for await (const object of options.store.list(folder)) {
      await options.store.remove(object.key);
      removed += 1;
    }
    return removed;
  }

  async function route(request: Request, url: URL): Promise<Response> {
    const staticFile = STATIC_FILES[url.pathname];
    if (staticFile !== undefined && request.method === 'GET') {
      const body = await readFile(staticFile.file());
      return new Response(body, {
        headers: { 'content-type': staticFile.type, 'cache-control': 'no-cache' },
      });
    }

    switch (`${request.method} ${url.pathname}`) {
      case 'GET /api/videos':
        return json({ bucket: options.bucket, prefix, videos: await listVideos() });
      case 'GET /api/play': {
        const key = ownKey(url);
        if (key.endsWith('.m3u8')) {
          return json({ kind: 'hls', url: `/api/hls?key=${encodeURIComponent(key)}` });
        }
        return json({ kind: 'file', url: await options.store.presign(key, presignSeconds) });
      }
      case 'GET /api/hls': {
        const key = ownKey(url);
        const text = await options.store.readText(key);
        const body = await presignPlaylist(text, key, (k) =>
          options.store.presign(k, presignSeconds),
        );
        return new Response(body, {
          headers: {
            'content-type': 'application/vnd.apple.mpegurl',
            'cache-control': 'no-store',
          },
        });
      }
      case 'DELETE /api/videos':
        return json({ deleted: await remove(ownKey(url)) });
      case 'POST /api/token':
        if (options.tokenHandler === undefined) {
          return json(
            { code: 'Unavailable', message: 'token vending is not available (no STS support)' },
            503,
          );
        }
        return options.tokenHandler(request);
      default:
        return json(
          { code: 'NotFound', message: `no route ${request.method} ${url.pathname}` },
          404,
        );
    }
  }

  return async (request) => {
    const url = new URL(request.url);
    try {
      return await route(request, url);
    } catch (error) {
      const status = errorStatus(error);
      return json({ code: errorCode(error), message: describeError(error) }, status);
    }
  };
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'InternalError';
}

function errorStatus(error: unknown): number {
  if (error instanceof CliError && error.exitCode >= 400) return error.exitCode;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  return errorCode(error) === 'NoSuchKey' ? 404 : 502;
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** A running application server. */
export interface RunningAppServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a fetch-style handler on node:http.
 *
 * @example
 * const app = await listenApp(createAppHandler(options), { port: 0 });
 * console.log(app.url);
 */
export async function listenApp(
  handler: (request: Request) => Promise<Response>,
  options: { host?: string; port?: number } = {},
): Promise<RunningAppServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serveNode(handler, req, res, host).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serveNode(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && chunks.length > 0;
  const request = new Request(`http://${req.headers.host ?? host}${req.url ?? '/'}`, {
    method,
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });

  const response = await handler(request);
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(Buffer.from(await response.arrayBuffer()));
}
