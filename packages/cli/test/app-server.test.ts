import { assumeRole, createTokenVendingHandler, fetchVendedCredentials } from '@oss-media/sts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CAMERA_MODE,
  cameraAuthenticator,
  createAppHandler,
  listenApp,
  type RunningAppServer,
  type VideoStore,
} from '../src/app-server.js';
import { connectOss } from '../src/media-client-adapter.js';
import type { ListeningMock } from '../src/mock-adapter.js';
import type { OssOperations } from '../src/oss.js';
import { startMock } from './helpers.js';

/** A store kept in a Map, to test the routes without a server behind them. */
function memoryStore(now: number) {
  const objects = new Map<string, { text: string; objectType: string; at: number }>();
  const removed: string[] = [];
  const store: VideoStore = {
    async *list(prefix) {
      for (const [key, o] of [...objects].sort()) {
        if (!key.startsWith(prefix)) continue;
        yield { key, size: o.text.length, lastModified: new Date(o.at), objectType: o.objectType };
      }
    },
    async readText(key) {
      const object = objects.get(key);
      if (object === undefined)
        throw Object.assign(new Error('no such key'), { code: 'NoSuchKey' });
      return object.text;
    },
    async remove(key) {
      removed.push(key);
      objects.delete(key);
    },
    presign: async (key, expires) => `https://oss.example/${key}?Expires=${expires}&Signature=x`,
  };
  const put = (key: string, text: string, objectType = 'Normal', at = now - 60_000) =>
    objects.set(key, { text, objectType, at });
  return { store, put, removed, objects };
}

const NOW = Date.parse('2026-01-02T03:04:05Z');
const LIVE_PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nsegment-0.ts\n';
const VOD_PLAYLIST = `${LIVE_PLAYLIST}#EXTINF:4.0,\nsegment-1.ts\n#EXT-X-ENDLIST\n`;

