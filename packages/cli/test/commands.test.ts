import { readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crc64 } from '@oss-media/oss-sign';
import { fetchVendedCredentials } from '@oss-media/sts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../src/cli.js';
import type { ListeningMock } from '../src/mock-adapter.js';
import { Capture, envOf, expectOneLineError, runCli, SAMPLE_DIR, startMock } from './helpers.js';

const SAMPLE_H264 = `${SAMPLE_DIR}sample.h264`;
const SAMPLE_AAC = `${SAMPLE_DIR}sample.aac`;
const SAMPLE_MP4 = `${SAMPLE_DIR}sample.mp4`;

let server: ListeningMock;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startMock({ buckets: ['media'] });
  env = envOf(server);
});

afterAll(async () => {
  await server.close();
});

const crcOf = (bytes: Uint8Array) => new Crc64().update(bytes).toString();

describe('upload', () => {
  test('appends a file in chunks and reports the CRC-64 of the whole object', async () => {
    const file = await readFile(SAMPLE_H264);
    const result = await runCli(
      ['upload', SAMPLE_H264, 'oss://media/up/append.h264', '--append', '--chunk-size', '32KiB'],
      env,
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`crc64 ${crcOf(file)}`);
    // Not a terminal: plain progress lines, the last one at 100 %.
    expect(result.stderr).toMatch(/up\/append\.h264: 100% 220\.9 KiB/);

    const stat = await runCli(['stat', 'oss://media/up/append.h264', '--json'], env);
    const info = JSON.parse(stat.stdout);
    expect(info).toMatchObject({ size: file.length, objectType: 'Appendable', crc64: crcOf(file) });
    expect(info.nextAppendPosition).toBe(file.length);
  });

  test('without --append puts the file in one request (a Normal object)', async () => {
    const result = await runCli(['upload', SAMPLE_MP4, 'oss://media/up/put.mp4', '--quiet'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');

    const info = JSON.parse(
      (await runCli(['stat', 'oss://media/up/put.mp4', '--json'], env)).stdout,
    );
    expect(info.objectType).toBe('Normal');
    expect(info.contentType).toBe('video/mp4');
  });

  test('--resume continues an interrupted append where the object ends', async () => {
    const file = await readFile(SAMPLE_AAC);
    const half = join(tmpdir(), `oss-media-half-${process.pid}.aac`);
    await writeFile(half, file.subarray(0, 30_000));
    await runCli(['upload', half, 'oss://media/up/resumed.aac', '--append', '--quiet'], env);

    const result = await runCli(
      ['upload', SAMPLE_AAC, 'oss://media/up/resumed.aac', '--resume', '--chunk-size', '16KiB'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('continued at byte 30000');

    const cat = await runCli(['cat', 'oss://media/up/resumed.aac'], env);
    expect(Buffer.compare(cat.bytes, file)).toBe(0);
  });

  test('--resume from a different file refuses instead of corrupting the object', async () => {
    await runCli(['upload', SAMPLE_AAC, 'oss://media/up/other.aac', '--append', '--quiet'], env);
    const result = await runCli(
      ['upload', SAMPLE_H264, 'oss://media/up/other.aac', '--resume'],
      env,
    );
    expectOneLineError(result, /diverg|CRC/i);
  });
});

describe('stat, cat, ls, rm, presign', () => {
  beforeAll(async () => {
    await runCli(['upload', SAMPLE_MP4, 'oss://media/videos/cam-1/a.mp4', '--quiet'], env);
    await runCli(['upload', SAMPLE_AAC, 'oss://media/videos/cam-2/b.aac', '--quiet'], env);
  });

  test('stat prints the object facts one per line', async () => {
    const result = await runCli(['stat', 'oss://media/videos/cam-1/a.mp4'], env);
    expect(result.code).toBe(0);
    const size = (await stat(SAMPLE_MP4)).size;
    expect(result.stdout).toMatch(new RegExp(`^size:\\s+${size} `, 'm'));
    expect(result.stdout).toMatch(/^type:\s+Normal$/m);
    expect(result.stdout).toMatch(/^crc64:\s+\d+$/m);
  });

  test('cat writes the bytes unchanged, whole or a range', async () => {
    const file = await readFile(SAMPLE_MP4);
    const whole = await runCli(['cat', 'oss://media/videos/cam-1/a.mp4'], env);
    expect(Buffer.compare(whole.bytes, file)).toBe(0);

    const range = await runCli(['cat', 'oss://media/videos/cam-1/a.mp4', '--range', '4-11'], env);
    expect(range.bytes.toString('latin1')).toBe(file.subarray(4, 12).toString('latin1'));

    const tail = await runCli(['cat', 'oss://media/videos/cam-1/a.mp4', '--range', '-5'], env);
    expect(Buffer.compare(tail.bytes, file.subarray(file.length - 5))).toBe(0);

    const from = await runCli(['cat', 'oss://media/videos/cam-1/a.mp4', '--range', '300000-'], env);
    expect(Buffer.compare(from.bytes, file.subarray(300000))).toBe(0);
  });

  test('ls shows one level with folders, --recursive every key', async () => {
    const flat = await runCli(['ls', 'oss://media/videos/'], env);
    expect(flat.stdout).toMatch(/DIR\s+videos\/cam-1\//);
    expect(flat.stdout).toMatch(/DIR\s+videos\/cam-2\//);
    expect(flat.stdout).not.toContain('a.mp4');

    const deep = await runCli(['ls', '-r', 'oss://media/videos/'], env);
    expect(deep.stdout).toMatch(/\d+\s+\S+Z\s+Normal\s+videos\/cam-1\/a\.mp4/);
    expect(deep.stdout).toContain('videos/cam-2/b.aac');

    const json = await runCli(['ls', '--recursive', '--json', 'oss://media/videos/cam-2/'], env);
    const items = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(items).toEqual([
      expect.objectContaining({ kind: 'object', key: 'videos/cam-2/b.aac', objectType: 'Normal' }),
    ]);
  });

  test('presign gives a URL that fetches the object, V1 and V4', async () => {
    const file = await readFile(SAMPLE_MP4);
    for (const flags of [[], ['--v4']]) {
      const result = await runCli(
        ['presign', 'oss://media/videos/cam-1/a.mp4', '--expires', '120', ...flags],
        env,
      );
      expect(result.code).toBe(0);
      const url = result.stdout.trim();
      expect(url.startsWith(server.url)).toBe(true);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), file)).toBe(0);
    }
  });

  test('presign --method PUT gives a URL that uploads', async () => {
    const result = await runCli(
      ['presign', 'oss://media/up/by-url.txt', '--method', 'PUT', '--content-type', 'text/plain'],
      env,
    );
    const response = await fetch(result.stdout.trim(), {
      method: 'PUT',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(200);
    expect((await runCli(['cat', 'oss://media/up/by-url.txt'], env)).stdout).toBe('hello');
  });

  test('rm deletes, and a later stat names NoSuchKey with the request id', async () => {
    await runCli(['upload', SAMPLE_AAC, 'oss://media/up/gone.aac', '--quiet'], env);
    const removed = await runCli(['rm', 'oss://media/up/gone.aac'], env);
    expect(removed.stdout).toBe('deleted oss://media/up/gone.aac\n');

    const result = await runCli(['stat', 'oss://media/up/gone.aac'], env);
    expectOneLineError(result, /NoSuchKey.*request id [0-9A-F]{24}/);
    expect(result.code).toBe(1);
  });

  test('rm of an address ending in / deletes that one name only, and says so', async () => {
    await runCli(['upload', SAMPLE_AAC, 'oss://media/folder/kept.aac', '--quiet'], env);
    const removed = await runCli(['rm', 'oss://media/folder/'], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(
      "deleted oss://media/folder/ (only the object named exactly 'folder/', if any; " +
        'objects under oss://media/folder/ are not deleted)\n',
    );
    const kept = await runCli(['stat', 'oss://media/folder/kept.aac'], env);
    expect(kept.code).toBe(0);
  });
});

describe('token', () => {
  test('prints credentials limited to the path and mode', async () => {
    const result = await runCli(
      ['token', '--bucket', 'media', '--path', 'videos/cam-9/', '--mode', 'a', '--duration', '900'],
      env,
    );
    expect(result.code).toBe(0);
    const token = JSON.parse(result.stdout);
    expect(token).toMatchObject({ bucket: 'media', path: 'videos/cam-9/', mode: 'a' });
    expect(Date.parse(token.expiration) - Date.now()).toBeGreaterThan(890_000);

    const asCamera = {
      OSS_ENDPOINT: server.url,
      OSS_ACCESS_KEY_ID: token.accessKeyId,
      OSS_ACCESS_KEY_SECRET: token.accessKeySecret,
      OSS_SESSION_TOKEN: token.securityToken,
    };
    const inside = await runCli(
      ['upload', SAMPLE_AAC, 'oss://media/videos/cam-9/t.aac', '--quiet'],
      asCamera,
    );
    expect(inside.code).toBe(0);

    const outside = await runCli(
      ['upload', SAMPLE_AAC, 'oss://media/videos/cam-8/t.aac'],
      asCamera,
    );
    expectOneLineError(outside, /AccessDenied/);
    const deleting = await runCli(['rm', 'oss://media/videos/cam-9/t.aac'], asCamera);
    expectOneLineError(deleting, /AccessDenied/);
  });

  test('--env prints shell exports', async () => {
    const result = await runCli(
      ['token', '--bucket', 'media', '--path', 'videos/', '--mode', 'rl', '--env'],
      env,
    );
    expect(result.stdout).toMatch(/^export OSS_ACCESS_KEY_ID='STS\.[^']+'$/m);
    expect(result.stdout).toMatch(/^export OSS_SESSION_TOKEN='.+'$/m);
  });

  test('without a role ARN it says which variable to set', async () => {
    const { OSS_ROLE_ARN: _, ...noRole } = env;
    expectOneLineError(
      await runCli(['token', '--bucket', 'media', '--path', 'a/'], noRole),
      /OSS_ROLE_ARN/,
    );
  });

  test('a bad mode or a too-short duration is named', async () => {
    const args = ['token', '--bucket', 'media', '--path', 'a/'];
    expectOneLineError(await runCli([...args, '--mode', 'x'], env), /mode/);
    expectOneLineError(
      await runCli([...args, '--duration', '60'], env),
      /DurationSeconds|duration/i,
    );
  });
});

describe('hls', () => {
  test('publishes segments and a VOD playlist under the prefix', async () => {
    const result = await runCli(
      ['hls', SAMPLE_H264, '--audio', SAMPLE_AAC, 'oss://media/hls/vod', '--segment-seconds', '4'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/published 3 segments to oss:\/\/media\/hls\/vod\/index\.m3u8/);

    const playlist = (await runCli(['cat', 'oss://media/hls/vod/index.m3u8'], env)).stdout;
    expect(playlist).toContain('#EXT-X-ENDLIST');
    expect(playlist).toContain('segment-00000.ts');
    const listing = await runCli(['ls', '-r', 'oss://media/hls/vod/'], env);
    expect(listing.stdout.match(/segment-\d+\.ts/g)).toHaveLength(3);
  });

  test('--live keeps a sliding window and deletes segments that left it', async () => {
    const result = await runCli(
      [
        'hls',
        SAMPLE_H264,
        'oss://media/hls/live',
        '--live',
        '--fast',
        '--segment-seconds',
        '2',
        '--window',
        '3',
      ],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/published 6 segments/);

    const playlist = (await runCli(['cat', 'oss://media/hls/live/index.m3u8'], env)).stdout;
    expect(playlist.match(/^segment-\d+\.ts$/gm)).toEqual([
      'segment-00003.ts',
      'segment-00004.ts',
      'segment-00005.ts',
    ]);
    expect(playlist).toMatch(/#EXT-X-MEDIA-SEQUENCE:3/);
    const listing = await runCli(['ls', '-r', 'oss://media/hls/live/'], env);
    expect(listing.stdout.match(/segment-\d+\.ts/g)).toEqual([
      'segment-00003.ts',
      'segment-00004.ts',
      'segment-00005.ts',
    ]);
  });

  test('a file that is not H.264 is refused before anything is written', async () => {
    const result = await runCli(['hls', SAMPLE_AAC, 'oss://media/hls/not-video'], env);
    expectOneLineError(result, /no H\.264 pictures \(Annex B\) found in '.*sample\.aac'/);
    const listing = await runCli(['ls', '-r', 'oss://media/hls/not-video/'], env);
    expect(listing.stdout).toBe('');
  });

  test('a missing audio file is named before anything is written', async () => {
    const result = await runCli(
      ['hls', SAMPLE_H264, '--audio', '/no/such.aac', 'oss://media/hls/x'],
      env,
    );
    expectOneLineError(result, /\/no\/such\.aac/);
  });
});

describe('bad input: one line, non-zero exit, no stack trace', () => {
  test('a missing local file', async () => {
    const result = await runCli(['upload', '/no/such/file.mp4', 'oss://media/x.mp4'], env);
    expectOneLineError(result, /cannot read '\/no\/such\/file\.mp4'.*no such file/);
  });

  test.each([
    ['s3://media/key', /expected oss:\/\/bucket\/key/],
    ['oss://', /bucket name is missing/],
    ['oss://Bad_Bucket/key', /bucket name is 3-63/],
    ['oss://media', /object key is required/],
    ['media/key', /expected oss:\/\/bucket\/key/],
  ])('a malformed address %s', async (address, message) => {
    const result = await runCli(['stat', address], env);
    expectOneLineError(result, message);
    expect(result.code).toBe(2);
  });

  test('a wrong secret: the service code and request id', async () => {
    const result = await runCli(['stat', 'oss://media/up/put.mp4'], {
      ...env,
      OSS_ACCESS_KEY_SECRET: 'not-the-secret',
    });
    expectOneLineError(result, /SignatureDoesNotMatch.*request id [0-9A-F]{24}/);
  });

  test('an unknown key id', async () => {
    const result = await runCli(['ls', 'oss://media', '--access-key-id', 'nobody'], env);
    expectOneLineError(result, /InvalidAccessKeyId/);
  });

  test('no endpoint or no credentials configured', async () => {
    expectOneLineError(await runCli(['stat', 'oss://media/a'], {}), /OSS_ENDPOINT/);
    expectOneLineError(
      await runCli(['stat', 'oss://media/a'], { OSS_ENDPOINT: server.url }),
      /OSS_ACCESS_KEY_ID/,
    );
  });

  test('an endpoint nobody listens on', async () => {
    const result = await runCli(['stat', 'oss://media/a', '--endpoint', 'http://127.0.0.1:9'], env);
    expectOneLineError(result, /ECONNREFUSED|refused/);
  });

  test.each([
    [['token', '--bucket', 'media', '--path', 'videos/', '--mode', 'z'], /mode "z".*rwadl/],
    [
      ['token', '--bucket', 'media', '--path', 'videos/', '--duration', '60'],
      /^oss-media: --duration must be 900\.\.43200 seconds, got 60$/,
    ],
    [
      ['app', '--bucket', 'media', '--camera', 'c=s', '--token-seconds', '50000'],
      /--token-seconds must be 900\.\.43200 seconds, got 50000/,
    ],
    [['serve', '--port', '0', '--bucket', 'Bad_Name'], /invalid bucket name "Bad_Name"/],
    [['ls', 'oss://media/', '--endpoint', 'not-a-url'], /invalid endpoint 'not-a-url'/],
  ])('bad usage exits 2 before any request: %j', async (args, message) => {
    const result = await runCli(args, { ...env, OSS_ROLE_ARN: 'acs:ram::1:role/any' });
    expectOneLineError(result, message);
    expect(result.code).toBe(2);
  });

  test('usage errors from the argument parser', async () => {
    expectOneLineError(await runCli(['upload', SAMPLE_AAC], env), /missing required argument/);
    expectOneLineError(await runCli(['nonsense'], env), /unknown command/);
    expectOneLineError(await runCli(['cat', 'oss://media/a', '--range', '9-3'], env), /--range/);
    expectOneLineError(
      await runCli(['upload', SAMPLE_AAC, 'oss://media/a', '--chunk-size', 'lots'], env),
      /--chunk-size/,
    );
  });
});

describe('help', () => {
  test.each(['demo', 'serve', 'token', 'upload', 'hls', 'stat', 'cat', 'ls', 'rm', 'presign'])(
    '%s --help describes the command and exits 0',
    async (command) => {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: oss-media ${command}`);
    },
  );

  test('no arguments prints the command list', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Commands:[\s\S]*upload[\s\S]*presign/);
  });
});

describe('serve', () => {
  test('runs a mock that the other commands can use, until stopped', async () => {
    const stop = new AbortController();
    const stdout = new Capture();
    const running = run(['serve', '--port', '0', '--bucket', 'served', '--quiet'], {
      stdout,
      stderr: new Capture(),
      env: {},
      signal: stop.signal,
    });
    for (let i = 0; i < 200 && !stdout.text.includes('Ctrl-C'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const exports = Object.fromEntries(
      [...stdout.text.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]),
    );
    expect(Object.keys(exports)).toEqual([
      'OSS_ENDPOINT',
      'OSS_ACCESS_KEY_ID',
      'OSS_ACCESS_KEY_SECRET',
      'OSS_ROLE_ARN',
    ]);
    const listing = await runCli(['ls', 'oss://served'], exports);
    expect(listing).toMatchObject({ code: 0, stdout: '' });

    stop.abort();
    expect(await running).toBe(0);
    const after = await runCli(['ls', 'oss://served'], exports);
    expectOneLineError(after, /refused/i);
  });
});

describe('app', () => {
  test('serves token vending for the listed cameras and the video list', async () => {
    const stop = new AbortController();
    const stdout = new Capture();
    const stderr = new Capture();
    const running = run(
      ['app', '--bucket', 'media', '--port', '0', '--camera', 'cam-7=a-long-camera-secret'],
      { stdout, stderr, env, signal: stop.signal },
    );
    for (let i = 0; i < 200 && !stdout.text.includes('Ctrl-C'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const url = /application server at (\S+)\//.exec(stdout.text)?.[1];
    expect(url, stderr.text).toBeDefined();

    const token = await fetchVendedCredentials(`${url}/api/token`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-camera-secret' },
    });
    expect(token).toMatchObject({ path: 'videos/cam-7/', mode: 'a' });
    const list = await (await fetch(`${url}/api/videos`)).json();
    expect(list.bucket).toBe('media');

    stop.abort();
    expect(await running).toBe(0);
  });

  test('a malformed --camera is refused', async () => {
    const result = await runCli(['app', '--bucket', 'media', '--camera', 'cam-7=short'], env);
    expectOneLineError(result, /--camera expects ID=SECRET/);
  });
});

describe('the README', () => {
  test("the command-line block's exports are enough for its token example", async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## The command line\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
    const exported: Record<string, string> = {};
    for (const line of lines.filter((l) => l.startsWith('export '))) {
      for (const [, name, value] of line.matchAll(/\b([A-Z_]+)=(\S+)/g)) {
        exported[name as string] = value as string;
      }
    }
    expect(Object.keys(exported).sort()).toEqual([
      'OSS_ACCESS_KEY_ID',
      'OSS_ACCESS_KEY_SECRET',
      'OSS_ENDPOINT',
      'OSS_ROLE_ARN',
    ]);
    expect(block).not.toMatch(/\$[A-Z]/);

    // The mock here listens on a free port, not the README's :9000; the rest is as written.
    const token = lines.find((l) => l.startsWith('oss-media token ')) ?? '';
    const args = token.replace(/#.*$/, '').trim().split(/\s+/).slice(1);
    const result = await runCli(args, { ...exported, OSS_ENDPOINT: server.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: 'videos/cam-42/', mode: 'a' });
  });

  test('names every environment variable the commands read', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## The command line'));
    for (const name of [
      'OSS_ENDPOINT',
      'OSS_ACCESS_KEY_ID',
      'OSS_ACCESS_KEY_SECRET',
      'OSS_SESSION_TOKEN',
      'OSS_REGION',
      'OSS_ROLE_ARN',
      'OSS_STS_ENDPOINT',
      'OSS_BUCKET',
    ]) {
      expect(section).toContain(`\`${name}\``);
    }
  });
});
