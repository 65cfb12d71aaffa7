import type { Credentials } from '@oss-media/oss-sign';
import { CredentialsError } from './errors.js';

/** Credentials with an optional end of validity, as a callback or an STS provider returns them. */
export interface ExpiringCredentials extends Credentials {
  /** When the credentials stop working: a Date, an ISO 8601 string or epoch milliseconds. */
  expiration?: Date | string | number;
}

/** Anything shaped like the `CredentialsProvider` of `@oss-media/sts`. */
export interface CredentialsSource {
  getCredentials(): Promise<ExpiringCredentials>;
  /** Forced refresh after the service refused the token; `getCredentials` is used when absent. */
  refresh?(): Promise<ExpiringCredentials>;
}

/** A function that returns fresh credentials, in the spirit of the C SDK's auth callback. */
export type CredentialsCallback = () => Promise<ExpiringCredentials> | ExpiringCredentials;

/**
 * How a client authenticates: static credentials, a callback (called at first use and again
 * once the expiration it returned is within the safety margin), or a credentials provider.
 */
export type Auth = Credentials | CredentialsCallback | CredentialsSource;

/** Why credentials were fetched again. */
export type RefreshReason = 'expired' | 'rejected';

/** The client's view of an {@link Auth}: current credentials and a forced refresh. */
export interface AuthState {
  current(): Promise<Credentials>;
  /** Fetches new credentials after the service refused the current ones; false when static. */
  refresh(): Promise<boolean>;
}

export interface AuthStateOptions {
  /** The corrected clock, in epoch milliseconds. */
  now: () => number;
  /** Fetch again this long before the expiration. */
  marginMs: number;
  onRefresh: (reason: RefreshReason) => void;
}

/** Wraps an {@link Auth} into an {@link AuthState}. */
export function authState(auth: Auth, options: AuthStateOptions): AuthState {
  if (typeof auth === 'function') return callbackState(auth, options);
  if ('getCredentials' in auth && typeof auth.getCredentials === 'function') {
    return providerState(auth, options);
  }
  if ('accessKeyId' in auth && 'accessKeySecret' in auth) return staticState(auth);
  throw new TypeError('auth: expected credentials, a callback or a credentials provider');
}

function staticState(credentials: Credentials): AuthState {
  const copy = pickCredentials(credentials);
  return { current: async () => copy, refresh: async () => false };
}

function callbackState(callback: CredentialsCallback, options: AuthStateOptions): AuthState {
  let cached: { credentials: Credentials; expiresAt: number } | undefined;
  let inFlight: Promise<Credentials> | undefined;

  function fetchOnce(reason: RefreshReason | undefined): Promise<Credentials> {
    if (inFlight !== undefined) return inFlight;
    if (reason !== undefined) options.onRefresh(reason);
    inFlight = obtain(callback)
      .then((fresh) => {
        cached = { credentials: pickCredentials(fresh), expiresAt: expirationOf(fresh) };
        return cached.credentials;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    async current() {
      if (cached === undefined) return fetchOnce(undefined);
      if (options.now() >= cached.expiresAt - options.marginMs) return fetchOnce('expired');
      return cached.credentials;
    },
    async refresh() {
      await fetchOnce('rejected');
      return true;
    },
  };
}

function providerState(source: CredentialsSource, options: AuthStateOptions): AuthState {
  // A provider refreshes on its own; when it counts its refreshes (as the sts one does), the
  // client's counters follow it. The first fetch is not a refresh.
  let seen: number | undefined;
  const observe = (report: boolean) => {
    const count = (source as { refreshCount?: unknown }).refreshCount;
    if (typeof count !== 'number') return;
    if (report && seen !== undefined) {
      for (let i = seen; i < count; i += 1) options.onRefresh('expired');
    }
    seen = count;
  };
  return {
    async current() {
      const credentials = await obtain(() => source.getCredentials());
      observe(true);
      return pickCredentials(credentials);
    },
    async refresh() {
      options.onRefresh('rejected');
      await obtain(() => (source.refresh ?? source.getCredentials).call(source));
      observe(false);
      return true;
    },
  };
}

async function obtain(callback: CredentialsCallback): Promise<ExpiringCredentials> {
  let credentials: ExpiringCredentials;
  try {
    credentials = await callback();
  } catch (cause) {
    throw new CredentialsError('CredentialsUnavailable', 'the credentials source failed', {
      cause,
    });
  }
  if (typeof credentials?.accessKeyId !== 'string' || !credentials.accessKeyId) {
    throw new CredentialsError(
      'CredentialsUnavailable',
      'the credentials source returned no accessKeyId',
    );
  }
  return credentials;
}

function pickCredentials(credentials: Credentials): Credentials {
  const picked: Credentials = {
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
  };
  if (credentials.securityToken) picked.securityToken = credentials.securityToken;
  return picked;
}

/** Epoch milliseconds of the expiration; never expires when absent or unreadable. */
function expirationOf(credentials: ExpiringCredentials): number {
  const { expiration } = credentials;
  if (expiration === undefined) return Number.POSITIVE_INFINITY;
  const time =
    expiration instanceof Date
      ? expiration.getTime()
      : typeof expiration === 'number'
        ? expiration
        : Date.parse(expiration);
  return Number.isFinite(time) ? time : Number.POSITIVE_INFINITY;
}
