import { describe, expect, it, vi } from 'vitest';
import {
  assumeRole,
  buildPolicy,
  CredentialsProvider,
  createTokenVendingHandler,
  fetchVendedCredentials,
  type ResolvedGrant,
  StsError,
  type VendingGrant,
} from '../src/index.js';
import { fakeSts } from './fake-sts.js';

const EXPIRATION = new Date('2026-12-03T10:15:00Z');
const CAM42: VendingGrant = { bucket: 'media', path: 'videos/cam-42/*', mode: 'a' };

function handlerWith(
  o: {
    grant?: VendingGrant | null;
    issue?: (grant: ResolvedGrant) => Promise<never> | Promise<unknown>;
  } = {},
) {
  const issued: ResolvedGrant[] = [];
  const onError = vi.fn();
  const handler = createTokenVendingHandler({
    authenticate: async (request) =>
      request.headers.get('x-device-key') === 'cam-42-key' ? (o.grant ?? CAM42) : null,
    issue: async (grant) => {
      issued.push(grant);
      if (o.issue) return (await o.issue(grant)) as never;
      return {
        accessKeyId: 'STS.a',
        accessKeySecret: 's',
        securityToken: 't',
        expiration: EXPIRATION,
      };
    },
    onError,
  });
  return { handler, issued, onError };
}

const request = (init: RequestInit = {}) =>
  new Request('http://app.test/sts/token', {
    method: 'POST',
    headers: { 'x-device-key': 'cam-42-key' },
    ...init,
  });

describe('createTokenVendingHandler', () => {
  it('answers an authenticated device with its credentials as JSON, never cached', async () => {
    const { handler, issued } = handlerWith();
    const response = await handler(request());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      accessKeyId: 'STS.a',
      accessKeySecret: 's',
      securityToken: 't',
      expiration: '2026-12-03T10:15:00.000Z',
      bucket: 'media',
      path: 'videos/cam-42/*',
      mode: 'a',
    });
    expect(issued).toEqual([
      {
        ...CAM42,
        durationSeconds: 900,
        sessionName: 'videos-cam-42',
        policy: buildPolicy(CAM42),
      },
    ]);
  });

  it('passes the grant’s own duration and session name on', async () => {
    const { handler, issued } = handlerWith({
      grant: { ...CAM42, durationSeconds: 3600, sessionName: 'cam-42' },
    });
    await handler(request({ method: 'GET' }));
    expect(issued[0]).toMatchObject({ durationSeconds: 3600, sessionName: 'cam-42' });
  });

  it('401 Unauthorized when authenticate returns null; nothing issued', async () => {
    const { handler, issued } = handlerWith();
    const response = await handler(request({ headers: { 'x-device-key': 'wrong' } }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'Unauthorized' });
    expect(issued).toHaveLength(0);
  });

  it('405 for methods other than GET and POST', async () => {
    const { handler } = handlerWith();
    const response = await handler(request({ method: 'PUT' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it.each([
    ['an unknown mode letter', { ...CAM42, mode: 'ax' }, /mode "ax"/],
    ['a path climbing out', { ...CAM42, path: 'videos/../x' }, /segments/],
    ['a duration too short', { ...CAM42, durationSeconds: 60 }, /durationSeconds/],
  ])('400 InvalidGrant for %s', async (_name, grant, message) => {
    const { handler, issued } = handlerWith({ grant });
    const response = await handler(request());
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('InvalidGrant');
    expect(body.message).toMatch(message);
    expect(issued).toHaveLength(0);
  });

  it('502 with the STS code and request id, but not its message, when STS refuses', async () => {
    const { handler, onError } = handlerWith({
      issue: () =>
        Promise.reject(
          new StsError('NoPermission', 'role acs:ram::1:role/secret-name refused', {
            requestId: 'R-1',
            status: 403,
          }),
        ),
    });
    const response = await handler(request());
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'NoPermission', requestId: 'R-1' });
    expect(text).not.toContain('secret-name');
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('500 InternalError when issue throws anything else or returns no token', async () => {
    for (const issue of [
      () => Promise.reject(new Error('db down')),
      () => Promise.resolve({ accessKeyId: 'a', accessKeySecret: 'b', expiration: EXPIRATION }),
    ]) {
      const { handler } = handlerWith({ issue });
      const response = await handler(request());
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'InternalError' });
      expect(text).not.toContain('db down');
    }
  });

  it('500 when authenticate throws, even a TypeError, without its message', async () => {
    for (const thrown of [new Error('ldap down'), new TypeError('x.y is undefined')]) {
      const handler = createTokenVendingHandler({
        authenticate: () => Promise.reject(thrown),
        issue: vi.fn(),
      });
      const response = await handler(request());
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'InternalError' });
      expect(text).not.toContain(thrown.message);
    }
  });

  it('502 when STS answers garbage or cannot be reached', async () => {
    for (const code of ['UnexpectedResponse', 'RequestFailed']) {
      const { handler } = handlerWith({
        issue: () => Promise.reject(new StsError(code, 'upstream', { status: 503 })),
      });
      const response = await handler(request());
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ code });
    }
  });

  it('refuses missing hooks with a TypeError', () => {
    expect(() => createTokenVendingHandler({} as never)).toThrow(TypeError);
  });
});

