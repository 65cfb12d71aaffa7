import { describe, expect, it, vi } from 'vitest';
import {
  type AssumeRoleOptions,
  assumeRole,
  buildPolicy,
  getToken,
  parseAssumeRoleResponse,
  StsError,
  signRpc,
} from '../src/index.js';
import { fakeSts } from './fake-sts.js';

const KEYS = { accessKeyId: 'LTAIapp', accessKeySecret: 'app-secret' };
const ROLE = 'acs:ram::1234567890123:role/camera-uploader';
const NOW = new Date('2026-12-03T10:00:00.123Z');

function base(overrides: Partial<AssumeRoleOptions> = {}): AssumeRoleOptions {
  return {
    credentials: KEYS,
    roleArn: ROLE,
    roleSessionName: 'cam-42',
    now: () => NOW,
    nonce: () => 'nonce-1',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<StsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StsError);
  return error as StsError;
}

describe('assumeRole: the request', () => {
  it('sends the full parameter set as a signed form POST to the default endpoint', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    await assumeRole(base({ fetch: sts.fetch }));

    const call = sts.calls[0]!;
    expect(call.url).toBe('https://sts.aliyuncs.com/');
    expect(call.method).toBe('POST');
    expect(call.contentType).toBe('application/x-www-form-urlencoded');
    const { Signature, ...signed } = call.params;
    expect(signed).toEqual({
      AccessKeyId: 'LTAIapp',
      Action: 'AssumeRole',
      DurationSeconds: '3600',
      Format: 'JSON',
      RoleArn: ROLE,
      RoleSessionName: 'cam-42',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'nonce-1',
      SignatureVersion: '1.0',
      Timestamp: '2026-12-03T10:00:00Z',
      Version: '2015-04-01',
    });
    expect(Signature).toBe(signRpc('POST', signed, 'app-secret'));
  });

  it('sends Policy (serialized), ExternalId, DurationSeconds, SecurityToken if given', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const policy = buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' });
    await assumeRole(
      base({
        fetch: sts.fetch,
        credentials: { ...KEYS, securityToken: 'outer token' },
        policy,
        externalId: 'ext-1',
        durationSeconds: 900,
        endpoint: 'http://127.0.0.1:9/sts',
      }),
    );

    const call = sts.calls[0]!;
    expect(call.url).toBe('http://127.0.0.1:9/sts');
    expect(call.params.Policy).toBe(JSON.stringify(policy));
    expect(call.params.ExternalId).toBe('ext-1');
    expect(call.params.DurationSeconds).toBe('900');
    expect(call.params.SecurityToken).toBe('outer token');
    const { Signature, ...signed } = call.params;
    expect(Signature).toBe(signRpc('POST', signed, 'app-secret'));
  });

  it('leaves grammar to the service: conditions this package cannot evaluate pass', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const policy = {
      Version: '1' as const,
      Statement: [
        {
          Effect: 'Allow' as const,
          Action: 'oss:PutObject',
          Resource: 'acs:oss:*:*:media/*',
          Condition: { IpAddress: { 'acs:SourceIp': '192.0.2.0/24' } },
        },
      ],
    };
    await assumeRole(base({ fetch: sts.fetch, policy }));
    expect(JSON.parse(sts.calls[0]!.params.Policy!)).toEqual(policy);
  });

  it('passes a policy given as text through unchanged', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const text =
      '{ "Version": "1", "Statement": [{"Effect":"Allow","Action":"oss:*","Resource":"*"}] }';
    await assumeRole(base({ fetch: sts.fetch, policy: text }));
    expect(sts.calls[0]!.params.Policy).toBe(text);
  });

  it('uses a fresh UUID nonce and the real clock by default', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const options = {
      credentials: KEYS,
      roleArn: ROLE,
      roleSessionName: 'cam-42',
      fetch: sts.fetch,
    };
    await assumeRole(options);
    await assumeRole(options);
    const [a, b] = sts.calls.map((c) => c.params.SignatureNonce);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(sts.calls[0]!.params.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('encodes unicode and reserved characters so that the signature still verifies', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const policy = buildPolicy({ bucket: 'media', path: 'vidéos/摄像头 1+2/~*', mode: 'rl' });
    const result = await assumeRole(base({ fetch: sts.fetch, policy }));
    expect(result.accessKeyId).toBe('STS.ak1');
    expect(JSON.parse(sts.calls[0]!.params.Policy!)).toEqual(policy);
  });
});

