import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { crc64 } from '@oss-media/oss-sign';
import { CredentialsProvider, getToken } from '@oss-media/sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type ClientEvent } from '../src/node.js';
import { sameBytes } from './helpers/fake-oss.js';
import { patternBytes, startMock, TRANSPORTS } from './helpers/mock-server.js';

const MiB = 1024 * 1024;
const SAMPLE = fileURLToPath(new URL('../../cli/sample/sample.mp4', import.meta.url));

describe.each(TRANSPORTS)('exactly-once and credentials against mock-oss (%s)', (name) => {
  let mock: Awaited<ReturnType<typeof startMock>>;
  beforeAll(async () => {
    mock = await startMock(['media', 'videos'], name === 'fetch' ? 7 : 11);
  });
  afterAll(async () => {
    await mock.stop();
  });

  it('64 MiB in 256 KiB appends, 10 % failing each way, lands byte for byte', async () => {
    const { oss } = mock;
    for (const action of [
      { type: 'error', code: 'InternalError' },
      { type: 'close-mid-body' },
      { type: 'drop-response' },
    ] as const) {
      oss.faults.add({ operation: 'AppendObject', bucket: 'media', probability: 0.1, action });
    }
    const events: ClientEvent[] = [];
    const client = mock.client(name, {
      retry: { attempts: 12, baseDelayMs: 1, maxDelayMs: 8 },
      onEvent: (event) => events.push(event),
    });
    const source = patternBytes(64 * MiB, 3);
    const key = `faults/${name}.bin`;

    const file = await client.open('media', key, 'aw');
    const result = await file.appendFrom([source], { chunkSize: 256 * 1024 });
    oss.faults.clear();

    expect(result.bytes).toBe(64 * MiB);
    const fired = oss.requests.list((entry) => (entry.faults?.length ?? 0) > 0);
    const reconciled = events.filter((e) => e.type === 'append-reconciled');
    expect(fired.length).toBeGreaterThan(40);
    expect(reconciled.some((e) => e.type === 'append-reconciled' && e.outcome === 'applied')).toBe(
      true,
    );

    const stored = await client.getObject('media', key);
    expect(sameBytes(stored.body, source)).toBe(true);
    const expectedCrc = crc64(source);
    expect(stored.stat.crc64).toBe(expectedCrc);
    expect(file.crc64).toBe(expectedCrc);
    await file.close();
  }, 180_000);

  it('the sample recording uploads byte-identical while its STS token expires', async () => {
    const { oss, server } = mock;
    const roleArn = oss.roleArns[0]!;
    // The vending side: AssumeRole against the mock's STS, its clock in step with the mock's.
    const mint = () =>
      getToken({
        credentials: oss.credentials,
        roleArn,
        bucket: 'videos',
        path: 'cam-42/*',
        mode: 'ra',
        durationSeconds: 900,
        endpoint: server.stsUrl,
        now: () => new Date(oss.clock.now()),
      });
    let minted = 0;
    const events: ClientEvent[] = [];
    const client = mock.client(name, {
      // Like the C SDK's callback, this one does not say when the token expires: the client
      // learns it from the service's 403 SecurityTokenExpired.
      auth: async () => {
        minted += 1;
        const { accessKeyId, accessKeySecret, securityToken } = await mint();
        return { accessKeyId, accessKeySecret, securityToken };
      },
      onEvent: (event) => events.push(event),
    });

    const file = await client.open('videos', `cam-42/${name}-sample.mp4`, 'a');
    let advanced = false;
    await file.appendFrom(SAMPLE, {
      chunkSize: 16 * 1024,
      onProgress: (progress) => {
        if (!advanced && progress.bytes >= 128 * 1024) {
          advanced = true;
          oss.clock.advance(16 * 60_000); // past the token's 15 minutes, and past the skew limit
        }
      },
    });
    await file.close();
    oss.clock.reset();

    const sample = new Uint8Array(await readFile(SAMPLE));
    const stored = await client.getObject('videos', `cam-42/${name}-sample.mp4`);
    expect(sameBytes(stored.body, sample)).toBe(true);
    expect(stored.stat.crc64).toBe(crc64(sample));

    expect(minted).toBe(2);
    expect(events).toContainEqual({ type: 'refresh', reason: 'rejected' });
    expect(events.some((e) => e.type === 'clock-skew')).toBe(true);
    const refused = oss.requests.list(
      (entry) => entry.errorCode === 'SecurityTokenExpired' && entry.operation === 'AppendObject',
    );
    expect(refused).toHaveLength(1);
  });

  it('refreshes ahead of the expiration when the device clock moves with the service', async () => {
    const { oss, server } = mock;
    const provider = new CredentialsProvider({
      fetchCredentials: () =>
        getToken({
          credentials: oss.credentials,
          roleArn: oss.roleArns[0]!,
          bucket: 'videos',
          path: 'cam-42/*',
          mode: 'a',
          durationSeconds: 900,
          endpoint: server.stsUrl,
          now: () => new Date(oss.clock.now()),
        }),
      marginMs: 60_000,
      now: () => oss.clock.now(),
    });
    const client = mock.client(name, { auth: provider, now: () => oss.clock.now() });
    const file = await client.open('videos', `cam-42/${name}-ahead.ts`, 'a');
    await file.write(new Uint8Array(1000).fill(1));
    oss.clock.advance(14.5 * 60_000); // within the provider's margin of the expiration
    await file.write(new Uint8Array(1000).fill(2));
    oss.clock.reset();

    expect(provider.refreshCount).toBeGreaterThanOrEqual(2);
    expect(client.stats.refreshes).toBe(provider.refreshCount - 1);
    const rejected = oss.requests.list((e) => e.errorCode === 'SecurityTokenExpired');
    expect(rejected.filter((e) => e.key === `cam-42/${name}-ahead.ts`)).toHaveLength(0);
  });

  it(
    'a token for videos/cam-42/* mode a appends there ' +
      'and nowhere else, reads and deletes nothing',
    async () => {
      const { oss, server } = mock;
      const token = await getToken({
        credentials: oss.credentials,
        roleArn: oss.roleArns[0]!,
        bucket: 'videos',
        path: 'cam-42/*',
        mode: 'a',
        endpoint: server.stsUrl,
      });
      const admin = mock.client(name);
      const camera = mock.client(name, { auth: token });
      const key = `cam-42/${name}-scoped.ts`;
      await admin.appendObject('videos', key, 0, new TextEncoder().encode('earlier;'));

      // Mode a with a write-only token: HEAD is denied, length and CRC come from empty appends.
      const file = await camera.open('videos', key, 'a');
      expect(file.tell()).toBe(8);
      await file.write(new TextEncoder().encode('segment'));
      const stored = await admin.getObject('videos', key);
      expect(new TextDecoder().decode(stored.body)).toBe('earlier;segment');
      expect(stored.stat.crc64).toBe(file.crc64);

      const elsewhere: Array<() => Promise<unknown>> = [
        () => camera.open('videos', `cam-43/${name}.ts`, 'a'),
        () => camera.appendObject('videos', `cam-43/${name}.ts`, 0, new Uint8Array(4)),
        () => camera.appendObject('media', `cam-42/${name}.ts`, 0, new Uint8Array(4)),
        () => camera.getObject('videos', key),
        () => camera.headObject('videos', key),
        () => camera.deleteObject('videos', key),
        () => camera.open('videos', key, 'r').then((reader) => reader.read(1)),
        () => file.delete(),
      ];
      for (const attempt of elsewhere) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AccessDeniedError);
        expect(error).toMatchObject({ code: 'AccessDenied', status: 403 });
      }
      expect((await admin.headObject('videos', key)).length).toBe(15);
    },
  );
});
