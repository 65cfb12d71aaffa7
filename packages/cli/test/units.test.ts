import { readFile } from 'node:fs/promises';
import { Crc64 } from '@oss-media/oss-sign';
import { describe, expect, test } from 'vitest';
import { fileCrc64, pacedChunks } from '../src/camera.js';
import { normalizeEndpoint, regionOf, resolveConnection } from '../src/config.js';
import { CliError, describeError } from '../src/errors.js';
import { adtsDurationSeconds, h264PictureCount } from '../src/hls-adapter.js';
import { createProgress } from '../src/progress.js';
import { QuietMoment } from '../src/quiet-moment.js';
import { parseRange, parseSize, rangeHeader } from '../src/sizes.js';
import { parseOssUrl } from '../src/url.js';
import { groupVideos, playlistEnded, presignPlaylist, typeOfKey } from '../src/videos.js';
import { Capture, SAMPLE_DIR } from './helpers.js';

describe('parseOssUrl', () => {
  test.each([
    ['oss://media/videos/cam-1/a.mp4', { bucket: 'media', key: 'videos/cam-1/a.mp4' }],
    ['oss://media', { bucket: 'media', key: '' }],
    ['oss://media/', { bucket: 'media', key: '' }],
    ['oss://m-1/a b/%41', { bucket: 'm-1', key: 'a b/%41' }],
  ])('%s', (text, expected) => {
    expect(parseOssUrl(text)).toEqual(expected);
  });

  test.each([
    ['media/a', 'expected oss://bucket/key'],
    ['oss:/media/a', 'expected oss://bucket/key'],
    ['oss:///a', 'the bucket name is missing'],
    ['oss://ab/a', 'a bucket name is 3-63'],
    ['oss://-media/a', 'a bucket name is 3-63'],
    ['oss://Media/a', 'a bucket name is 3-63'],
  ])('rejects %s', (text, message) => {
    expect(() => parseOssUrl(text)).toThrow(message);
    try {
      parseOssUrl(text);
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
    }
  });

  test('requireKey', () => {
    expect(() => parseOssUrl('oss://media/', { requireKey: true })).toThrow(
      'object key is required',
    );
  });
});

describe('sizes and ranges', () => {
  test.each([
    ['65536', 65536],
    ['256KiB', 262144],
    ['256k', 262144],
    ['1MiB', 1048576],
    ['1.5MB', 1500000],
    ['2 g', 2 * 1024 ** 3],
  ])('parseSize(%s)', (text, bytes) => {
    expect(parseSize(text, '--chunk-size')).toBe(bytes);
  });

  test.each(['', 'lots', '1XB', '-5', '0'])('parseSize rejects %j', (text) => {
    expect(() => parseSize(text, '--chunk-size')).toThrow('--chunk-size');
  });

  test.each([
    ['0-99', { start: 0, end: 99 }, 'bytes=0-99'],
    ['100-', { start: 100 }, 'bytes=100-'],
    ['-100', { suffix: 100 }, 'bytes=-100'],
  ])('parseRange(%s)', (text, range, header) => {
    expect(parseRange(text)).toEqual(range);
    expect(rangeHeader(range)).toBe(header);
  });

  test.each(['-', '5-3', 'a-b', '1-2-3'])('parseRange rejects %j', (text) => {
    expect(() => parseRange(text)).toThrow('--range');
  });
});

describe('connection settings', () => {
  const env = {
    OSS_ENDPOINT: 'oss-cn-shanghai.aliyuncs.com',
    OSS_ACCESS_KEY_ID: 'env-id',
    OSS_ACCESS_KEY_SECRET: 'env-secret',
  };

  test('the environment, with https:// added and the region taken from the host', () => {
    expect(resolveConnection({}, env)).toEqual({
      endpoint: 'https://oss-cn-shanghai.aliyuncs.com',
      credentials: { accessKeyId: 'env-id', accessKeySecret: 'env-secret' },
      region: 'cn-shanghai',
    });
  });

  test('flags win over the environment; OSS_SESSION_TOKEN is picked up', () => {
    const connection = resolveConnection(
      { endpoint: 'http://127.0.0.1:9000/', accessKeyId: 'flag-id', region: 'eu-central-1' },
      { ...env, OSS_SESSION_TOKEN: 'token' },
    );
    expect(connection).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      credentials: {
        accessKeyId: 'flag-id',
        accessKeySecret: 'env-secret',
        securityToken: 'token',
      },
      region: 'eu-central-1',
    });
  });

  test('missing endpoint, missing keys and bad endpoints are named', () => {
    expect(() => resolveConnection({}, {})).toThrow(/OSS_ENDPOINT/);
    expect(() => resolveConnection({}, { OSS_ENDPOINT: 'http://x' })).toThrow(/OSS_ACCESS_KEY_ID/);
    expect(() => normalizeEndpoint('ftp://x')).toThrow(/http or https/);
    expect(() => normalizeEndpoint('http://')).toThrow(/invalid endpoint/);
    expect(() => normalizeEndpoint('not-a-url')).toThrow(/invalid endpoint 'not-a-url'/);
    expect(normalizeEndpoint('localhost:9000')).toBe('https://localhost:9000');
    expect(normalizeEndpoint('http://mock:9000')).toBe('http://mock:9000');
  });

  test('regionOf', () => {
    expect(regionOf('https://oss-ap-southeast-1-internal.aliyuncs.com')).toBe('ap-southeast-1');
    expect(regionOf('http://127.0.0.1:9000')).toBeUndefined();
  });
});

