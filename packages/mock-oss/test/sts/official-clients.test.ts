/**
 * The official STS clients against the listening mock's STS endpoint: the RPC client of
 * @alicloud/pop-core (GET and POST), the generated @alicloud/sts20150401 client (ACS3-HMAC-SHA256,
 * action only in x-acs-action) and ali-oss's OSS.STS (form-encoded POST).
 */
import { createRequire } from 'node:module';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accounts } from '../../src/accounts.js';
import { createMockOss, type Listening, type NodeMockOss } from '../../src/node.js';

const require = createRequire(import.meta.url);
// ali-oss ships no types; the generated SDK's CommonJS default export does not type-check as
// a constructor under NodeNext, so these are loaded untyped.
const OSS = require('ali-oss');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const { default: StsClient, AssumeRoleRequest } = require('@alicloud/sts20150401');

const ROOT = { accessKeyId: 'LTAI-mock-root', accessKeySecret: 'root-secret-for-sts-tests' };
const ROLE = 'acs:ram::1234567890123456:role/mock-oss-full-access';
const SESSION_POLICY = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:media/cam-1/*'] },
  ],
};

interface CredentialsJson {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
}
interface AssumeRoleJson {
  AssumedRoleUser: { Arn: string; AssumedRoleId: string };
  Credentials: CredentialsJson;
}

let mock: NodeMockOss;
let accounts: Accounts;
let server: Listening;

beforeAll(async () => {
  mock = createMockOss({ ...ROOT, buckets: ['media'] });
  accounts = mock.accounts;
  server = await mock.listen({ host: '127.0.0.1', port: 0 });
});

/** What the last request looked like on arrival. */
function lastSeen() {
  const entry = mock.requests.last()!;
  const url = new URL(entry.path, server.url);
  return { ...entry, path: url.pathname, query: url.searchParams };
}

afterAll(async () => {
  await server?.close();
});

