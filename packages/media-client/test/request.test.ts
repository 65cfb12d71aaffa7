import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AccessDeniedError,
  BadRequestError,
  type ClientEvent,
  ClockSkewError,
  ConflictError,
  CredentialsError,
  createClient,
  NetworkError,
  NotFoundError,
  PositionMismatchError,
  ServerError,
  TimeoutError,
  type Transport,
  type TransportResponse,
} from '../src/index.js';
import { backoffDelay, retryPolicy } from '../src/retry.js';
import { CREDENTIALS, errorXml } from './helpers/fake-oss.js';

const encoder = new TextEncoder();
const FAST_RETRY = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

function answer(
  status: number,
  headers: Record<string, string> = {},
  body = '',
): TransportResponse {
  return { status, headers, body: encoder.encode(body) };
}

function xmlError(status: number, code: string, extra = ''): TransportResponse {
  return answer(
    status,
    { 'x-oss-request-id': 'ABCDEF0123456789ABCDEF01', 'content-type': 'application/xml' },
    errorXml(code, 'k', extra),
  );
}

/** A transport answering from a script, one entry per request; functions may throw. */
function scripted(...steps: Array<TransportResponse | (() => TransportResponse)>) {
  const seen: Array<{ method: string; url: string; headers: Record<string, string> }> = [];
  const transport: Transport = async (request) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    const step = steps.shift();
    if (step === undefined) throw new Error('script exhausted');
    return typeof step === 'function' ? step() : step;
  };
  return { transport, seen };
}

function client(transport: Transport, extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({
    endpoint: 'http://127.0.0.1:9',
    auth: CREDENTIALS,
    transport,
    retry: FAST_RETRY,
    ...extra,
  });
}

describe('error mapping', () => {
  const cases: Array<[number, string, new (...args: never[]) => Error]> = [
    [404, 'NoSuchKey', NotFoundError],
    [404, 'NoSuchBucket', NotFoundError],
    [403, 'AccessDenied', AccessDeniedError],
    [403, 'SignatureDoesNotMatch', CredentialsError],
    [403, 'InvalidAccessKeyId', CredentialsError],
    [409, 'PositionNotEqualToLength', PositionMismatchError],
    [409, 'BucketNotEmpty', ConflictError],
    [400, 'InvalidArgument', BadRequestError],
  ];
  for (const [status, code, ErrorType] of cases) {
    it(`maps ${status} ${code} to ${ErrorType.name} with the request's context`, async () => {
      const { transport } = scripted(xmlError(status, code));
      const error = await client(transport)
        .getObject('bucket', 'dir/k')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorType);
      expect(error).toMatchObject({
        code,
        status,
        requestId: 'ABCDEF0123456789ABCDEF01',
        method: 'GET',
        bucket: 'bucket',
        key: 'dir/k',
      });
      expect((error as Error).message).toContain(code);
    });
  }

  it('reads a HEAD error from the base64 XML in x-oss-err', async () => {
    const xml = errorXml('NoSuchKey', 'missing');
    const headers = { 'x-oss-err': Buffer.from(xml).toString('base64'), 'x-oss-ec': '0026-1' };
    const { transport } = scripted(answer(404, headers));
    const error = await client(transport)
      .headObject('bucket', 'missing')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NoSuchKey', requestId: 'XMLREQID', method: 'HEAD' });
  });

  it('falls back to the status when the body carries no code', async () => {
    const { transport } = scripted(answer(404));
    const error = await client(transport)
      .headObject('b', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'HttpStatus404', status: 404 });
  });

  it('keeps the extra elements of the error document as details', async () => {
    const extra = '<StringToSign>GET\n\n\n</StringToSign><OSSAccessKeyId>AKID</OSSAccessKeyId>';
    const { transport } = scripted(xmlError(403, 'SignatureDoesNotMatch', extra));
    const error = (await client(transport)
      .getObject('b', 'k')
      .catch((e: unknown) => e)) as CredentialsError;
    expect(error.details.OSSAccessKeyId).toBe('AKID');
    expect(error.details.StringToSign).toBe('GET\n\n\n');
  });
});