describe('assumeRole: the answer', () => {
  it('returns credentials, expiration as a Date, the assumed role user, request id', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' }, now: () => NOW });
    const result = await assumeRole(base({ fetch: sts.fetch, durationSeconds: 900 }));
    expect(result).toEqual({
      accessKeyId: 'STS.ak1',
      accessKeySecret: 'sk1',
      securityToken: 'token1',
      expiration: new Date('2026-12-03T10:15:00Z'),
      assumedRoleUser: { arn: `${ROLE}/cam-42`, assumedRoleId: '31:cam-42' },
      requestId: 'REQ-1',
    });
  });

  it('maps an STS JSON error to StsError with code, requestId and status', async () => {
    const sts = fakeSts({
      secrets: {},
      reply: () =>
        Response.json(
          { RequestId: 'R-9', HostId: 'sts.aliyuncs.com', Code: 'NoPermission', Message: 'no' },
          { status: 403 },
        ),
    });
    const error = await rejection(assumeRole(base({ fetch: sts.fetch })));
    expect(error.code).toBe('NoPermission');
    expect(error.requestId).toBe('R-9');
    expect(error.status).toBe(403);
    expect(error.message).toBe('no');
  });

  it('a wrong secret is the service SignatureDoesNotMatch', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'other' } });
    const error = await rejection(assumeRole(base({ fetch: sts.fetch })));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.status).toBe(400);
  });

  it('a non-JSON answer keeps the status and the first bytes of the body', async () => {
    const html = `<html><body>502 Bad Gateway${' '.repeat(2000)}</body></html>`;
    const sts = fakeSts({ secrets: {}, reply: () => new Response(html, { status: 502 }) });
    const error = await rejection(assumeRole(base({ fetch: sts.fetch })));
    expect(error.code).toBe('UnexpectedResponse');
    expect(error.status).toBe(502);
    expect(error.body?.startsWith('<html><body>502 Bad Gateway')).toBe(true);
    expect(error.body!.length).toBeLessThan(600);
    expect(error.message).toContain('502 Bad Gateway');
  });

  it.each([
    ['200 with an empty body', 200, ''],
    ['200 with JSON lacking Credentials', 200, '{"RequestId":"R"}'],
    [
      '200 with a bad Expiration',
      200,
      '{"Credentials":{"AccessKeyId":"a","AccessKeySecret":"b","SecurityToken":"c",' +
        '"Expiration":"soon"}}',
    ],
    [
      '200 with an empty token',
      200,
      '{"Credentials":{"AccessKeyId":"a","AccessKeySecret":"b","SecurityToken":"",' +
        '"Expiration":"2030-01-01T00:00:00Z"}}',
    ],
    ['500 JSON without Code', 500, '{"oops":true}'],
    ['200 with a JSON array', 200, '[]'],
  ])('%s is UnexpectedResponse, never an empty token', (_name, status, body) => {
    let caught: unknown;
    try {
      parseAssumeRoleResponse(status, body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StsError);
    expect((caught as StsError).code).toBe('UnexpectedResponse');
    expect((caught as StsError).status).toBe(status);
  });

  it('a network failure is RequestFailed with the cause', async () => {
    const cause = new TypeError('fetch failed');
    const error = await rejection(assumeRole(base({ fetch: () => Promise.reject(cause) })));
    expect(error.code).toBe('RequestFailed');
    expect(error.cause).toBe(cause);
  });

  it('an aborted signal rejects with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const fetch = (_url: RequestInfo | URL, init?: RequestInit) =>
      Promise.reject(init?.signal?.reason ?? new Error('no signal'));
    await expect(assumeRole(base({ fetch, signal: controller.signal }))).rejects.toBe(reason);
  });
});

