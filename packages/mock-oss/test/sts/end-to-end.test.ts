/**
 * The whole STS story against the listening server: ali-oss's OSS.STS mints credentials from
 * the mock's STS endpoint, an ali-oss client uses them (V1 and V4 signatures, presigned URLs),
 * the session policy bounds them, and the mock clock expires them.
 */
import { createRequire } from 'node:module';
import { assumeRole, StsError } from '@oss-media/sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMockOss, type Listening, type NodeMockOss } from '../../src/node.js';

const require = createRequire(import.meta.url);
const OSS = require('ali-oss');

interface StsCredentials {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
}

const SESSION_POLICY = {
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['oss:PutObject', 'oss:GetObject'],
      Resource: ['acs:oss:*:*:media/cam-1/*'],
    },
  ],
};

let mock: NodeMockOss;
let server: Listening;

beforeAll(async () => {
  // ali-oss warns on every client built with stsToken but no refresh callback; these tests
  // want the token to expire, so the advice does not apply.
  const warn = console.warn;
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('refreshSTSToken')) warn(...args);
  });
  mock = createMockOss({ buckets: ['media'] });
  server = await mock.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  vi.restoreAllMocks();
});

beforeEach(async () => {
  await mock.reset();
});

async function mint(durationSeconds = 900): Promise<StsCredentials> {
  const sts = new OSS.STS({ ...mock.credentials, endpoint: server.stsUrl });
  const role = [...mock.accounts.roles.keys()][0];
  const { credentials } = await sts.assumeRole(role, SESSION_POLICY, durationSeconds, 'camera-1');
  return credentials;
}

/** An ali-oss client on the minted credentials whose clock follows the mock clock. */
function client(c: StsCredentials, extra: Record<string, unknown> = {}) {
  return new OSS({
    endpoint: `http://localhost:${server.port}`,
    sldEnable: true,
    bucket: 'media',
    region: 'oss-cn-hangzhou',
    accessKeyId: c.AccessKeyId,
    accessKeySecret: c.AccessKeySecret,
    stsToken: c.SecurityToken,
    amendTimeSkewed: mock.clock.now() - Date.now(),
    retryMax: 0,
    ...extra,
  });
}

describe('STS credentials from the mock, used by ali-oss', () => {
  for (const [name, extra] of [
    ['V1 signatures', {}],
    ['V4 signatures', { authorizationV4: true }],
  ] as const) {
    it(`${name}: allowed inside the session policy, AccessDenied outside it`, async () => {
      const oss = client(await mint(), extra);
      await oss.put('cam-1/0001.ts', Buffer.from('segment'));
      expect((await oss.get('cam-1/0001.ts')).content.toString()).toBe('segment');
      expect(mock.requests.last()?.status).toBe(200);

      await expect(oss.put('cam-2/0001.ts', Buffer.from('x'))).rejects.toMatchObject({
        code: 'AccessDenied',
        status: 403,
      });
      await expect(oss.delete('cam-1/0001.ts')).rejects.toMatchObject({ code: 'AccessDenied' });
    });
  }

  it('presigned URLs carry the token and work with plain fetch', async () => {
    const oss = client(await mint());
    await oss.put('cam-1/clip.ts', Buffer.from('clip'));
    const v1 = oss.signatureUrl('cam-1/clip.ts', { expires: 300 });
    expect(new URL(v1).searchParams.get('security-token')).toBeTruthy();
    expect(await (await fetch(v1)).text()).toBe('clip');
  });

  it('SecurityTokenExpired once the mock clock passes the expiration', async () => {
    const credentials = await mint(900);
    await client(credentials).put('cam-1/a.ts', Buffer.from('a'));

    mock.clock.advance(901_000);
    const late = client(credentials);
    await expect(late.put('cam-1/b.ts', Buffer.from('b'))).rejects.toMatchObject({
      code: 'SecurityTokenExpired',
      status: 403,
    });
    await expect(
      client(credentials, { authorizationV4: true }).get('cam-1/a.ts'),
    ).rejects.toMatchObject({
      code: 'SecurityTokenExpired',
    });
  });

  it('a tampered token is InvalidSecurityToken; reset() revokes issued tokens', async () => {
    const credentials = await mint();
    const forged = { ...credentials, SecurityToken: `${credentials.SecurityToken.slice(0, -2)}xx` };
    await expect(client(forged).put('cam-1/c.ts', Buffer.from('c'))).rejects.toMatchObject({
      code: 'InvalidSecurityToken',
    });

    await mock.reset();
    await expect(client(credentials).put('cam-1/c.ts', Buffer.from('c'))).rejects.toMatchObject({
      code: 'InvalidSecurityToken',
    });
  });

  it('a session may not exceed the role maximum', async () => {
    await expect(mint(3601)).rejects.toMatchObject({
      code: 'InvalidParameter.DurationSeconds',
      status: 400,
    });
  });
});

describe("the project's own @oss-media/sts client", () => {
  it('assumeRole against the mock, with the mock clock as its clock', async () => {
    mock.clock.advance(3 * 3600_000);
    const role = [...mock.accounts.roles.keys()][0]!;
    const options = {
      credentials: mock.credentials,
      roleArn: role,
      roleSessionName: 'own-client',
      policy: SESSION_POLICY as never,
      durationSeconds: 1200,
      endpoint: server.stsUrl,
      now: () => new Date(mock.clock.now()),
    };
    const before = Math.floor(mock.clock.now() / 1000) * 1000;
    const issued = await assumeRole(options);
    const after = Math.floor(mock.clock.now() / 1000) * 1000;
    expect(issued.expiration.getTime()).toBeGreaterThanOrEqual(before + 1_200_000);
    expect(issued.expiration.getTime()).toBeLessThanOrEqual(after + 1_200_000);
    expect(
      mock.accounts.resolve(issued.accessKeyId, issued.securityToken, mock.clock.now()).status,
    ).toBe('temporary');

    const error = await assumeRole({ ...options, now: () => new Date() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StsError);
    expect(error).toMatchObject({ code: 'InvalidTimeStamp.Expired', status: 400 });
  });
});