describe('retries', () => {
  it('retries a GET after 5xx answers and counts the retries', async () => {
    const { transport, seen } = scripted(
      xmlError(503, 'ServiceUnavailable'),
      xmlError(500, 'InternalError'),
      answer(200, { 'content-length': '3' }, 'abc'),
    );
    const events: ClientEvent[] = [];
    const c = client(transport, { onEvent: (e) => events.push(e) });
    const result = await c.getObject('b', 'k');
    expect(new TextDecoder().decode(result.body)).toBe('abc');
    expect(seen).toHaveLength(3);
    expect(c.stats).toMatchObject({ requests: 3, retries: 2 });
    expect(
      events.filter((e) => e.type === 'retry').map((e) => (e as { reason: string }).reason),
    ).toEqual(['ServiceUnavailable', 'InternalError']);
  });

  it('retries a PUT after a lost connection (PUT is safe to repeat)', async () => {
    const { transport, seen } = scripted(
      () => {
        throw new Error('ECONNRESET');
      },
      answer(200, { etag: '"A"' }),
    );
    await client(transport).putObject('b', 'k', encoder.encode('x'));
    expect(seen.map((s) => s.method)).toEqual(['PUT', 'PUT']);
  });

  it('never repeats a raw append after a lost connection', async () => {
    const { transport, seen } = scripted(() => {
      throw new Error('ECONNRESET');
    });
    const error = await client(transport)
      .appendObject('b', 'k', 0, encoder.encode('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'NetworkError', method: 'POST', key: 'k' });
    expect(seen).toHaveLength(1);
  });

  it('gives up after the configured attempts with the last error', async () => {
    const { transport, seen } = scripted(
      ...Array.from({ length: 4 }, () => xmlError(503, 'ServiceUnavailable')),
    );
    const error = await client(transport)
      .headObject('b', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(4);
  });

  it('does not retry a 4xx answer', async () => {
    const { transport, seen } = scripted(xmlError(403, 'AccessDenied'));
    await expect(client(transport).getObject('b', 'k')).rejects.toBeInstanceOf(AccessDeniedError);
    expect(seen).toHaveLength(1);
  });

  it('keeps full-jitter delays within [0, min(cap, base·2^(n-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (base, cap, attempt, random) => {
          const policy = retryPolicy({ attempts: 5, baseDelayMs: base, maxDelayMs: cap });
          const delay = backoffDelay(policy, attempt, () => random);
          const bound = Math.min(cap, base * 2 ** (attempt - 1));
          return delay >= 0 && delay <= bound && Number.isInteger(delay);
        },
      ),
    );
  });

  it('rejects a retry policy without attempts', () => {
    expect(() => retryPolicy({ attempts: 0 })).toThrow(RangeError);
  });
});

describe('clock skew', () => {
  it('corrects its clock from ServerTime and signs the retry with the server time', async () => {
    const serverTime = '2026-12-03T12:00:00.000Z';
    const { transport, seen } = scripted(
      xmlError(403, 'RequestTimeTooSkewed', `<ServerTime>${serverTime}</ServerTime>`),
      answer(200, { 'content-length': '0' }),
    );
    const events: ClientEvent[] = [];
    const now = () => Date.parse('2026-12-03T11:00:00.000Z');
    await client(transport, { now, onEvent: (e) => events.push(e) }).headObject('b', 'k');
    expect(seen[0]?.headers['x-oss-date']).toBe('Thu, 03 Dec 2026 11:00:00 GMT');
    expect(seen[1]?.headers['x-oss-date']).toBe('Thu, 03 Dec 2026 12:00:00 GMT');
    expect(events).toContainEqual({ type: 'clock-skew', offsetMs: 3_600_000 });
  });

  it('falls back to the Date header and gives up after one correction', async () => {
    const skewed = () => ({
      ...xmlError(403, 'RequestTimeTooSkewed'),
      headers: { date: 'Thu, 03 Dec 2026 12:00:00 GMT' },
    });
    const { transport, seen } = scripted(skewed(), skewed());
    const error = await client(transport, { now: () => 0 })
      .headObject('b', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers['x-oss-date']).toBe('Thu, 03 Dec 2026 12:00:00 GMT');
  });
});

