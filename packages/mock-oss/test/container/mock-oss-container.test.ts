/**
 * The mock-oss image, built from packages/mock-oss/Dockerfile and started through the
 * Testcontainers module, with real clients against it: the official ali-oss SDK and this
 * project's media client, each also with temporary credentials from the container's own STS.
 *
 * Needs a Docker daemon; without one the suite is skipped with the reason, except on CI
 * (CI=true), where a missing daemon is a failure.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { createClient } from '@oss-media/media-client';
import { assumeRole } from '@oss-media/sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMockOssContainer } from '../../src/testcontainers.js';
import { buildTestImage, docker, dockerStatus } from './docker.js';

// The Ryuk reaper's image cannot be pulled where no registry is reachable; every container here
// is stopped by the test that started it. Set before Testcontainers is loaded.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
const { MockOssContainer } = await import('../../src/testcontainers.js');

const status = await dockerStatus();
const mustRun = status.available || process.env.CI === 'true';
if (!status.available) {
  const outcome = mustRun ? 'failing (CI=true)' : 'skipping';
  console.warn(`mock-oss container tests: ${outcome}: ${status.reason}`);
}

/** The slice of ali-oss these tests use (the package ships no types). */
interface AliOssError extends Error {
  code: string;
  status: number;
}
interface AliOssClient {
  put(key: string, body: Buffer): Promise<{ res: { status: number } }>;
  append(
    key: string,
    body: Buffer,
    options?: { position?: string | number },
  ): Promise<{ nextAppendPosition: string }>;
  get(key: string): Promise<{ content: Buffer }>;
  list(
    query: { prefix?: string; 'max-keys'?: number } | null,
    options: object,
  ): Promise<{ objects?: { name: string; size: number }[] }>;
  listBuckets(query?: object | null): Promise<{ buckets: { name: string }[] }>;
}
interface AliOssOptions {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  stsToken?: string;
  bucket: string;
  region?: string;
}
interface AliOss {
  new (options: AliOssOptions): AliOssClient;
  STS: new (options: {
    accessKeyId: string;
    accessKeySecret: string;
    endpoint: string;
  }) => {
    assumeRole(
      roleArn: string,
      policy: object | null,
      expirationSeconds: number,
      session: string,
    ): Promise<{
      credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string };
    }>;
  };
}
const OSS = createRequire(import.meta.url)('ali-oss') as AliOss;

const FULL_ACCESS_ROLE = 'acs:ram::1234567890123456:role/test-full-access';
const CAMERA_ROLE = 'acs:ram::1234567890123456:role/camera-9-upload';
/** May write and read under videos/cam-9/ only. */
const CAMERA_POLICY = {
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['oss:PutObject', 'oss:GetObject'],
      Resource: ['acs:oss:*:*:videos/cam-9/*'],
    },
  ],
};

const run = promisify(execFile);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