describe('describeError', () => {
  test('a service error: message, then code, status and request id not already said', () => {
    const error = Object.assign(new Error('GET media/a: 404 NoSuchKey — not there'), {
      code: 'NoSuchKey',
      status: 404,
      requestId: '5F0A',
    });
    expect(describeError(error)).toBe('GET media/a: 404 NoSuchKey — not there (request id 5F0A)');
    const sts = Object.assign(new Error('Role not found'), {
      code: 'EntityNotExist.Role',
      status: 404,
      requestId: 'R1',
    });
    expect(describeError(sts)).toBe(
      'Role not found (EntityNotExist.Role, HTTP 404, request id R1)',
    );
  });

  test('system errors in words, fetch failures by their cause, always one line', () => {
    const missing = Object.assign(new Error('ENOENT: x'), { code: 'ENOENT', path: '/a' });
    expect(describeError(missing)).toBe('no such file or directory: /a');
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(describeError(refused)).toBe('connection refused');
    expect(describeError(new Error('two\n   lines'))).toBe('two lines');
    const long = Object.assign(new Error(`mismatch: ${'x'.repeat(500)}`), {
      code: 'E',
      requestId: 'R',
    });
    expect(describeError(long)).toMatch(/^mismatch: x+… \(E, request id R\)$/);
    expect(describeError(long).length).toBeLessThan(230);
    expect(describeError('plain')).toBe('plain');
  });
});

describe('videos as the page shows them', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  test('groupVideos folds HLS folders and marks growing recordings', () => {
    const entries = groupVideos(
      [
        { key: 'videos/cam-1/a.mp4', size: 10, lastModified: at(50), objectType: 'Appendable' },
        { key: 'videos/cam-1/b.webm', size: 5, lastModified: at(0), objectType: 'Normal' },
        { key: 'videos/cam-2/x/index.m3u8', size: 3, lastModified: at(10), objectType: 'Normal' },
        { key: 'videos/cam-2/x/segment-0.ts', size: 7, lastModified: at(20), objectType: 'Normal' },
        { key: 'videos/cam-2/', size: 0, lastModified: at(0), objectType: 'Normal' },
      ],
      {
        prefix: 'videos/',
        now: at(55).getTime(),
        growingWindowMs: 10_000,
        liveKeys: new Set(['videos/cam-2/x/index.m3u8']),
      },
    );
    expect(entries.map((e) => [e.key, e.kind, e.size, e.growing, e.playable])).toEqual([
      ['videos/cam-1/a.mp4', 'file', 10, true, true],
      ['videos/cam-2/x/index.m3u8', 'hls', 10, true, true],
      ['videos/cam-1/b.webm', 'file', 5, false, true],
    ]);
    expect(entries[1]).toMatchObject({
      camera: 'cam-2',
      name: 'x',
      lastModified: at(20).toISOString(),
    });
  });

  test('typeOfKey and playlistEnded', () => {
    expect(typeOfKey('a/B.MP4')).toBe('video/mp4');
    expect(typeOfKey('a/b.h264')).toBe('video/h264');
    expect(typeOfKey('a/noext')).toBe('application/octet-stream');
    expect(playlistEnded('#EXTM3U\n#EXT-X-ENDLIST\n')).toBe(true);
    expect(playlistEnded('#EXTM3U\n#EXTINF:4,\na.ts\n')).toBe(false);
  });

  test('presignPlaylist signs segments, keys and maps relative to the playlist', async () => {
    const playlist = [
      '#EXTM3U',
      '#EXT-X-KEY:METHOD=AES-128,URI="key.bin",IV=0x01',
      '#EXTINF:4.0,',
      'seg 0.ts',
      '#EXTINF:4.0,',
      '../other/seg-1.ts',
      '#EXTINF:4.0,',
      'https://cdn.example/abs.ts',
      '#EXT-X-ENDLIST',
    ].join('\n');
    const out = await presignPlaylist(playlist, 'videos/cam/x/index.m3u8', async (k) => `S(${k})`);
    expect(out.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-KEY:METHOD=AES-128,URI="S(videos/cam/x/key.bin)",IV=0x01',
      '#EXTINF:4.0,',
      'S(videos/cam/x/seg 0.ts)',
      '#EXTINF:4.0,',
      'S(videos/cam/other/seg-1.ts)',
      '#EXTINF:4.0,',
      'https://cdn.example/abs.ts',
      '#EXT-X-ENDLIST',
    ]);
  });
});

