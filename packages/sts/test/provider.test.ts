import { describe, expect, it, vi } from 'vitest';
import { CredentialsProvider, StsError, type TemporaryCredentials } from '../src/index.js';

const MINUTE = 60_000;

/** A clock the test moves, and a fetcher handing out numbered credentials valid `lifetimeMs`. */
function harness(o: { lifetimeMs?: number; marginMs?: number; retryDelayMs?: number } = {}) {
  let now = Date.parse('2026-12-03T10:00:00Z');
  const lifetime = o.lifetimeMs ?? 15 * MINUTE;
  let serial = 0;
  let failWith: unknown;
  const fetchCredentials = vi.fn(async (): Promise<TemporaryCredentials> => {
    if (failWith !== undefined) throw failWith;
    serial += 1;
    return {
      accessKeyId: `ak${serial}`,
      accessKeySecret: `sk${serial}`,
      securityToken: `t${serial}`,
      expiration: new Date(now + lifetime),
    };
  });
  const onRefreshError = vi.fn();
  const provider = new CredentialsProvider({
    fetchCredentials,
    marginMs: o.marginMs,
    retryDelayMs: o.retryDelayMs,
    now: () => now,
    onRefreshError,
  });
  return {
    provider,
    fetchCredentials,
    onRefreshError,
    advance: (ms: number) => {
      now += ms;
    },
    fail: (error: unknown) => {
      failWith = error;
    },
    recover: () => {
      failWith = undefined;
    },
  };
}

describe('CredentialsProvider: refresh timing', () => {
  it('fetches on first use, then again only once within the 5 minute margin', async () => {
    const h = harness();
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak1');

    h.advance(10 * MINUTE - 1);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak1');
    expect(h.provider.refreshCount).toBe(1);

    h.advance(1);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak2');
    expect(h.provider.refreshCount).toBe(2);
  });

  it('honours a custom margin', async () => {
    const h = harness({ marginMs: MINUTE });
    await h.provider.getCredentials();
    h.advance(13 * MINUTE);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak1');
    h.advance(MINUTE);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak2');
  });

  it('caps the margin at half the lifetime, so short credentials last', async () => {
    const h = harness({ lifetimeMs: 4 * MINUTE });
    await h.provider.getCredentials();
    h.advance(2 * MINUTE - 1);
    await h.provider.getCredentials();
    expect(h.provider.refreshCount).toBe(1);
    h.advance(1);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak2');
  });

  it('never refreshes credentials without expiration unless forced', async () => {
    const provider = new CredentialsProvider({
      fetchCredentials: async () => ({ accessKeyId: 'ak', accessKeySecret: 'sk' }),
      now: () => 0,
    });
    await provider.getCredentials();
    await provider.getCredentials();
    expect(provider.refreshCount).toBe(1);
    await provider.refresh();
    expect(provider.refreshCount).toBe(2);
  });

  it('accepts an ISO string expiration from the fetcher', async () => {
    const provider = new CredentialsProvider({
      fetchCredentials: async () =>
        ({ accessKeyId: 'a', accessKeySecret: 'b', expiration: '2026-12-03T11:00:00Z' }) as never,
      now: () => Date.parse('2026-12-03T10:00:00Z'),
    });
    expect((await provider.getCredentials()).expiration).toEqual(new Date('2026-12-03T11:00:00Z'));
  });
});

describe('CredentialsProvider: single flight', () => {
  it('100 concurrent callers share one fetch and get the same credentials', async () => {
    let release!: (c: TemporaryCredentials) => void;
    const fetchCredentials = vi.fn(
      () => new Promise<TemporaryCredentials>((resolve) => (release = resolve)),
    );
    const provider = new CredentialsProvider({ fetchCredentials, now: () => 0 });

    const callers = Array.from({ length: 100 }, () => provider.getCredentials());
    expect(fetchCredentials).toHaveBeenCalledTimes(1);
    const credentials = { accessKeyId: 'a', accessKeySecret: 'b', expiration: new Date(3_600_000) };
    release(credentials);
    const results = await Promise.all(callers);

    expect(provider.refreshCount).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]?.accessKeyId).toBe('a');
  });

  it('100 concurrent callers in the margin share one refresh', async () => {
    const h = harness();
    await h.provider.getCredentials();
    h.advance(11 * MINUTE);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => h.provider.getCredentials()),
    );
    expect(h.fetchCredentials).toHaveBeenCalledTimes(2);
    expect(results.every((c) => c.accessKeyId === 'ak2')).toBe(true);
  });

  it('a shared failed first fetch rejects every caller with the same error', async () => {
    const h = harness();
    const error = new StsError('NoPermission', 'no');
    h.fail(error);
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, () => h.provider.getCredentials()),
    );
    expect(h.fetchCredentials).toHaveBeenCalledTimes(1);
    expect(settled.every((s) => s.status === 'rejected' && s.reason === error)).toBe(true);
  });
});

