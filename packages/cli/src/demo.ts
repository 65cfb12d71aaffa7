/**
 * The end-to-end scenario `npm start` runs: an OSS + STS endpoint (the embedded mock unless a
 * real one is configured), the application server with its token endpoint and page, and a
 * camera that gets a short-lived append-only token and uploads a recording, refreshing the
 * token when it expires. Ends with a summary whose CRC-64s must match.
 */
import { randomBytes } from 'node:crypto';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assumeRole,
  CredentialsProvider,
  createTokenVendingHandler,
  fetchVendedCredentials,
} from '@oss-media/sts';
import {
  cameraAuthenticator,
  createAppHandler,
  listenApp,
  type RunningAppServer,
  type VideoStore,
} from './app-server.js';
import { fileCrc64, pacedChunks } from './camera.js';
import { fileSize } from './commands/upload.js';
import { type AccessKeys, ENV, fromEnv, normalizeEndpoint } from './config.js';
import { CliError, describeError } from './errors.js';
import { formatBytes, formatRate } from './format.js';
import { publishHls } from './hls-adapter.js';
import { type Io, println, waitForStop } from './io.js';
import { connectOss } from './media-client-adapter.js';
import { startMock } from './mock-adapter.js';
import type { OssOperations } from './oss.js';
import { createProgress } from './progress.js';
import { QuietMoment } from './quiet-moment.js';
import { typeOfKey } from './videos.js';

/** The demo's flags. */
export interface DemoFlags {
  file?: string;
  fast?: boolean;
  seconds?: number;
  exit?: boolean;
  port?: number;
  host?: string;
  chunkSize?: number;
  camera?: string;
  hls?: boolean;
  /** Mock only: lose the answers to two appends and fail two more with 503. */
  flaky?: boolean;
  quiet?: boolean;
  /** Forces progress bars on or off (tests). */
  tty?: boolean;
  /** Called once the page is being served, before the camera starts. */
  onServing?: (pageUrl: string) => void;
}

/** What the demo reports at the end. */
export interface DemoSummary {
  endpoint: string;
  mock: boolean;
  bucket: string;
  key: string;
  bytes: number;
  elapsedMs: number;
  bytesPerSecond: number;
  /** Tokens fetched from the application server after the first. */
  refreshes: number;
  retries: number;
  localCrc64: string;
  objectCrc64: string;
  crcMatch: boolean;
  playbackUrl: string;
  pageUrl: string;
  hls: { key: string; segments: number } | { skipped: string };
}

/** A finished scenario whose servers are still running. */
export interface RunningDemo {
  summary: DemoSummary;
  close(): Promise<void>;
}

const SAMPLE_DIR = fileURLToPath(new URL('../sample/', import.meta.url));
const SAMPLE_SECONDS = 12;
const TOKEN_SECONDS = 900;
const DEFAULT_CHUNK = 16 * 1024;

/** An OSS + STS endpoint for the demo. */
interface Target {
  mock: boolean;
  endpoint: string;
  stsEndpoint: string;
  keys: AccessKeys;
  roleArn: string;
  bucket: string;
  /** The clock the whole scenario shares (the mock's, which the demo moves forward). */
  now: () => number;
  skipAhead?: (ms: number) => void;
  /** Makes the next two appends to `key` fail in a way a mobile network does (mock only). */
  injectFaults?: (key: string, kind: 'lost-answer' | 'server-error') => void;
  close(): Promise<void>;
}

