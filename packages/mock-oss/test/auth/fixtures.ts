import type { Credentials, SignableRequest } from '@oss-media/oss-sign';
import { expect } from 'vitest';
import { Accounts } from '../../src/accounts.js';
import type { AuthContext, AuthRequest } from '../../src/auth/authenticate.js';
import { OssError } from '../../src/errors.js';

export const ROOT = { accessKeyId: 'LTAI-mock-root', accessKeySecret: 'root-secret-0123456789' };
export const REGION = 'cn-hangzhou';
/** A fixed mock clock: Wed, 28 Dec 2022 10:27:41 GMT. */
export const NOW = Date.UTC(2022, 11, 28, 10, 27, 41);
export const MINUTE = 60_000;

export function newAccounts(options: Partial<ConstructorParameters<typeof Accounts>[0]> = {}) {
  return new Accounts({ ...ROOT, ...options });
}

export function context(
  accounts: Accounts,
  now = NOW,
  extra: Partial<AuthContext> = {},
): AuthContext {
  return { now, accounts, region: REGION, noAuth: false, ...extra };
}

/** The lower-cased header record a server hands to `authenticate`. */
export function lower(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** Turns a signed request into what the server would see. */
export function received(req: SignableRequest, headers: Record<string, string>): AuthRequest {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query[k] = v ?? '';
  const out: AuthRequest = { method: req.method, query, headers: lower(headers) };
  if (req.bucket !== undefined) out.bucket = req.bucket;
  if (req.key !== undefined) out.key = req.key;
  return out;
}

/** Turns a presigned URL into what the server would see (path-style URL). */
export function receivedUrl(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
): AuthRequest {
  const u = new URL(url);
  const [, bucket, ...rest] = u.pathname.split('/');
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  const out: AuthRequest = { method, query, headers: lower(headers) };
  if (bucket) out.bucket = decodeURIComponent(bucket);
  if (rest.length > 0) out.key = decodeURIComponent(rest.join('/'));
  return out;
}

/** Runs `fn` and returns the OssError it throws; fails when it throws nothing or another error. */
export function ossError(fn: () => unknown): OssError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OssError);
    return error as OssError;
  }
  throw new Error('expected an OssError, nothing was thrown');
}

export function temporary(
  accounts: Accounts,
  o: { policy?: object; duration?: number; now?: number } = {},
): Credentials {
  const arn = [...accounts.roles.keys()][0]!;
  const issued = accounts.issue({
    roleArn: arn,
    sessionName: 'camera-1',
    durationSeconds: o.duration ?? 900,
    now: o.now ?? NOW,
    ...(o.policy === undefined ? {} : { policy: o.policy as never }),
  });
  return {
    accessKeyId: issued.accessKeyId,
    accessKeySecret: issued.accessKeySecret,
    securityToken: issued.securityToken,
  };
}