describe('the sample recording', () => {
  test('is 12 s of 25 fps H.264 and 12 s of AAC', async () => {
    const video = await readFile(`${SAMPLE_DIR}sample.h264`);
    const audio = await readFile(`${SAMPLE_DIR}sample.aac`);
    expect(h264PictureCount(video)).toBe(300);
    expect(adtsDurationSeconds(audio)).toBeCloseTo(12, 0);
    expect(video.length + audio.length).toBeGreaterThan(200 * 1024);
    expect(video.length + audio.length).toBeLessThan(600 * 1024);
  });

  test('fileCrc64 equals the CRC-64 of the bytes', async () => {
    const bytes = await readFile(`${SAMPLE_DIR}sample.mp4`);
    expect(await fileCrc64(`${SAMPLE_DIR}sample.mp4`)).toBe(new Crc64().update(bytes).toString());
  });

  test('pacedChunks yields the file in chunks, at pace, and signals halfway once', async () => {
    const path = `${SAMPLE_DIR}sample.aac`;
    const bytes = await readFile(path);
    let halfway = 0;
    const chunks: Uint8Array[] = [];
    const started = Date.now();
    for await (const chunk of pacedChunks(path, bytes.length, {
      chunkSize: 10_000,
      durationMs: 400,
      onHalfway: (released) => {
        halfway += 1;
        expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(released);
        expect(released * 2).toBeGreaterThanOrEqual(bytes.length);
      },
    })) {
      chunks.push(chunk);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(halfway).toBe(1);
    expect(chunks.every((c) => c.length <= 10_000)).toBe(true);
    expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0);
  });
});

describe('QuietMoment', () => {
  test(
    'hold waits for operations in flight ' + 'and holds new ones until its action is done',
    async () => {
      const quiet = new QuietMoment();
      const events: string[] = [];
      let finishFirst = () => {};
      const first = quiet.around(
        () =>
          new Promise<void>((resolve) => {
            finishFirst = () => {
              events.push('first done');
              resolve();
            };
          }),
      );
      const held = quiet.hold(() => {
        events.push('action');
      });
      const second = quiet.around(async () => {
        events.push('second');
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(events).toEqual([]);
      finishFirst();
      await Promise.all([first, held, second]);
      expect(events).toEqual(['first done', 'action', 'second']);
    },
  );
});

describe('progress', () => {
  test('plain lines at each quarter when not a terminal, notes on their own line', () => {
    const stream = new Capture();
    const progress = createProgress({
      label: 'a.mp4',
      total: 1000,
      stream: stream as unknown as NodeJS.WriteStream,
      tty: false,
      now: () => 0,
    });
    for (let bytes = 100; bytes <= 1000; bytes += 100) progress.update(bytes);
    progress.note('token refreshed');
    progress.stop();
    progress.stop();
    expect(stream.text.split('\n')).toEqual([
      'a.mp4: 30% 300 B at -',
      'a.mp4: 50% 500 B at -',
      'a.mp4: 80% 800 B at -',
      'a.mp4: 100% 1000 B at -',
      'token refreshed',
      '',
    ]);
  });

  test('a bar on a terminal', () => {
    const stream = Object.assign(new Capture(), { isTTY: true, columns: 120 });
    const progress = createProgress({
      label: 'a.mp4',
      total: 1000,
      stream: stream as unknown as NodeJS.WriteStream,
      tty: true,
    });
    progress.update(500);
    progress.note('refreshed');
    progress.update(1000);
    progress.stop();
    expect(stream.text).toMatch(/a\.mp4 \[[█░]+\] \d+% \| .* of 1000 B/);
    expect(stream.text).toContain('\r\x1b[Krefreshed\n');
  });

  test('quiet prints nothing', () => {
    const stream = new Capture();
    const progress = createProgress({
      label: 'x',
      total: 1,
      stream: stream as unknown as NodeJS.WriteStream,
      quiet: true,
    });
    progress.update(1);
    progress.stop();
    expect(stream.text).toBe('');
  });
});