describe('assumeRole: validation before any request', () => {
  const cases: [string, Partial<AssumeRoleOptions>, ErrorConstructor, RegExp][] = [
    ['duration below 900', { durationSeconds: 899 }, RangeError, /durationSeconds.*899/],
    ['duration above 43200', { durationSeconds: 43201 }, RangeError, /durationSeconds/],
    ['duration not an integer', { durationSeconds: 1000.5 }, TypeError, /durationSeconds/],
    ['session name of 1 character', { roleSessionName: 'a' }, TypeError, /roleSessionName/],
    [
      'session name of 65 characters',
      { roleSessionName: 'a'.repeat(65) },
      TypeError,
      /roleSessionName/,
    ],
    ['session name with a space', { roleSessionName: 'cam 42' }, TypeError, /roleSessionName/],
    ['session name with a slash', { roleSessionName: 'cam/42' }, TypeError, /roleSessionName/],
    ['role ARN without account', { roleArn: 'acs:ram:::role/x' }, TypeError, /roleArn/],
    ['role ARN with a letter account', { roleArn: 'acs:ram::12a:role/x' }, TypeError, /roleArn/],
    ['role ARN of a user', { roleArn: 'acs:ram::123:user/x' }, TypeError, /roleArn/],
    ['role ARN without name', { roleArn: 'acs:ram::123:role/' }, TypeError, /roleArn/],
    [
      'missing key id',
      { credentials: { accessKeyId: '', accessKeySecret: 's' } },
      TypeError,
      /credentials.accessKeyId/,
    ],
    [
      'missing secret',
      { credentials: { accessKeyId: 'a' } as never },
      TypeError,
      /credentials.accessKeySecret/,
    ],
    [
      'policy over 2048 characters',
      {
        policy: {
          Version: '1',
          Statement: Array.from({ length: 40 }, () => ({
            Effect: 'Allow' as const,
            Action: 'oss:GetObject',
            Resource: 'acs:oss:*:*:media/a/very/long/path/*',
          })),
        },
      },
      RangeError,
      /policy/,
    ],
    ['policy text that is a JSON array', { policy: '[]' }, TypeError, /policy/],
    ['policy that is a number', { policy: 5 as never }, TypeError, /policy/],
    ['policy that is not JSON', { policy: 'allow all' }, TypeError, /policy/],
    ['empty external id', { externalId: '' }, TypeError, /externalId/],
    ['relative endpoint', { endpoint: '/sts' }, TypeError, /endpoint/],
  ];
  for (const [name, overrides, type, message] of cases) {
    it(`${name}: ${type.name} naming the field, nothing sent`, async () => {
      const fetch = vi.fn();
      const promise = assumeRole(base({ fetch, ...overrides }));
      await expect(promise).rejects.toThrow(type);
      await expect(promise).rejects.toThrow(message);
      expect(fetch).not.toHaveBeenCalled();
    });
  }

  it('the limits themselves are accepted', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    for (const durationSeconds of [900, 43200]) {
      await assumeRole(base({ fetch: sts.fetch, durationSeconds, roleSessionName: 'a.@_-Z9' }));
    }
    await assumeRole(base({ fetch: sts.fetch, roleSessionName: 'ab' }));
    await assumeRole(base({ fetch: sts.fetch, roleSessionName: 'x'.repeat(64) }));
    expect(sts.calls).toHaveLength(4);
  });
});

describe('getToken', () => {
  it('assumes the role with the built policy, 900 s and a session name from the path', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const token = await getToken({
      credentials: KEYS,
      roleArn: ROLE,
      bucket: 'media',
      path: 'videos/cam-42/*',
      mode: 'a',
      fetch: sts.fetch,
    });
    const params = sts.calls[0]!.params;
    expect(params.DurationSeconds).toBe('900');
    expect(params.RoleSessionName).toBe('videos-cam-42');
    expect(JSON.parse(params.Policy!)).toEqual(token.policy);
    expect(token.policy).toEqual(
      buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' }),
    );
    expect(token.expiration).toBeInstanceOf(Date);
  });

  it('grants delete and list, which the C SDK could not', async () => {
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' } });
    const token = await getToken({
      credentials: KEYS,
      roleArn: ROLE,
      bucket: 'media',
      path: 'videos/',
      mode: 'dl',
      sessionName: 'janitor',
      fetch: sts.fetch,
    });
    expect(sts.calls[0]!.params.RoleSessionName).toBe('janitor');
    expect(JSON.stringify(token.policy)).toContain('oss:DeleteObject');
    expect(JSON.stringify(token.policy)).toContain('oss:ListObjects');
  });

  it('a bad mode fails before any request', async () => {
    const fetch = vi.fn();
    await expect(
      getToken({ credentials: KEYS, roleArn: ROLE, bucket: 'media', path: 'a/', mode: 'z', fetch }),
    ).rejects.toThrow(/mode "z"/);
    expect(fetch).not.toHaveBeenCalled();
  });
});
