/**
 * The client side of temporary credentials: hold them, fetch new ones before they expire,
 * share one fetch between concurrent callers, and ride out a failed fetch while the old
 * credentials still work.
 */
import type { TemporaryCredentials } from './assume-role.js';
import { StsError } from './errors.js';

/** Anything that can hand out credentials; `refresh` forces new ones when supported. */
export interface CredentialsSource {
  getCredentials(): Promise<TemporaryCredentials>;
  refresh?(): Promise<TemporaryCredentials>;
}

/** Options of `CredentialsProvider`. */
export interface CredentialsProviderOptions {
  /** Fetches fresh credentials: a request to the application server, or `assumeRole`. */
  fetchCredentials: () => Promise<TemporaryCredentials>;
  /**
   * Refresh this long before `expiration`; default 5 minutes. Capped at half the lifetime of
   * the credentials at hand, so short-lived ones are not fetched again on every call.
   */
  marginMs?: number;
  /** After a failed refresh, wait this long before trying again while the old credentials still
   * work; default 5 seconds. A forced `refresh()` does not wait. */
  retryDelayMs?: number;
  /** Clock in milliseconds; default `Date.now`. */
  now?: () => number;
  /** Told about every failed refresh, including those the old credentials ride out. */
  onRefreshError?: (error: unknown) => void;
}

/** The default refresh margin: 5 minutes. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_RETRY_DELAY_MS = 5_000;

function checkedCredentials(value: unknown, now: number): TemporaryCredentials {
  const c = value as Partial<TemporaryCredentials> & { expiration?: unknown };
  const usable =
    typeof c === 'object' &&
    c !== null &&
    typeof c.accessKeyId === 'string' &&
    c.accessKeyId !== '' &&
    typeof c.accessKeySecret === 'string' &&
    c.accessKeySecret !== '';
  if (!usable) {
    throw new StsError('InvalidCredentials', 'fetchCredentials returned no usable credentials');
  }

  let expiration: Date | undefined;
  if (c.expiration instanceof Date) expiration = c.expiration;
  else if (typeof c.expiration === 'string') expiration = new Date(c.expiration);
  else if (c.expiration !== undefined) {
    throw new StsError('InvalidCredentials', 'fetchCredentials returned a non-date expiration');
  }
  if (expiration !== undefined && Number.isNaN(expiration.getTime())) {
    throw new StsError('InvalidCredentials', 'fetchCredentials returned an invalid expiration');
  }
  if (expiration !== undefined && expiration.getTime() <= now) {
    // Usually a device clock that is far ahead: say so rather than refetch in a loop.
    throw new StsError(
      'InvalidCredentials',
      `fetched credentials expired at ${expiration.toISOString()}, before the local clock's ` +
        `${new Date(now).toISOString()}; check the device clock`,
    );
  }
  return { ...c, expiration } as TemporaryCredentials;
}

function isExpired(c: TemporaryCredentials, now: number): boolean {
  return c.expiration !== undefined && now >= c.expiration.getTime();
}

function sameCredentials(a: TemporaryCredentials, b: TemporaryCredentials): boolean {
  return a.accessKeyId === b.accessKeyId && a.securityToken === b.securityToken;
}

/**
 * Holds temporary credentials and refreshes them: when missing, when within the margin of
 * `expiration`, or when forced after the server answered SecurityTokenExpired /
 * InvalidSecurityToken. Concurrent callers share a single refresh. A failed refresh keeps the
 * old credentials in use until they actually expire, then its error reaches the callers.
 *
 * @example
 * const provider = new CredentialsProvider({
 *   fetchCredentials: () => fetchVendedCredentials('https://app.example.com/sts/token'),
 * });
 * const credentials = await provider.getCredentials();
 */
export class CredentialsProvider implements CredentialsSource {
  readonly #fetchCredentials: () => Promise<TemporaryCredentials>;
  readonly #marginMs: number;
  readonly #retryDelayMs: number;
  readonly #now: () => number;
  readonly #onRefreshError: ((error: unknown) => void) | undefined;
  #current: TemporaryCredentials | undefined;
  #refreshAt = Number.NEGATIVE_INFINITY;
  #retryAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<TemporaryCredentials> | undefined;
  #refreshCount = 0;
  #lastError: unknown;

  /**
   * @throws {TypeError} when `fetchCredentials` is not a function or a delay is negative.
   */
  constructor(o: CredentialsProviderOptions) {
    if (typeof o?.fetchCredentials !== 'function') {
      throw new TypeError('fetchCredentials must be a function returning credentials');
    }
    for (const field of ['marginMs', 'retryDelayMs'] as const) {
      const value = o[field];
      if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
        throw new TypeError(`${field} must be a number ≥ 0, received ${value}`);
      }
    }
    this.#fetchCredentials = o.fetchCredentials;
    this.#marginMs = o.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#retryDelayMs = o.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.#now = o.now ?? Date.now;
    this.#onRefreshError = o.onRefreshError;
  }

  /** How many times `fetchCredentials` has been called. */
  get refreshCount(): number {
    return this.#refreshCount;
  }

  /** The credentials held now, fresh or not; undefined before the first success. */
  get current(): TemporaryCredentials | undefined {
    return this.#current;
  }

  /** The error of the last refresh, cleared by a successful one. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Credentials to sign with: the held ones while outside the refresh margin, else the result
   * of a (shared) refresh; when that refresh fails, the held ones as long as they have not
   * expired.
   *
   * @throws the refresh's error when there are no unexpired credentials to fall back on.
   */
  async getCredentials(): Promise<TemporaryCredentials> {
    const now = this.#now();
    const held = this.#current;
    if (held !== undefined && now < this.#refreshAt) return held;
    if (held !== undefined && !isExpired(held, now) && now < this.#retryAt) return held;

    try {
      return await this.#sharedRefresh();
    } catch (error) {
      const fallback = this.#current;
      if (fallback !== undefined && !isExpired(fallback, this.#now())) return fallback;
      throw error;
    }
  }

  /**
   * Fetches new credentials now (joining a refresh already under way). Pass the credentials the
   * server rejected: if they were replaced meanwhile, the replacement is returned without
   * another fetch, so a burst of rejections costs one refresh.
   *
   * @throws the fetch's error; the held credentials stay for `getCredentials` meanwhile.
   */
  refresh(rejected?: TemporaryCredentials): Promise<TemporaryCredentials> {
    const held = this.#current;
    if (rejected !== undefined && held !== undefined && !sameCredentials(held, rejected)) {
      return Promise.resolve(held);
    }
    return this.#sharedRefresh();
  }

  #sharedRefresh(): Promise<TemporaryCredentials> {
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#runRefresh().finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  }

  async #runRefresh(): Promise<TemporaryCredentials> {
    this.#refreshCount += 1;
    try {
      const fetched = checkedCredentials(await this.#fetchCredentials(), this.#now());
      this.#accept(fetched);
      return fetched;
    } catch (error) {
      this.#lastError = error;
      this.#retryAt = this.#now() + this.#retryDelayMs;
      this.#onRefreshError?.(error);
      throw error;
    }
  }

  #accept(credentials: TemporaryCredentials): void {
    const now = this.#now();
    this.#current = credentials;
    this.#lastError = undefined;
    this.#retryAt = Number.NEGATIVE_INFINITY;
    if (credentials.expiration === undefined) {
      this.#refreshAt = Number.POSITIVE_INFINITY;
      return;
    }
    const expiresAt = credentials.expiration.getTime();
    const halfLife = now + (expiresAt - now) / 2;
    this.#refreshAt = Math.max(expiresAt - this.#marginMs, halfLife);
  }
}