function expectCredentials(c: {
  AccessKeyId?: string;
  AccessKeySecret?: string;
  SecurityToken?: string;
  Expiration?: string;
}) {
  expect(c.AccessKeyId).toMatch(/^STS\./);
  expect(c.AccessKeySecret).toMatch(/^[A-Za-z0-9]{44}$/);
  expect(c.SecurityToken).toBeTruthy();
  expect(c.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const resolved = accounts.resolve(c.AccessKeyId!, c.SecurityToken!, mock.clock.now());
  expect(resolved.status).toBe('temporary');
}

describe('@alicloud/pop-core RPCClient', () => {
  function client() {
    return new RPCClient({ ...ROOT, endpoint: server.stsUrl, apiVersion: '2015-04-01' });
  }

  it('AssumeRole with GET (every parameter in the query)', async () => {
    const result = (await client().request('AssumeRole', {
      RoleArn: ROLE,
      RoleSessionName: 'pop-get',
      DurationSeconds: 900,
    })) as AssumeRoleJson;
    expectCredentials(result.Credentials);
    expect(result.AssumedRoleUser.Arn).toBe(
      'acs:ram::1234567890123456:assumed-role/mock-oss-full-access/pop-get',
    );
    expect(Date.parse(result.Credentials.Expiration) - mock.clock.now()).toBeLessThanOrEqual(
      900_000,
    );
    expect(lastSeen().method).toBe('GET');
  });

  it('AssumeRole with POST (form body) and a session policy', async () => {
    const result = (await client().request(
      'AssumeRole',
      { RoleArn: ROLE, RoleSessionName: 'pop-post', Policy: JSON.stringify(SESSION_POLICY) },
      { method: 'POST' },
    )) as AssumeRoleJson;
    expectCredentials(result.Credentials);
    const resolved = accounts.resolve(
      result.Credentials.AccessKeyId,
      result.Credentials.SecurityToken,
      mock.clock.now(),
    );
    expect(resolved.status === 'temporary' && resolved.session.policies[1]).toEqual(SESSION_POLICY);
    expect(lastSeen().method).toBe('POST');
  });

  it('surfaces the service error code for an unknown role', async () => {
    await expect(
      client().request('AssumeRole', { RoleArn: `${ROLE}-nope`, RoleSessionName: 'pop-err' }),
    ).rejects.toMatchObject({ code: 'EntityNotExist.Role' });
  });

  it('a wrong secret is SignatureDoesNotMatch', async () => {
    const bad = new RPCClient({
      ...ROOT,
      accessKeySecret: 'wrong',
      endpoint: server.stsUrl,
      apiVersion: '2015-04-01',
    });
    await expect(
      bad.request('AssumeRole', { RoleArn: ROLE, RoleSessionName: 'pop-bad' }),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('@alicloud/sts20150401 (ACS3-HMAC-SHA256)', () => {
  function client(secret = ROOT.accessKeySecret) {
    const config = new $OpenApiUtil.Config({
      accessKeyId: ROOT.accessKeyId,
      accessKeySecret: secret,
      endpoint: `127.0.0.1:${server.port}`,
      protocol: 'http',
    });
    return new StsClient(config);
  }

  it('AssumeRole signed with ACS3-HMAC-SHA256, the action only in x-acs-action', async () => {
    const response = await client().assumeRole(
      new AssumeRoleRequest({
        roleArn: ROLE,
        roleSessionName: 'sdk-v2',
        durationSeconds: 1800,
        policy: JSON.stringify(SESSION_POLICY),
      }),
    );
    expect(response.statusCode).toBe(200);
    const body = response.body!;
    expectCredentials(body.credentials!.toMap() as never);
    expect(body.assumedRoleUser?.assumedRoleId).toMatch(/^\d{18}:sdk-v2$/);

    const sent = lastSeen();
    expect(sent.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI-mock-root,/);
    expect(sent.headers['x-acs-action']).toBe('AssumeRole');
    expect(sent.query.get('Action')).toBeNull();
  });

  it('a wrong secret is SignatureDoesNotMatch; a replay is SignatureNonceUsed', async () => {
    await expect(
      client('wrong').assumeRole(new AssumeRoleRequest({ roleArn: ROLE, roleSessionName: 'x1' })),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });

    await client().assumeRole(new AssumeRoleRequest({ roleArn: ROLE, roleSessionName: 'x2' }));
    const sent = lastSeen();
    const replay = await fetch(`${server.url}/?${sent.query}`, {
      method: sent.method,
      headers: Object.fromEntries(
        Object.entries(sent.headers).filter(
          ([name]) => !['host', 'content-length', 'connection'].includes(name),
        ),
      ),
    });
    // fetch sets its own Host (the same 127.0.0.1:port the SDK signed).
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { Code: string }).Code).toBe('SignatureNonceUsed');
  });

  it('rejects a DurationSeconds beyond the role maximum with the service code', async () => {
    await expect(
      client().assumeRole(
        new AssumeRoleRequest({ roleArn: ROLE, roleSessionName: 'x3', durationSeconds: 7200 }),
      ),
    ).rejects.toMatchObject({ code: 'InvalidParameter.DurationSeconds' });
  });
});

describe('ali-oss OSS.STS', () => {
  it('AssumeRole with a form-encoded POST to the /sts endpoint', async () => {
    const sts = new OSS.STS({ ...ROOT, endpoint: server.stsUrl });
    const { credentials } = await sts.assumeRole(ROLE, SESSION_POLICY, 900, 'ali-oss');
    expectCredentials(credentials);
    const sent = lastSeen();
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.path).toBe('/sts');
  });

  it('works with the server root as its endpoint too', async () => {
    const sts = new OSS.STS({ ...ROOT, endpoint: server.url });
    const { credentials } = await sts.assumeRole(ROLE, undefined, undefined, 'ali-oss-root');
    expectCredentials(credentials);
    expect(lastSeen().path).toBe('/');
  });

  it('reports the service code and status for a bad policy and a bad session name', async () => {
    const sts = new OSS.STS({ ...ROOT, endpoint: server.stsUrl });
    await expect(
      sts.assumeRole(ROLE, { Version: '1', Statement: [] }, 900, 'x4'),
    ).rejects.toMatchObject({
      code: 'InvalidParameter.PolicyGrammar',
      status: 400,
    });
    await expect(sts.assumeRole(ROLE, undefined, 900, 'bad name!')).rejects.toMatchObject({
      code: 'InvalidParameter.RoleSessionName',
      status: 400,
    });
  });

  it('temporary credentials may not call AssumeRole', async () => {
    const sts = new OSS.STS({ ...ROOT, endpoint: server.stsUrl });
    const { credentials } = await sts.assumeRole(ROLE, undefined, 900, 'first');
    // ali-oss's STS client cannot send a SecurityToken; pop-core can.
    const chained = new RPCClient({
      accessKeyId: credentials.AccessKeyId,
      accessKeySecret: credentials.AccessKeySecret,
      securityToken: credentials.SecurityToken,
      endpoint: server.stsUrl,
      apiVersion: '2015-04-01',
    });
    await expect(
      chained.request('AssumeRole', { RoleArn: ROLE, RoleSessionName: 'second' }),
    ).rejects.toMatchObject({ code: 'NoPermission' });
  });
});