async function openTarget(io: Io): Promise<Target> {
  const endpoint = fromEnv(ENV.endpoint, io.env);
  if (endpoint === undefined) {
    // hls.js fetches segments from the bucket's origin: the page's origin must be allowed.
    const server = await startMock({ buckets: ['media'], corsAllowAll: true });
    const roleArn = server.mock.roleArns[0];
    if (roleArn === undefined) {
      await server.close();
      throw new CliError('Unavailable', 'the embedded mock reports no role to assume');
    }
    return {
      mock: true,
      endpoint: server.url,
      stsEndpoint: server.stsUrl,
      keys: { ...server.mock.credentials },
      roleArn,
      bucket: 'media',
      now: () => server.mock.clock.now(),
      skipAhead: (ms) => server.mock.clock.advance(ms),
      injectFaults: (key, kind) => {
        server.mock.faults.add({
          operation: 'AppendObject',
          key,
          times: 2,
          // A lost answer: the append landed, and the client must not append it twice.
          action:
            kind === 'lost-answer'
              ? { type: 'drop-response' }
              : { type: 'error', code: 'ServiceUnavailable', status: 503 },
        });
      },
      close: () => server.close(),
    };
  }

  const wanted = [ENV.accessKeyId, ENV.accessKeySecret, ENV.roleArn, 'OSS_BUCKET'];
  const missing = wanted.filter((name) => fromEnv(name, io.env) === undefined);
  if (missing.length > 0) {
    throw new CliError(
      'MissingConfiguration',
      `${ENV.endpoint} is set, so the demo uses a real endpoint and also needs ` +
        missing.join(', '),
      { exitCode: 2 },
    );
  }
  return {
    mock: false,
    endpoint: normalizeEndpoint(endpoint),
    stsEndpoint: fromEnv(ENV.stsEndpoint, io.env) ?? 'https://sts.aliyuncs.com',
    keys: {
      accessKeyId: fromEnv(ENV.accessKeyId, io.env)!,
      accessKeySecret: fromEnv(ENV.accessKeySecret, io.env)!,
    },
    roleArn: fromEnv(ENV.roleArn, io.env)!,
    bucket: fromEnv('OSS_BUCKET', io.env)!,
    now: Date.now,
    close: async () => {},
  };
}

