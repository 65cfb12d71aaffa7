/**
 * Live HLS into the mock OSS through media-client, over HTTP on 127.0.0.1: a 60-second stream
 * in 4-second segments with a window of 5, the stream's seconds ticking on the mock's clock.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient, type OssClient } from '@oss-media/media-client';
import { createMockOss, type NodeMockOss } from '@oss-media/mock-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlsWriter, MediaClientStore } from '../src/index.js';
import { makeAdts, makeH264 } from './helpers/streams.js';
import { ffprobeAsync, missing, requireOrSkip } from './helpers/tools.js';

const SECONDS = 60;
const BUCKET = 'media';

/** `bytes` cut before each access unit delimiter: one chunk per picture. */
function pictures(bytes: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = 0; i + 4 < bytes.length; i++) {
    if (
      bytes[i] === 0 &&
      bytes[i + 1] === 0 &&
      bytes[i + 2] === 0 &&
      bytes[i + 3] === 1 &&
      bytes[i + 4] === 9
    ) {
      starts.push(i);
    }
  }
  return starts.map((start, n) => bytes.subarray(start, starts[n + 1] ?? bytes.length));
}

/** `bytes` cut into ADTS frames. */
function adtsFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let p = 0; p < bytes.length; ) {
    const length =
      (((bytes[p + 3] as number) & 3) << 11) |
      ((bytes[p + 4] as number) << 3) |
      ((bytes[p + 5] as number) >> 5);
    frames.push(bytes.subarray(p, p + length));
    p += length;
  }
  return frames;
}

// 25 fps with a keyframe every 2 s; AAC at 8 kHz (7.8125 frames per second).
const video = pictures(
  makeH264({ frames: SECONDS * 25, gop: 50, frameRate: 25, aud: true, sliceBytes: 200 }),
);
const audio = adtsFrames(makeAdts(Math.ceil((SECONDS * 8000) / 1024)));

let oss: NodeMockOss;
let server: Awaited<ReturnType<NodeMockOss['listen']>>;
let client: OssClient;
let credentialFetches = 0;