describe('CredentialsProvider: failures', () => {
  it('a failed refresh keeps the old credentials to expiry, then surfaces the error', async () => {
    const h = harness({ retryDelayMs: 0 });
    await h.provider.getCredentials();
    const error = new StsError('RequestFailed', 'network down');
    h.fail(error);

    h.advance(11 * MINUTE);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak1');
    expect(h.provider.lastError).toBe(error);
    expect(h.onRefreshError).toHaveBeenCalledWith(error);

    h.advance(4 * MINUTE - 1);
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak1');

    h.advance(1);
    await expect(h.provider.getCredentials()).rejects.toBe(error);

    h.recover();
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak2');
    expect(h.provider.lastError).toBeUndefined();
  });

  it('waits retryDelayMs between failures while the old credentials still work', async () => {
    const h = harness({ retryDelayMs: 10_000 });
    await h.provider.getCredentials();
    h.fail(new Error('down'));
    h.advance(11 * MINUTE);

    await h.provider.getCredentials();
    await h.provider.getCredentials();
    expect(h.fetchCredentials).toHaveBeenCalledTimes(2);

    h.advance(10_000);
    await h.provider.getCredentials();
    expect(h.fetchCredentials).toHaveBeenCalledTimes(3);
  });

  it('without credentials to fall back on, every call tries again', async () => {
    const h = harness({ retryDelayMs: 60_000 });
    h.fail(new Error('down'));
    await expect(h.provider.getCredentials()).rejects.toThrow('down');
    await expect(h.provider.getCredentials()).rejects.toThrow('down');
    expect(h.fetchCredentials).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['nothing', undefined],
    ['no secret', { accessKeyId: 'a' }],
    ['a bad date', { accessKeyId: 'a', accessKeySecret: 'b', expiration: new Date('x') }],
    ['a number as expiration', { accessKeyId: 'a', accessKeySecret: 'b', expiration: 5 }],
  ])('a fetcher returning %s is InvalidCredentials', async (_name, value) => {
    const provider = new CredentialsProvider({ fetchCredentials: async () => value as never });
    await expect(provider.getCredentials()).rejects.toMatchObject({ code: 'InvalidCredentials' });
  });

  it('credentials already expired by the local clock point at the clock', async () => {
    const provider = new CredentialsProvider({
      fetchCredentials: async () => ({
        accessKeyId: 'a',
        accessKeySecret: 'b',
        expiration: new Date('2026-12-03T10:00:00Z'),
      }),
      now: () => Date.parse('2026-12-03T12:00:00Z'),
    });
    await expect(provider.getCredentials()).rejects.toThrow(/device clock/);
  });

  it('refuses a missing fetcher and negative delays with TypeErrors naming them', () => {
    expect(() => new CredentialsProvider({} as never)).toThrow(/fetchCredentials/);
    expect(
      () => new CredentialsProvider({ fetchCredentials: async () => ({}) as never, marginMs: -1 }),
    ).toThrow(/marginMs/);
  });
});

describe('CredentialsProvider: forced refresh', () => {
  it('refresh() fetches even while the credentials are fresh', async () => {
    const h = harness();
    await h.provider.getCredentials();
    expect((await h.provider.refresh()).accessKeyId).toBe('ak2');
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak2');
  });

  it('a burst of rejections of the same credentials costs one refresh', async () => {
    const h = harness();
    const rejected = await h.provider.getCredentials();
    const burst = await Promise.all(Array.from({ length: 20 }, () => h.provider.refresh(rejected)));
    expect(h.fetchCredentials).toHaveBeenCalledTimes(2);
    expect(burst.every((c) => c.accessKeyId === 'ak2')).toBe(true);

    // A late 403 for the old credentials after the replacement arrived: no new fetch.
    expect((await h.provider.refresh(rejected)).accessKeyId).toBe('ak2');
    expect(h.fetchCredentials).toHaveBeenCalledTimes(2);
  });

  it('a failed forced refresh rejects but leaves the held credentials in place', async () => {
    const h = harness();
    await h.provider.getCredentials();
    h.fail(new StsError('RequestFailed', 'down'));
    await expect(h.provider.refresh()).rejects.toThrow('down');
    expect((await h.provider.getCredentials()).accessKeyId).toBe('ak1');
    expect(h.provider.current?.accessKeyId).toBe('ak1');
  });
});