/** The application server's store: its own permanent keys against OSS. */
function videoStore(oss: OssOperations, bucket: string): VideoStore {
  return {
    list: async function* (prefix) {
      for await (const item of oss.list(bucket, { prefix, recursive: true })) {
        if (item.kind === 'object') yield item;
      }
    },
    readText: async (key) => new TextDecoder().decode(await oss.read(bucket, key)),
    remove: (key) => oss.remove(bucket, key),
    presign: (key, expires) => oss.presign(bucket, key, { expires }),
  };
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Runs steps 1–4 of the scenario and returns the summary with the servers still up.
 *
 * @throws CliError when a dependency is missing or the configuration is incomplete; any
 *   upload failure as the client reports it.
 */
export async function runDemo(flags: DemoFlags, io: Io): Promise<RunningDemo> {
  const say = (line: string) => {
    if (!flags.quiet) println(io.stderr, line);
  };
  const camera = flags.camera ?? 'cam-1';
  const file = flags.file ?? `${SAMPLE_DIR}sample.mp4`;
  const size = await fileSize(file);

  // 1. The OSS + STS endpoint.
  const target = await openTarget(io);
  const cleanup: Array<() => Promise<void>> = [() => target.close()];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };

  try {
    say(
      target.mock
        ? `1. mock OSS + STS running at ${target.endpoint} (bucket '${target.bucket}')`
        : `1. using ${target.endpoint}, bucket '${target.bucket}', role ${target.roleArn}`,
    );
    const server = await connectOss({
      endpoint: target.endpoint,
      auth: target.keys,
      now: target.now,
    });
    cleanup.push(() => server.close());
    if (target.mock) await server.ensureBucket(target.bucket);

    // 2. The application server: token vending for cameras, the page, listing and deleting.
    const secret = randomBytes(16).toString('hex');
    const tokenHandler = createTokenVendingHandler({
      authenticate: cameraAuthenticator({
        bucket: target.bucket,
        cameras: new Map([[camera, secret]]),
        durationSeconds: TOKEN_SECONDS,
      }),
      issue: (grant) =>
        assumeRole({
          credentials: target.keys,
          roleArn: target.roleArn,
          roleSessionName: grant.sessionName,
          policy: grant.policy,
          durationSeconds: grant.durationSeconds,
          endpoint: target.stsEndpoint,
          now: () => new Date(target.now()),
        }),
    });
    const app: RunningAppServer = await listenApp(
      createAppHandler({
        bucket: target.bucket,
        store: videoStore(server, target.bucket),
        cameras: new Map([[camera, secret]]),
        tokenHandler,
        now: target.now,
      }),
      { host: flags.host ?? '127.0.0.1', port: flags.port ?? 0 },
    );
    cleanup.push(() => app.close());
    say(`2. application server at ${app.url}/ (cameras get tokens from POST ${app.url}/api/token)`);
    flags.onServing?.(`${app.url}/`);

    // 3. The camera: a token from the application server, refreshed when it expires.
    let progressNote = (line: string) => say(line);
    let tokens = 0;
    const provider = new CredentialsProvider({
      fetchCredentials: async () => {
        const token = await fetchVendedCredentials(`${app.url}/api/token`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}` },
        });
        tokens += 1;
        const until = token.expiration.toISOString();
        progressNote(
          tokens === 1
            ? `3. camera '${camera}' got a token for ${token.path ?? `videos/${camera}/`} ` +
                `(mode ${token.mode ?? '?'}, expires ${until})`
            : `   camera '${camera}' refreshed its token (now expires ${until})`,
        );
        return token;
      },
      marginMs: 60_000,
      now: target.now,
    });

    const cameraOss = await connectOss({
      endpoint: target.endpoint,
      auth: provider,
      now: target.now,
      onNotice: (notice) => {
        if (notice.type === 'retry') progressNote(`   retry ${notice.attempt}: ${notice.reason}`);
      },
    });
    cleanup.push(() => cameraOss.close());

    const started = new Date(target.now());
    const key = `videos/${camera}/${stamp(started)}${extname(file) || '.bin'}`;
    const chunkSize = flags.chunkSize ?? DEFAULT_CHUNK;
    const paceMs = flags.fast ? 0 : (flags.seconds ?? SAMPLE_SECONDS) * 1000;
    await provider.getCredentials();
    say(
      `   uploading ${basename(file)} (${formatBytes(size)}) to oss://${target.bucket}/${key} ` +
        (paceMs === 0 ? 'as fast as possible' : `at camera pace (${paceMs / 1000} s)`),
    );
    if (flags.flaky) {
      if (target.injectFaults === undefined) {
        throw new CliError('Unsupported', '--flaky needs the embedded mock', { exitCode: 2 });
      }
      target.injectFaults(key, 'lost-answer');
      say(
        '   the mock will lose the answers to two appends, ' +
          'and fail two later ones with 503 ServiceUnavailable',
      );
    }
    const progress = createProgress({
      label: basename(file),
      total: size,
      stream: io.stderr as NodeJS.WriteStream,
      quiet: flags.quiet === true,
      ...(flags.tty === undefined ? {} : { tty: flags.tty }),
    });
    progressNote = (line) => (flags.quiet ? undefined : progress.note(line));

    // The clock moves only when no request is on the wire: the HLS writes wait behind this
    // gate, and the upload's appends are all acknowledged (see onHalfway).
    const quiet = new QuietMoment();
    let appended = 0;
    let uploading = true;
    const hlsJob = publishDemoHls(flags, {
      file,
      oss: quiet.wrap(cameraOss),
      bucket: target.bucket,
      prefix: `videos/${camera}/${stamp(started)}-hls/`,
      paceMs,
    });

    const report = await cameraOss
      .upload(
        target.bucket,
        key,
        pacedChunks(file, size, {
          chunkSize,
          durationMs: paceMs,
          onHalfway: async (released) => {
            if (flags.flaky) target.injectFaults?.(key, 'server-error');
            const { skipAhead } = target;
            if (skipAhead === undefined) return;
            await quiet.hold(async () => {
              // The upload reads the next chunk while the last one is on the wire: wait for it.
              await until(() => appended >= released || !uploading);
              // The token lives 900 s, the shortest STS allows; moving the shared clock past its
              // expiration makes the camera's next append need a new one.
              skipAhead((TOKEN_SECONDS + 1) * 1000);
            });
            progressNote(
              `   mock clock moved ${TOKEN_SECONDS + 1} s ahead: the camera's token has expired`,
            );
          },
        }),
        {
          append: true,
          chunkSize,
          contentType: typeOfKey(key),
          onProgress: (bytes) => {
            appended = bytes;
            progress.update(bytes);
          },
        },
      )
      .finally(() => {
        uploading = false;
      });
    progress.stop();
    const hls = await hlsJob;

    // 4. The summary, checked: the object's CRC-64 (HEAD with the server's keys) against the file.
    const [localCrc64, info] = await Promise.all([
      fileCrc64(file),
      server.stat(target.bucket, key),
    ]);
    const objectCrc64 = info.crc64 ?? report.crc64 ?? '';
    const stats = cameraOss.stats();
    const summary: DemoSummary = {
      endpoint: target.endpoint,
      mock: target.mock,
      bucket: target.bucket,
      key,
      bytes: report.bytes,
      elapsedMs: report.elapsedMs,
      bytesPerSecond: Math.round((report.bytes * 1000) / Math.max(report.elapsedMs, 1)),
      refreshes: Math.max(0, tokens - 1),
      retries: stats.retries,
      localCrc64,
      objectCrc64,
      crcMatch: localCrc64 === objectCrc64 && info.size === size,
      playbackUrl: await server.presign(target.bucket, key, { expires: 3600 }),
      pageUrl: `${app.url}/`,
      hls,
    };
    return { summary, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function publishDemoHls(
  flags: DemoFlags,
  job: { file: string; oss: OssOperations; bucket: string; prefix: string; paceMs: number },
): Promise<DemoSummary['hls']> {
  if (flags.hls === false) return { skipped: 'disabled with --no-hls' };
  if (flags.file !== undefined) return { skipped: 'HLS is published for the bundled sample only' };
  try {
    const result = await publishHls(job.oss, {
      bucket: job.bucket,
      prefix: job.prefix,
      video: `${SAMPLE_DIR}sample.h264`,
      audio: `${SAMPLE_DIR}sample.aac`,
      live: false,
      paceMs: job.paceMs,
    });
    return { key: result.playlistKey, segments: result.segments };
  } catch (error) {
    return { skipped: describeError(error) };
  }
}

/** The summary as printed: one fact per line. */
export function summaryLines(summary: DemoSummary, options: { stopped?: string } = {}): string[] {
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  const { stopped } = options;
  // A presigned URL of a real endpoint outlives the demo; one of the embedded mock does not.
  const playback =
    stopped !== undefined && summary.mock ? `(stopped: ${stopped})` : summary.playbackUrl;
  const page = stopped === undefined ? summary.pageUrl : `(stopped: ${stopped})`;
  return [
    'Summary',
    `  object         oss://${summary.bucket}/${summary.key}`,
    `  bytes          ${summary.bytes} (${formatBytes(summary.bytes)}) in ${seconds} s, ` +
      formatRate(summary.bytes, summary.elapsedMs),
    `  refreshes      ${summary.refreshes}`,
    `  retries        ${summary.retries}`,
    `  crc64 local    ${summary.localCrc64}`,
    `  crc64 object   ${summary.objectCrc64} (${summary.crcMatch ? 'match' : 'MISMATCH'})`,
    'key' in summary.hls
      ? `  hls            oss://${summary.bucket}/${summary.hls.key} ` +
        `(${summary.hls.segments} segments)`
      : `  hls            skipped: ${summary.hls.skipped}`,
    `  playback URL   ${playback}`,
    `  web page       ${page}`,
  ];
}

/** `oss-media demo`: runs the scenario, prints the summary, serves until Ctrl-C unless --exit. */
export async function demoCommand(flags: DemoFlags, io: Io): Promise<DemoSummary> {
  const demo = await runDemo(flags, io);
  try {
    const serving = !flags.exit && demo.summary.crcMatch;
    const stopped = serving ? {} : { stopped: flags.exit ? '--exit' : 'CRC-64 mismatch' };
    for (const line of summaryLines(demo.summary, stopped)) println(io.stdout, line);
    if (serving) {
      println(io.stdout, '');
      println(
        io.stdout,
        `Open ${demo.summary.pageUrl} to watch and manage the videos; Ctrl-C stops.`,
      );
      await waitForStop(io);
    }
  } finally {
    await demo.close();
  }
  return demo.summary;
}

/** Resolves once `condition()` holds, checking every few milliseconds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
