import { readFile } from 'node:fs/promises';
import { Crc64 } from '@oss-media/oss-sign';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type RunningDemo, runDemo, summaryLines } from '../src/demo.js';
import { Capture, runCli, SAMPLE_DIR, startMock } from './helpers.js';

const sample = await readFile(`${SAMPLE_DIR}sample.mp4`);
const sampleCrc = new Crc64().update(sample).toString();

describe('the scenario, in process, as fast as possible', () => {
  let demo: RunningDemo;
  const stderr = new Capture();

  beforeAll(async () => {
    demo = await runDemo({ fast: true, tty: false }, { stdout: new Capture(), stderr, env: {} });
  });

  afterAll(async () => {
    await demo?.close();
  });

  test('uploads the whole sample with matching CRC-64s', () => {
    const { summary } = demo;
    expect(summary).toMatchObject({
      mock: true,
      bucket: 'media',
      bytes: sample.length,
      localCrc64: sampleCrc,
      objectCrc64: sampleCrc,
      crcMatch: true,
      retries: 0,
    });
    expect(summary.key).toMatch(/^videos\/cam-1\/\d{8}-\d{6}\.mp4$/);
    expect(summary.bytesPerSecond).toBeGreaterThan(0);
  });

  test('the token expired mid-upload and the camera refreshed it', () => {
    expect(demo.summary.refreshes).toBeGreaterThanOrEqual(1);
    const log = stderr.text;
    const expired = log.indexOf("the camera's token has expired");
    const refreshed = log.indexOf("camera 'cam-1' refreshed its token");
    expect(log).toContain("camera 'cam-1' got a token for videos/cam-1/");
    expect(expired).toBeGreaterThan(0);
    expect(refreshed).toBeGreaterThan(expired);
  });

  test('the steps are announced in order', () => {
    const log = stderr.text;
    const steps = ['1. mock OSS + STS', '2. application server', '3. camera'].map((s) =>
      log.indexOf(s),
    );
    expect(steps.every((at) => at >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  test('the presigned playback URL returns the recording', async () => {
    const response = await fetch(demo.summary.playbackUrl);
    expect(response.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), sample)).toBe(0);
  });

  test('the sample is also published as HLS, and the page lists both', async () => {
    const { hls } = demo.summary;
    expect(hls).toMatchObject({ segments: 3 });
    const videos = await (await fetch(`${demo.summary.pageUrl}api/videos`)).json();
    const keys = videos.videos.map((v: { key: string }) => v.key);
    expect(keys).toContain(demo.summary.key);
    expect(keys).toContain((hls as { key: string }).key);
  });

  test('the summary names every figure on its own line', () => {
    const text = summaryLines(demo.summary).join('\n');
    expect(text).toMatch(
      new RegExp(`^  bytes\\s+${sample.length} \\(300\\.0 KiB\\) in [\\d.]+ s, `, 'm'),
    );
    expect(text).toMatch(/^ {2}refreshes\s+[1-9]\d*$/m);
    expect(text).toMatch(/^ {2}retries\s+0$/m);
    expect(text).toMatch(new RegExp(`^  crc64 local\\s+${sampleCrc}$`, 'm'));
    expect(text).toMatch(new RegExp(`^  crc64 object\\s+${sampleCrc} \\(match\\)$`, 'm'));
    expect(text).toMatch(
      /^ {2}playback URL\s+http:\/\/127\.0\.0\.1:\d+\/media\/videos\/cam-1\/.+Signature=/m,
    );
    expect(text).toMatch(/^ {2}web page\s+http:\/\/127\.0\.0\.1:\d+\/$/m);
  });

  test('once the servers are stopped, the summary says so instead of dead addresses', () => {
    const text = summaryLines(demo.summary, { stopped: '--exit' }).join('\n');
    expect(text).toMatch(/^ {2}web page\s+\(stopped: --exit\)$/m);
    expect(text).toMatch(/^ {2}playback URL\s+\(stopped: --exit\)$/m);
    expect(text).toMatch(new RegExp(`^  crc64 object\\s+${sampleCrc} \\(match\\)$`, 'm'));
    expect(text).not.toContain('http://127.0.0.1');
  });
});

describe('moving the clock', () => {
  test('a plain demo never retries: the clock moves only between requests', async () => {
    // A short pace releases chunks (and HLS segments) while earlier requests are still on the
    // wire, where a clock moved under them showed as `retry 1: RequestTimeTooSkewed`.
    for (let run = 0; run < 6; run += 1) {
      const stderr = new Capture();
      const demo = await runDemo(
        run % 2 === 0
          ? { fast: true, tty: false, chunkSize: 8 * 1024 }
          : { seconds: 0.1 * run, tty: false, chunkSize: 4 * 1024 },
        { stdout: new Capture(), stderr, env: {} },
      );
      await demo.close();
      expect({ run, retries: demo.summary.retries, log: stderr.text }).toMatchObject({
        run,
        retries: 0,
      });
      expect(stderr.text).not.toContain('retry ');
      expect(demo.summary.refreshes).toBeGreaterThanOrEqual(1);
    }
  }, 60_000);
});

describe('demo command', () => {
  test('--exit at camera pace: the summary on stdout, exit 0', async () => {
    const started = Date.now();
    const result = await runCli(['demo', '--exit', '--seconds', '2', '--no-hls']);
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(1_500);
    expect(result.stdout).toMatch(/^Summary$/m);
    expect(result.stdout).toMatch(/crc64 object\s+\d+ \(match\)/);
    expect(result.stdout).toMatch(/hls\s+skipped: disabled with --no-hls/);
    expect(result.stderr).toContain('at camera pace (2 s)');
    expect(result.stdout).toMatch(/^ {2}web page\s+\(stopped: --exit\)$/m);
  });

  test('--file uploads another recording', async () => {
    const result = await runCli(['demo', '--exit', '--fast', '--file', `${SAMPLE_DIR}sample.aac`]);
    expect(result.code).toBe(0);
    const aac = await readFile(`${SAMPLE_DIR}sample.aac`);
    expect(result.stdout).toMatch(new RegExp(`bytes\\s+${aac.length} `));
    expect(result.stdout).toMatch(/object\s+oss:\/\/media\/videos\/cam-1\/\S+\.aac/);
    expect(result.stdout).toMatch(/hls\s+skipped: HLS is published for the bundled sample only/);
  });

  test(
    '--flaky: lost answers and 503s are retried exactly once each, ' + 'the CRCs still match',
    async () => {
      const result = await runCli(['demo', '--exit', '--fast', '--flaky', '--no-hls']);
      expect(result.code).toBe(0);
      const retries = Number(/retries\s+(\d+)/.exec(result.stdout)?.[1]);
      expect(retries).toBeGreaterThanOrEqual(4);
      expect(result.stdout).toMatch(new RegExp(`bytes\\s+${sample.length} `));
      expect(result.stdout).toMatch(/crc64 object\s+\d+ \(match\)/);
      expect(result.stderr).toMatch(/retry 1: /);
      // As announced: the two failures are 503 ServiceUnavailable, not some other error.
      expect(result.stderr.match(/retry \d+: .*ServiceUnavailable/g)?.length).toBe(2);
      expect(result.stderr).not.toContain('InternalError');
    },
  );

  test('a real endpoint without the rest of its configuration is refused in one line', async () => {
    const result = await runCli(['demo', '--exit'], {
      OSS_ENDPOINT: 'https://oss-cn-hangzhou.aliyuncs.com',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        '^oss-media: OSS_ENDPOINT is set, .* needs ' +
          'OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_ROLE_ARN, OSS_BUCKET\\n$',
      ),
    );
  });

  test('a missing --file is named', async () => {
    const result = await runCli(['demo', '--exit', '--file', '/no/such.mp4']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^oss-media: cannot read '\/no\/such\.mp4'/);
  });
});

describe('while the camera uploads', () => {
  test('the page lists the recording and the HLS rendition as growing', async () => {
    const seen = new Map<string, boolean[]>();
    let polling: Promise<void> | undefined;
    let done = false;
    const demo = await runDemo(
      {
        seconds: 3,
        quiet: true,
        onServing: (pageUrl) => {
          polling = (async () => {
            while (!done) {
              const { videos } = await (await fetch(`${pageUrl}api/videos`)).json();
              for (const v of videos as Array<{ kind: string; growing: boolean }>) {
                seen.set(v.kind, [...(seen.get(v.kind) ?? []), v.growing]);
              }
              await new Promise((resolve) => setTimeout(resolve, 150));
            }
          })();
        },
      },
      { stdout: new Capture(), stderr: new Capture(), env: {} },
    );
    done = true;
    await polling;
    try {
      expect(seen.get('file')).toContain(true);
      expect(seen.get('hls')).toContain(true);
      const after = await (await fetch(`${demo.summary.pageUrl}api/videos`)).json();
      const hls = after.videos.find((v: { kind: string }) => v.kind === 'hls');
      expect(hls.growing).toBe(false);
    } finally {
      await demo.close();
    }
  });
});

describe('against an endpoint given in the environment', () => {
  test('uses those keys, that role, that bucket and that STS endpoint', async () => {
    const server = await startMock({ buckets: ['camera-videos'] });
    try {
      const result = await runCli(['demo', '--exit', '--fast', '--no-hls'], {
        OSS_ENDPOINT: server.url,
        OSS_ACCESS_KEY_ID: server.mock.credentials.accessKeyId,
        OSS_ACCESS_KEY_SECRET: server.mock.credentials.accessKeySecret,
        OSS_ROLE_ARN: server.mock.roleArns[0],
        OSS_BUCKET: 'camera-videos',
        OSS_STS_ENDPOINT: server.stsUrl,
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`1. using ${server.url}, bucket 'camera-videos'`);
      expect(result.stdout).toMatch(/object\s+oss:\/\/camera-videos\/videos\/cam-1\//);
      // Nobody moves a real endpoint's clock: the 900 s token outlives the upload.
      expect(result.stdout).toMatch(/refreshes\s+0$/m);
      expect(result.stdout).toMatch(/crc64 object\s+\d+ \(match\)/);
    } finally {
      await server.close();
    }
  });
});

describe('a CRC-64 mismatch', () => {
  test('makes the demo exit non-zero', async () => {
    vi.resetModules();
    vi.doMock('../src/demo.js', async (original) => ({
      ...(await original<typeof import('../src/demo.js')>()),
      demoCommand: async () => ({ crcMatch: false }),
    }));
    const { run } = await import('../src/cli.js');
    const stderr = new Capture();
    const code = await run(['demo', '--exit'], { stdout: new Capture(), stderr, env: {} });
    vi.doUnmock('../src/demo.js');
    expect(code).toBe(1);
    expect(stderr.text).toBe('oss-media: the CRC-64 of the object differs from the file\n');
  });
});