describe('fetchVendedCredentials', () => {
  const via = (respond: () => Response) => vi.fn(async () => respond());

  it('reads the handler’s body, with expiration as a Date and the grant', async () => {
    const { handler } = handlerWith();
    const credentials = await fetchVendedCredentials('http://app.test/sts/token', {
      method: 'POST',
      headers: { 'x-device-key': 'cam-42-key' },
      fetch: (url, init) => handler(new Request(url, init)),
    });
    expect(credentials).toEqual({
      accessKeyId: 'STS.a',
      accessKeySecret: 's',
      securityToken: 't',
      expiration: EXPIRATION,
      bucket: 'media',
      path: 'videos/cam-42/*',
      mode: 'a',
    });
  });

  it('reads an STS AssumeRole body and a flat PascalCase body too', async () => {
    const inner = {
      AccessKeyId: 'A',
      AccessKeySecret: 'S',
      SecurityToken: 'T',
      Expiration: '2026-12-03T10:15:00Z',
    };
    for (const body of [
      { RequestId: 'r', Credentials: inner },
      { StatusCode: 200, ...inner },
    ]) {
      const credentials = await fetchVendedCredentials('http://x/', {
        fetch: via(() => Response.json(body)),
      });
      expect(credentials).toEqual({
        accessKeyId: 'A',
        accessKeySecret: 'S',
        securityToken: 'T',
        expiration: EXPIRATION,
      });
    }
  });

  it('an error answer with a code becomes StsError with that code and status', async () => {
    const fetch = via(() =>
      Response.json({ code: 'Unauthorized', message: 'who?' }, { status: 401 }),
    );
    await expect(fetchVendedCredentials('http://x/', { fetch })).rejects.toMatchObject({
      code: 'Unauthorized',
      status: 401,
      message: 'who?',
    });
  });

  it('HTML or a body without credentials: UnexpectedResponse, status, body start', async () => {
    for (const [status, body] of [
      [503, '<h1>Service Unavailable</h1>'],
      [200, '{"ok":true}'],
      [200, 'not json'],
    ] as const) {
      const fetch = via(() => new Response(body, { status }));
      const error = (await fetchVendedCredentials('http://x/', { fetch }).catch(
        (e) => e,
      )) as StsError;
      expect(error).toBeInstanceOf(StsError);
      expect(error.code).toBe('UnexpectedResponse');
      expect(error.status).toBe(status);
      expect(error.body).toBe(body);
    }
  });

  it('an aborted signal rejects with its reason', async () => {
    const reason = new Error('too slow');
    const fetch = vi.fn((_url: RequestInfo | URL, init?: RequestInit) =>
      Promise.reject(init?.signal?.reason),
    );
    await expect(
      fetchVendedCredentials('http://x/', { fetch, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('no answer is RequestFailed', async () => {
    const fetch = vi.fn(() => Promise.reject(new TypeError('fetch failed')));
    await expect(fetchVendedCredentials('http://x/', { fetch })).rejects.toMatchObject({
      code: 'RequestFailed',
    });
  });
});

describe('the whole exchange, without sockets', () => {
  it('camera provider → vending handler → assumeRole → fake STS, with refresh', async () => {
    let now = Date.parse('2026-12-03T10:00:00Z');
    const sts = fakeSts({ secrets: { LTAIapp: 'app-secret' }, now: () => new Date(now) });
    const handler = createTokenVendingHandler({
      authenticate: async (r) => (r.headers.get('x-device-key') === 'k42' ? CAM42 : null),
      issue: (grant) =>
        assumeRole({
          credentials: { accessKeyId: 'LTAIapp', accessKeySecret: 'app-secret' },
          roleArn: 'acs:ram::1234567890123:role/camera-uploader',
          roleSessionName: grant.sessionName,
          policy: grant.policy,
          durationSeconds: grant.durationSeconds,
          fetch: sts.fetch,
          now: () => new Date(now),
        }),
    });
    const provider = new CredentialsProvider({
      now: () => now,
      fetchCredentials: () =>
        fetchVendedCredentials('http://app.test/sts/token', {
          method: 'POST',
          headers: { 'x-device-key': 'k42' },
          fetch: (url, init) => handler(new Request(url, init)),
        }),
    });

    const first = await provider.getCredentials();
    expect(first.accessKeyId).toBe('STS.ak1');
    expect(first.expiration).toEqual(new Date(now + 900_000));
    expect(JSON.parse(sts.calls[0]!.params.Policy!)).toEqual(buildPolicy(CAM42));

    now += 10 * 60_000;
    expect((await provider.getCredentials()).accessKeyId).toBe('STS.ak2');
    expect(sts.calls).toHaveLength(2);
  });
});