describe('credentials', () => {
  it('refreshes once after SecurityTokenExpired and retries with the new token', async () => {
    const { transport, seen } = scripted(
      xmlError(403, 'SecurityTokenExpired'),
      answer(200, { 'content-length': '0' }),
    );
    let calls = 0;
    const auth = async () => {
      calls += 1;
      return { ...CREDENTIALS, securityToken: `token-${calls}` };
    };
    const events: ClientEvent[] = [];
    const c = client(transport, { auth, onEvent: (e) => events.push(e) });
    await c.headObject('b', 'k');
    expect(seen.map((s) => s.headers['x-oss-security-token'])).toEqual(['token-1', 'token-2']);
    expect(c.stats.refreshes).toBe(1);
    expect(events).toContainEqual({ type: 'refresh', reason: 'rejected' });
  });

  it('fails with CredentialsError when the refreshed token is refused too', async () => {
    const { transport, seen } = scripted(
      xmlError(403, 'InvalidSecurityToken'),
      xmlError(403, 'InvalidSecurityToken'),
    );
    const auth = async () => ({ ...CREDENTIALS, securityToken: 't' });
    const error = await client(transport, { auth })
      .headObject('b', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(seen).toHaveLength(2);
  });

  it('cannot refresh static credentials: the 403 stands', async () => {
    const { transport, seen } = scripted(xmlError(403, 'SecurityTokenExpired'));
    await expect(client(transport).headObject('b', 'k')).rejects.toBeInstanceOf(CredentialsError);
    expect(seen).toHaveLength(1);
  });

  it(
    'calls the callback at open and again once ' + 'its expiration (minus the margin) passed',
    async () => {
      let clock = Date.parse('2026-12-03T10:00:00Z');
      let calls = 0;
      const auth = () => {
        calls += 1;
        return {
          ...CREDENTIALS,
          securityToken: `t${calls}`,
          expiration: new Date(clock + 600_000),
        };
      };
      const ok = () => answer(200, { 'content-length': '0' });
      const { transport, seen } = scripted(ok(), ok(), ok());
      const c = client(transport, { auth, now: () => clock, refreshMarginMs: 60_000 });
      await c.headObject('b', 'k');
      clock += 500_000; // 100 s left: outside the margin
      await c.headObject('b', 'k');
      clock += 50_000; // 50 s left: inside the 60 s margin
      await c.headObject('b', 'k');
      expect(seen.map((s) => s.headers['x-oss-security-token'])).toEqual(['t1', 't1', 't2']);
      expect(c.stats.refreshes).toBe(1);
    },
  );

  it('uses a provider: getCredentials per request, refresh() after a refusal', async () => {
    const { transport, seen } = scripted(
      xmlError(403, 'SecurityTokenExpired'),
      answer(200, { 'content-length': '0' }),
    );
    let token = 'old';
    const provider = {
      getCredentials: async () => ({ ...CREDENTIALS, securityToken: token }),
      refresh: async () => {
        token = 'new';
        return { ...CREDENTIALS, securityToken: token };
      },
    };
    await client(transport, { auth: provider }).headObject('b', 'k');
    expect(seen.map((s) => s.headers['x-oss-security-token'])).toEqual(['old', 'new']);
  });

  it('wraps a failing callback into CredentialsUnavailable', async () => {
    const { transport } = scripted();
    const auth = async () => {
      throw new Error('vending endpoint down');
    };
    const error = await client(transport, { auth })
      .headObject('b', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ code: 'CredentialsUnavailable' });
  });
});

describe('addressing and signing', () => {
  it('uses path-style on an IP endpoint and encodes the key per segment', async () => {
    const { transport, seen } = scripted(answer(200, { 'content-length': '0' }));
    await client(transport).headObject('b', 'dir/a b+c#.ts');
    expect(seen[0]?.url).toBe('http://127.0.0.1:9/b/dir/a%20b%2Bc%23.ts');
    expect(seen[0]?.headers.Authorization ?? seen[0]?.headers.authorization).toMatch(/^OSS AKID:/);
  });

  it('uses virtual-hosted addressing on a DNS endpoint', async () => {
    const { transport, seen } = scripted(answer(200, { 'content-length': '0' }));
    await client(transport, { endpoint: 'https://oss-cn-hangzhou.aliyuncs.com' }).headObject(
      'b',
      'k',
    );
    expect(seen[0]?.url).toBe('https://b.oss-cn-hangzhou.aliyuncs.com/k');
  });

  it('signs with V4 when asked, and requires a region for it', async () => {
    const { transport, seen } = scripted(answer(200, { 'content-length': '0' }));
    await client(transport, { signatureVersion: 'v4', region: 'cn-hangzhou' }).headObject('b', 'k');
    const authorization = seen[0]?.headers.Authorization ?? seen[0]?.headers.authorization;
    expect(authorization).toMatch(/^OSS4-HMAC-SHA256 Credential=AKID\/\d{8}\/cn-hangzhou\/oss\//);
    expect(() => client(transport, { signatureVersion: 'v4' })).toThrow(/region/);
  });

  it('writes bare sub-resources for an append', async () => {
    const { transport, seen } = scripted(
      answer(200, { 'x-oss-next-append-position': '1', 'x-oss-hash-crc64ecma': '0' }),
    );
    await client(transport).appendObject('b', 'k', 0, encoder.encode('x'));
    expect(seen[0]?.url).toBe('http://127.0.0.1:9/b/k?append&position=0');
  });
});

describe('timeouts and aborts', () => {
  const hanging: Transport = (request) =>
    new Promise((_, reject) => {
      request.signal?.addEventListener('abort', () => reject(new Error('aborted')));
    });

  it('gives up a silent request after timeoutMs with TimeoutError', async () => {
    const c = client(hanging, { timeoutMs: 20, retry: { attempts: 2, baseDelayMs: 1 } });
    const error = await c.headObject('b', 'k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'RequestTimeout' });
    expect(c.stats.requests).toBe(2);
  });

  it("stops at once on the caller's abort, without retrying", async () => {
    const controller = new AbortController();
    const c = client(hanging);
    const pending = c.headObject('b', 'k', { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(c.stats.requests).toBe(1);
  });
});