describe('the page and its API (in process, no sockets)', () => {
  const memory = memoryStore(NOW);
  memory.put('videos/cam-1/a.mp4', 'x'.repeat(1000), 'Appendable', NOW - 2_000);
  memory.put('videos/cam-1/old.h264', 'x'.repeat(50), 'Appendable', NOW - 600_000);
  memory.put('videos/cam-2/live/index.m3u8', LIVE_PLAYLIST);
  memory.put('videos/cam-2/live/segment-0.ts', 'x'.repeat(188));
  memory.put('videos/cam-2/vod/index.m3u8', VOD_PLAYLIST);
  memory.put('videos/cam-2/vod/segment-0.ts', 'x'.repeat(376));
  memory.put('videos/cam-2/vod/segment-1.ts', 'x'.repeat(188));
  memory.put('private/secret.mp4', 'nope');

  const handle = createAppHandler({
    bucket: 'media',
    store: memory.store,
    cameras: new Map(),
    now: () => NOW,
  });
  const get = (path: string, init?: RequestInit) => handle(new Request(`http://app${path}`, init));

  test('GET / serves the page, which loads hls.js from the server itself', async () => {
    const response = await get('/');
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('<script src="/vendor/hls.min.js"></script>');
    expect(html).not.toMatch(/AccessKey|Secret/i);

    const hls = await get('/vendor/hls.min.js');
    expect(hls.status).toBe(200);
    expect((await hls.text()).length).toBeGreaterThan(100_000);
    expect((await get('/app.js')).status).toBe(200);
  });

  test(
    'GET /api/videos lists files and HLS renditions, newest first, ' + 'with their state',
    async () => {
      const body = await (await get('/api/videos')).json();
      expect(body.bucket).toBe('media');
      const byKey = Object.fromEntries(body.videos.map((v: { key: string }) => [v.key, v]));

      expect(Object.keys(byKey).sort()).toEqual([
        'videos/cam-1/a.mp4',
        'videos/cam-1/old.h264',
        'videos/cam-2/live/index.m3u8',
        'videos/cam-2/vod/index.m3u8',
      ]);
      expect(byKey['videos/cam-1/a.mp4']).toMatchObject({
        camera: 'cam-1',
        name: 'a.mp4',
        kind: 'file',
        type: 'video/mp4',
        size: 1000,
        growing: true,
        playable: true,
      });
      expect(byKey['videos/cam-1/old.h264']).toMatchObject({ growing: false, playable: false });
      expect(byKey['videos/cam-2/live/index.m3u8']).toMatchObject({
        kind: 'hls',
        name: 'live',
        growing: true,
        size: LIVE_PLAYLIST.length + 188,
      });
      expect(byKey['videos/cam-2/vod/index.m3u8']).toMatchObject({
        growing: false,
        size: VOD_PLAYLIST.length + 564,
      });
      expect(body.videos[0].key).toBe('videos/cam-1/a.mp4');
    },
  );

  test('GET /api/play gives a presigned URL for a file and the app playlist for HLS', async () => {
    const file = await (await get('/api/play?key=videos/cam-1/a.mp4')).json();
    expect(file).toEqual({
      kind: 'file',
      url: 'https://oss.example/videos/cam-1/a.mp4?Expires=3600&Signature=x',
    });
    const hls = await (await get('/api/play?key=videos%2Fcam-2%2Fvod%2Findex.m3u8')).json();
    expect(hls).toEqual({ kind: 'hls', url: '/api/hls?key=videos%2Fcam-2%2Fvod%2Findex.m3u8' });
  });

  test('GET /api/hls rewrites every segment to a presigned URL', async () => {
    const response = await get('/api/hls?key=videos/cam-2/vod/index.m3u8');
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const lines = (await response.text()).split('\n');
    expect(lines).toContain(
      'https://oss.example/videos/cam-2/vod/segment-0.ts?Expires=3600&Signature=x',
    );
    expect(lines).toContain(
      'https://oss.example/videos/cam-2/vod/segment-1.ts?Expires=3600&Signature=x',
    );
    expect(lines).toContain('#EXT-X-ENDLIST');
  });

  test('keys outside the videos prefix are refused', async () => {
    for (const path of [
      '/api/play?key=private/secret.mp4',
      '/api/play?key=videos/../private/secret.mp4',
    ]) {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect((await response.json()).code).toBe('InvalidKey');
    }
    const response = await get('/api/videos?key=private/secret.mp4', { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect(memory.objects.has('private/secret.mp4')).toBe(true);
  });

  test('DELETE removes a file, or an HLS rendition with all its segments', async () => {
    const one = await get('/api/videos?key=videos/cam-1/old.h264', { method: 'DELETE' });
    expect(await one.json()).toEqual({ deleted: 1 });

    const rendition = await get('/api/videos?key=videos/cam-2/vod/index.m3u8', {
      method: 'DELETE',
    });
    expect(await rendition.json()).toEqual({ deleted: 3 });
    expect([...memory.objects.keys()].filter((k) => k.includes('/vod/'))).toEqual([]);
  });

  test('a missing object is 404 with its code; unknown routes are 404', async () => {
    const missing = await get('/api/hls?key=videos/cam-9/none.m3u8');
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('NoSuchKey');
    expect((await get('/nope')).status).toBe(404);
  });

  test('without a token handler, POST /api/token says it is unavailable', async () => {
    const response = await get('/api/token', { method: 'POST' });
    expect(response.status).toBe(503);
  });
});

describe('token vending for cameras, against the mock STS', () => {
  let server: ListeningMock;
  let app: RunningAppServer;
  let admin: OssOperations;
  const cameras = new Map([
    ['cam-1', 'secret-of-cam-1'],
    ['cam-2', 'secret-of-cam-2'],
  ]);

  beforeAll(async () => {
    server = await startMock({ buckets: ['media'] });
    admin = await connectOss({ endpoint: server.url, auth: server.mock.credentials });
    const tokenHandler = createTokenVendingHandler({
      authenticate: cameraAuthenticator({ bucket: 'media', cameras, durationSeconds: 900 }),
      issue: (grant) =>
        assumeRole({
          credentials: server.mock.credentials,
          roleArn: server.mock.roleArns[0]!,
          roleSessionName: grant.sessionName,
          policy: grant.policy,
          durationSeconds: grant.durationSeconds,
          endpoint: server.stsUrl,
        }),
    });
    app = await listenApp(
      createAppHandler({ bucket: 'media', store: {} as VideoStore, cameras, tokenHandler }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await admin?.close();
    await server?.close();
  });

  const tokenFor = (secret: string) =>
    fetchVendedCredentials(`${app.url}/api/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
    });

  test('a camera without or with a wrong secret gets 401', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: 'Basic x' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${app.url}/api/token`, { method: 'POST', headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  test('a camera gets short-lived credentials for its own folder only', async () => {
    const token = await tokenFor('secret-of-cam-2');
    expect(token).toMatchObject({ bucket: 'media', path: 'videos/cam-2/', mode: CAMERA_MODE });
    const lifetime = token.expiration.getTime() - server.mock.clock.now();
    expect(lifetime).toBeGreaterThan(890_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);

    const camera = await connectOss({ endpoint: server.url, auth: token });
    const bytes = new TextEncoder().encode('frame');
    try {
      await camera.put('media', 'videos/cam-2/ok.ts', bytes);

      const denied = async (promise: Promise<unknown>) =>
        expect(promise).rejects.toMatchObject({ code: 'AccessDenied' });
      await denied(camera.put('media', 'videos/cam-1/intruder.ts', bytes));
      await denied(camera.remove('media', 'videos/cam-2/ok.ts'));
      await denied(camera.stat('media', 'videos/cam-1/anything.ts'));
      await denied(camera.stat('media', 'videos/cam-2/ok.ts'));
      const listing = camera.list('media', { prefix: 'videos/cam-2/' });
      await denied(listing[Symbol.asyncIterator]().next());
    } finally {
      await camera.close();
    }
    expect((await admin.stat('media', 'videos/cam-2/ok.ts')).size).toBe(5);
  });
});