describe.runIf(mustRun)('mock-oss container', () => {
  let image: string;

  beforeAll(async () => {
    if (!status.available) throw new Error(`Docker is required on CI: ${status.reason}`);
    image = await buildTestImage();
  }, 240_000);

  describe('started with credentials, region and buckets', () => {
    let oss: StartedMockOssContainer;

    beforeAll(async () => {
      oss = await new MockOssContainer(image)
        .withCredentials('container-ak', 'container-sk')
        .withRegion('cn-shanghai')
        .withBucket('videos')
        .withBucket('logs')
        .withRole(FULL_ACCESS_ROLE)
        .withRole(CAMERA_ROLE, CAMERA_POLICY)
        .start();
    }, 120_000);

    afterAll(async () => {
      await oss?.stop();
    });

    const aliOss = (bucket = 'videos', secret = oss.getCredentials().accessKeySecret) =>
      new OSS({
        endpoint: oss.getEndpoint(),
        accessKeyId: oss.getCredentials().accessKeyId,
        accessKeySecret: secret,
        bucket,
        region: `oss-${oss.getRegion()}`,
      });

    it('reports a loopback endpoint, the STS path beside it and the configured settings', () => {
      expect(oss.getEndpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(oss.getStsEndpoint()).toBe(`${oss.getEndpoint()}/sts`);
      expect(oss.getCredentials()).toEqual({
        accessKeyId: 'container-ak',
        accessKeySecret: 'container-sk',
      });
      expect(oss.getRegion()).toBe('cn-shanghai');
      expect(oss.getRoleArn()).toBe(FULL_ACCESS_ROLE);
      expect(oss.getRoleArns()).toEqual([FULL_ACCESS_ROLE, CAMERA_ROLE]);
      expect(oss.getBuckets()).toEqual(['videos', 'logs']);
    });

    it('runs as the unprivileged user node, and its health check passes', async () => {
      const uid = await oss.exec(['node', '-p', 'process.getuid()']);
      expect(uid.output.trim()).toBe('1000');

      const health = await oss.exec(['node', '/app/packages/mock-oss/docker/healthcheck.js']);
      expect(health.exitCode, health.output).toBe(0);
    });

    it('creates the buckets named in MOCK_OSS_BUCKETS (ali-oss listBuckets)', async () => {
      // ali-oss sends ListBuckets for an IP endpoint with the Host ".oss-<region>.aliyuncs.com";
      // a host name endpoint keeps the request a plain service-level GET.
      const client = new OSS({
        endpoint: oss.getEndpoint().replace('127.0.0.1', 'localhost'),
        ...oss.getCredentials(),
        bucket: 'videos',
      });
      const { buckets } = await client.listBuckets({});
      expect(buckets.map((b) => b.name).sort()).toEqual(['logs', 'videos']);
    });

    it('serves ali-oss put, append, get and list', async () => {
      const client = aliOss();
      const put = await client.put('cam-1/poster.jpg', Buffer.from('jpeg bytes'));
      expect(put.res.status).toBe(200);

      const first = await client.append('cam-1/live.ts', Buffer.from('segment-1;'));
      expect(first.nextAppendPosition).toBe('10');
      const second = await client.append('cam-1/live.ts', Buffer.from('segment-2;'), {
        position: first.nextAppendPosition,
      });
      expect(second.nextAppendPosition).toBe('20');

      const got = await client.get('cam-1/live.ts');
      expect(got.content.toString()).toBe('segment-1;segment-2;');

      const listed = await client.list({ prefix: 'cam-1/', 'max-keys': 10 }, {});
      expect((listed.objects ?? []).map((o) => [o.name, o.size])).toEqual([
        ['cam-1/live.ts', 20],
        ['cam-1/poster.jpg', 10],
      ]);
    });

    it('answers an append at a stale position with 409 PositionNotEqualToLength', async () => {
      const client = aliOss();
      await client.append('cam-1/stale.ts', Buffer.from('abc'));

      const error = (await client
        .append('cam-1/stale.ts', Buffer.from('def'), { position: 0 })
        .catch((e: unknown) => e)) as AliOssError;

      expect(error.status).toBe(409);
      expect(error.code).toBe('PositionNotEqualToLength');
    });

    it('refuses a request signed with another secret (MOCK_OSS_ACCESS_KEY_SECRET)', async () => {
      const error = (await aliOss('videos', 'not-the-secret')
        .get('cam-1/poster.jpg')
        .catch((e: unknown) => e)) as AliOssError;

      expect(error.status).toBe(403);
      expect(error.code).toBe('SignatureDoesNotMatch');
    });

    it('hands ali-oss temporary credentials from its STS endpoint (OSS.STS)', async () => {
      const sts = new OSS.STS({ ...oss.getCredentials(), endpoint: oss.getStsEndpoint() });
      const { credentials } = await sts.assumeRole(oss.getRoleArn(), null, 900, 'ali-oss-test');
      const client = new OSS({
        endpoint: oss.getEndpoint(),
        accessKeyId: credentials.AccessKeyId,
        accessKeySecret: credentials.AccessKeySecret,
        stsToken: credentials.SecurityToken,
        bucket: 'logs',
      });

      await client.put('temporary/hello.txt', Buffer.from('from a temporary key'));
      const got = await client.get('temporary/hello.txt');
      expect(got.content.toString()).toBe('from a temporary key');
    });

    it('serves the media client: an appendable file written, read, stat-ed, listed', async () => {
      const client = createClient({ endpoint: oss.getEndpoint(), auth: oss.getCredentials() });
      try {
        const file = await client.open('videos', 'cam-2/rec.ts', 'a');
        await file.write(bytes('chunk-a|'));
        await file.write(bytes('chunk-b|'));
        await file.close();

        const stat = await client.headObject('videos', 'cam-2/rec.ts');
        expect(stat.type).toBe('Appendable');
        expect(stat.length).toBe(16);
        expect(stat.nextAppendPosition).toBe(16);

        const got = await client.getObject('videos', 'cam-2/rec.ts');
        expect(text(got.body)).toBe('chunk-a|chunk-b|');

        const keys: string[] = [];
        for await (const o of client.listObjects('videos', { prefix: 'cam-2/' })) keys.push(o.key);
        expect(keys).toEqual(['cam-2/rec.ts']);
      } finally {
        await client.close();
      }
    });

    it('serves the media client signing V4 for the configured region', async () => {
      const client = createClient({
        endpoint: oss.getEndpoint(),
        auth: oss.getCredentials(),
        region: oss.getRegion(),
        signatureVersion: 'v4',
      });
      try {
        await client.putObject('logs', 'v4/object.txt', bytes('signed with V4'));
        const got = await client.getObject('logs', 'v4/object.txt');
        expect(text(got.body)).toBe('signed with V4');
      } finally {
        await client.close();
      }
    });

    it('gives the media client a camera token from its STS (sts assumeRole)', async () => {
      const auth = () =>
        assumeRole({
          credentials: oss.getCredentials(),
          roleArn: oss.getRoleArn(),
          roleSessionName: 'camera-42',
          durationSeconds: 900,
          endpoint: oss.getStsEndpoint(),
        });
      const client = createClient({ endpoint: oss.getEndpoint(), auth });
      try {
        const result = await client.appendObject('videos', 'cam-42/token.ts', 0, bytes('0123'));
        expect(result.nextPosition).toBe(4);
        expect(text((await client.getObject('videos', 'cam-42/token.ts')).body)).toBe('0123');
      } finally {
        await client.close();
      }
    });

    it('enforces the policy of a role given withRole (copied into the container)', async () => {
      const token = await assumeRole({
        credentials: oss.getCredentials(),
        roleArn: CAMERA_ROLE,
        roleSessionName: 'camera-9',
        endpoint: oss.getStsEndpoint(),
      });
      const client = createClient({ endpoint: oss.getEndpoint(), auth: token });
      try {
        await client.putObject('videos', 'cam-9/allowed.ts', bytes('mine'));
        const denied = await client
          .putObject('videos', 'cam-1/not-mine.ts', bytes('theirs'))
          .catch((e: unknown) => e);
        expect(denied).toMatchObject({ status: 403, code: 'AccessDenied' });
      } finally {
        await client.close();
      }
    });

    it('is reported healthy by Docker through the image HEALTHCHECK', async () => {
      const deadline = Date.now() + 30_000;
      let health = '';
      while (Date.now() < deadline) {
        health = await docker(['inspect', '--format', '{{.State.Health.Status}}', oss.getId()]);
        if (health !== 'starting') break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(health).toBe('healthy');
    }, 40_000);
  });

  describe('started without auth, on the /data volume, with CORS open and a storage cap', () => {
    let oss: StartedMockOssContainer;

    beforeAll(async () => {
      oss = await new MockOssContainer(image)
        .withNoAuth()
        .withDataDir()
        .withCorsAllowAll()
        .withStorageLimit(4096)
        .withBucket('keep')
        .start();
    }, 120_000);

    afterAll(async () => {
      await oss?.stop();
    });

    it('accepts unsigned requests; its objects survive the container being killed', async () => {
      const url = `${oss.getEndpoint()}/keep/clip.ts`;
      const put = await fetch(url, { method: 'PUT', body: 'kept on disk' });
      expect(put.status).toBe(200);

      // Restart with a zero timeout: docker kills the server, no clean shutdown.
      await oss.restart();

      const got = await fetch(url);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('kept on disk');
    });

    it('answers a browser preflight from any origin (MOCK_OSS_CORS_ALLOW_ALL)', async () => {
      const preflight = await fetch(`${oss.getEndpoint()}/keep/upload.ts`, {
        method: 'OPTIONS',
        headers: { origin: 'https://player.example', 'access-control-request-method': 'PUT' },
      });
      expect(preflight.status).toBe(200);
      expect(preflight.headers.get('access-control-allow-origin')).toMatch(
        /^(\*|https:\/\/player\.example)$/,
      );
    });

    it('refuses a write beyond the storage cap (MOCK_OSS_STORAGE_LIMIT)', async () => {
      const put = await fetch(`${oss.getEndpoint()}/keep/too-big.bin`, {
        method: 'PUT',
        body: new Uint8Array(8192),
      });
      expect(put.status).toBe(507);
      expect(await put.text()).toContain('<Code>InsufficientStorage</Code>');
    });
  });

  describe('start-up', () => {
    let blocker: Server | undefined;

    afterAll(async () => {
      await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    });

    it('fails fast, quoting the server log, when its port is taken', async () => {
      // It hangs up on every connection, so the readiness probe cannot mistake it for mock-oss.
      blocker = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;

      const started = Date.now();
      const error = (await new MockOssContainer(image)
        .withPort(port)
        .start()
        .catch((e: unknown) => e)) as Error;

      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(`before answering on http://127.0.0.1:${port}`);
      expect(error.message).toMatch(/EADDRINUSE|already in use/i);
      expect(Date.now() - started).toBeLessThan(30_000);
    });

    it('hands the same running container to a second start with withReuse()', async () => {
      const first = await new MockOssContainer(image).withNoAuth().withReuse().start();
      try {
        const second = await new MockOssContainer(image).withNoAuth().withReuse().start();
        expect(second.getId()).toBe(first.getId());
        expect(second.getEndpoint()).toBe(first.getEndpoint());
      } finally {
        await first.stop();
      }
    });

    it('refuses a malformed MOCK_OSS_* switch, naming the variable', async () => {
      const error = (await run('docker', [
        'run',
        '--rm',
        '--network',
        'host',
        '-e',
        'MOCK_OSS_NO_AUTH=maybe',
        image,
      ]).catch((e: unknown) => e)) as { code: number; stderr: string };

      expect(error.code).toBe(2);
      expect(error.stderr).toContain('MOCK_OSS_NO_AUTH must be true or false');
    });

    it('builds an image that declares its user, volume, port and health check', async () => {
      const [config] = JSON.parse(await docker(['image', 'inspect', image])) as {
        Config: {
          User: string;
          Volumes: Record<string, object>;
          ExposedPorts: Record<string, object>;
          Healthcheck: { Test: string[] };
          Env: string[];
        };
      }[];

      expect(config!.Config.User).toBe('node');
      expect(Object.keys(config!.Config.Volumes)).toEqual(['/data']);
      expect(Object.keys(config!.Config.ExposedPorts)).toEqual(['9000/tcp']);
      expect(config!.Config.Healthcheck.Test.slice(0, 2)).toEqual(['CMD', 'node']);
      expect(config!.Config.Env).toEqual(
        expect.arrayContaining(['MOCK_OSS_PORT=9000', 'MOCK_OSS_DATA_DIR=/data']),
      );
    });
  });
});