beforeAll(async () => {
  oss = createMockOss({ buckets: [BUCKET] });
  await oss.ready;
  server = await oss.listen({ host: '127.0.0.1', port: 0 });
  client = createClient({
    endpoint: server.url,
    // Credentials valid for 20 s of the mock's clock: the client must fetch new ones as the
    // stream's minute passes.
    auth: () => {
      credentialFetches++;
      return { ...oss.credentials, expiration: oss.clock.now() + 20_000 };
    },
    refreshMarginMs: 5_000,
    now: () => oss.clock.now(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await oss?.close();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of client.listObjects(BUCKET, { prefix })) keys.push(object.key);
  return keys.sort();
}

async function playlistOf(key: string): Promise<string> {
  return new TextDecoder().decode((await client.getObject(BUCKET, key)).body);
}

/**
 * Streams a minute, one second per mock-clock tick; returns the playlist seen after each second.
 */
async function streamMinute(writer: HlsWriter, playlistKey: string): Promise<string[]> {
  const seen: string[] = [];
  let audioSent = 0;
  for (let second = 0; second < SECONDS; second++) {
    for (const picture of video.slice(second * 25, (second + 1) * 25))
      await writer.pushVideo(picture);
    const audioDue = Math.min(audio.length, Math.floor(((second + 1) * 8000) / 1024));
    for (; audioSent < audioDue; audioSent++)
      await writer.pushAudio(audio[audioSent] as Uint8Array);
    oss.clock.advance(1000);
    if (writer.playlist) seen.push(await playlistOf(playlistKey));
  }
  await writer.close();
  seen.push(await playlistOf(playlistKey));
  return seen;
}

const mediaSequenceOf = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
const entriesOf = (text: string) => text.split('\n').filter((line) => line.endsWith('.ts'));

describe('live HLS in the mock OSS', () => {
  it(
    'keeps exactly 5 entries with an increasing media sequence, ' + 'and deletes the rest',
    async () => {
      const writer = new HlsWriter({
        store: new MediaClientStore({ client, bucket: BUCKET }),
        playlistKey: 'cam-1/live.m3u8',
        kind: 'live',
        windowSize: 5,
        deleteOldSegments: true,
        targetDuration: 4,
        audio: true,
        maxInterleave: 1,
      });
      const seen = await streamMinute(writer, 'cam-1/live.m3u8');

      const last = seen[seen.length - 1] as string;
      expect(entriesOf(last)).toEqual([
        'live-10.ts',
        'live-11.ts',
        'live-12.ts',
        'live-13.ts',
        'live-14.ts',
      ]);
      expect(mediaSequenceOf(last)).toBe(10);
      expect(last).toContain('#EXT-X-TARGETDURATION:4\n');

      const sequences = seen.map(mediaSequenceOf);
      const full = seen.filter((text) => entriesOf(text).length >= 5);
      expect(full.length).toBeGreaterThan(30);
      for (const text of full) expect(entriesOf(text)).toHaveLength(5);
      for (let i = 1; i < sequences.length; i++)
        expect(sequences[i]).toBeGreaterThanOrEqual(sequences[i - 1] as number);
      expect(new Set(sequences).size).toBe(11); // 0 through 10

      expect(await keysUnder('cam-1/')).toEqual([
        'cam-1/live-10.ts',
        'cam-1/live-11.ts',
        'cam-1/live-12.ts',
        'cam-1/live-13.ts',
        'cam-1/live-14.ts',
        'cam-1/live.m3u8',
      ]);
      expect(credentialFetches).toBeGreaterThan(2);
    },
  );

  it('keeps every segment when deletion is off', async () => {
    const writer = new HlsWriter({
      store: new MediaClientStore({ client, bucket: BUCKET, prefix: 'keep/' }),
      playlistKey: 'cam-2/live.m3u8',
      kind: 'live',
      windowSize: 5,
      targetDuration: 4,
    });
    for (const picture of video) await writer.pushVideo(picture);
    await writer.close();
    expect((await keysUnder('keep/cam-2/')).length).toBe(15 + 1);
    expect(entriesOf(await playlistOf('keep/cam-2/live.m3u8'))).toHaveLength(5);
  });

  it('retries a segment upload the server fails, and stores it intact', async () => {
    // Six 500s outlast media-client's own six attempts, so the writer's segment retry is needed.
    const failing = oss.faults.add({
      operation: 'PutObject',
      key: 'cam-3/vod-1.ts',
      times: 6,
      action: { type: 'error', code: 'InternalError', status: 500 },
    });
    const dropped = oss.faults.add({
      operation: 'PutObject',
      key: 'cam-3/vod-2.ts',
      times: 1,
      action: { type: 'drop-response' },
    });
    const writer = new HlsWriter({
      store: new MediaClientStore({ client, bucket: BUCKET }),
      playlistKey: 'cam-3/vod.m3u8',
      targetDuration: 4,
      retry: { attempts: 5, sleep: async () => {} },
    });
    for (const picture of video.slice(0, 16 * 25)) await writer.pushVideo(picture);
    await writer.close();
    const playlist = await playlistOf('cam-3/vod.m3u8');
    expect(entriesOf(playlist)).toEqual(['vod-0.ts', 'vod-1.ts', 'vod-2.ts', 'vod-3.ts']);
    for (const n of [0, 1, 2, 3]) {
      const { body } = await client.getObject(BUCKET, `cam-3/vod-${n}.ts`);
      expect(body.length % 188).toBe(0);
      expect(body[0]).toBe(0x47);
    }
    expect(writer.stats.retries).toBe(1);
    // All fired: neither fault is left.
    expect(oss.faults.list().find((f) => f.id === failing || f.id === dropped)).toBeUndefined();
  });

  it('lists presigned segment URLs that the server accepts without credentials', async () => {
    const writer = new HlsWriter({
      store: new MediaClientStore({ client, bucket: BUCKET }),
      playlistKey: 'cam-4/vod.m3u8',
      targetDuration: 4,
      segmentUri: (key) => client.presignGetUrl(BUCKET, key, { expires: 600 }),
    });
    for (const picture of video.slice(0, 8 * 25)) await writer.pushVideo(picture);
    await writer.close();

    const urls = writer.playlist.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(urls).toHaveLength(2);
    for (const [n, url] of urls.entries()) {
      expect(url).toMatch(new RegExp(`^${server.url}/${BUCKET}/cam-4/vod-${n}\\.ts\\?`));
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const body = new Uint8Array(await response.arrayBuffer());
      const stored = await client.getObject(BUCKET, `cam-4/vod-${n}.ts`);
      expect(body).toEqual(stored.body);
    }
  });

  it(
    'serves a live recording that ffprobe ' + 'plays over HTTP from presigned URLs',
    async (context) => {
      const demo = resolve(import.meta.dirname, '../../cli/sample');
      if (!existsSync(join(demo, 'sample.h264'))) {
        console.warn(`skipped: the demo recording is not at ${demo}`);
        return context.skip();
      }
      if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
      const presign = (key: string) => client.presignGetUrl(BUCKET, key, { expires: 600 });
      const writer = new HlsWriter({
        store: new MediaClientStore({ client, bucket: BUCKET }),
        playlistKey: 'cam-5/live.m3u8',
        kind: 'live',
        windowSize: 5,
        deleteOldSegments: true,
        targetDuration: 4,
        audio: true,
        maxInterleave: Number.POSITIVE_INFINITY,
        segmentUri: presign,
      });
      // The 12-second demo recording five times over: a minute of live camera.
      const h264 = readFileSync(join(demo, 'sample.h264'));
      const aac = readFileSync(join(demo, 'sample.aac'));
      for (let round = 0; round < 5; round++) {
        await writer.pushVideo(h264);
        await writer.pushAudio(aac);
        oss.clock.advance(12_000);
      }
      await writer.close();

      expect(mediaSequenceOf(writer.playlist)).toBe(10);
      const { json, stderr } = await ffprobeAsync(await presign('cam-5/live.m3u8'), [
        '-allowed_extensions',
        'ALL',
      ]);
      expect(Math.abs(Number(json.format.duration) - 20) / 20).toBeLessThan(0.01);
      expect(json.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
      expect(stderr).not.toMatch(/Continuity check failed/);
      expect(await keysUnder('cam-5/')).toHaveLength(5 + 1);
    },
  );
});
