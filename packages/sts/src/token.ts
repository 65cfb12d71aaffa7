/** The one-call path of an application server: build the session policy, assume the role. */
import type { Credentials } from '@oss-media/oss-sign';
import { type AssumedRole, assumeRole } from './assume-role.js';
import { buildPolicy, type PolicyDocument } from './policy.js';

/** Options of `getToken`. */
export interface GetTokenOptions {
  /** The application server's own keys. */
  credentials: Credentials;
  roleArn: string;
  bucket: string;
  /** Exact key, pattern, or prefix ending in `/` (see `buildPolicy`). */
  path: string;
  /** Letters of `rwadl` (see `buildPolicy`). */
  mode: string;
  /** Default 900: a camera asks again well before that. */
  durationSeconds?: number;
  /** Default derived from the path, so audit logs say what the token was for. */
  sessionName?: string;
  externalId?: string;
  endpoint?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  nonce?: () => string;
  signal?: AbortSignal;
}

/** The default `durationSeconds` of tokens minted for devices. */
export const DEFAULT_TOKEN_DURATION_SECONDS = 900;

/**
 * A RoleSessionName derived from a grant path: its characters outside `[A-Za-z0-9.@_-]`
 * become `-`, trimmed to 64; `oss-media` when nothing usable is left.
 *
 * @example sessionNameFor('videos/cam-42/*') // 'videos-cam-42'
 */
export function sessionNameFor(path: string): string {
  const name = path
    .replace(/[^A-Za-z0-9.@_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return name.length >= 2 ? name : 'oss-media';
}

/**
 * Temporary credentials limited to `mode` on `path` of `bucket`: `buildPolicy` plus
 * `assumeRole`. Unlike the C SDK's server part it grants delete and list too.
 *
 * @throws {TypeError|RangeError} for a bad bucket, path, mode or AssumeRole field.
 * @throws {StsError} as `assumeRole` does.
 * @example
 * const token = await getToken({
 *   credentials: { accessKeyId, accessKeySecret },
 *   roleArn: 'acs:ram::1234567890123:role/camera-uploader',
 *   bucket: 'media', path: 'videos/cam-42/*', mode: 'a',
 * });
 */
export async function getToken(
  o: GetTokenOptions,
): Promise<AssumedRole & { policy: PolicyDocument }> {
  const policy = buildPolicy({ bucket: o.bucket, path: o.path, mode: o.mode });
  const assumed = await assumeRole({
    credentials: o.credentials,
    roleArn: o.roleArn,
    roleSessionName: o.sessionName ?? sessionNameFor(o.path),
    policy,
    durationSeconds: o.durationSeconds ?? DEFAULT_TOKEN_DURATION_SECONDS,
    externalId: o.externalId,
    endpoint: o.endpoint,
    fetch: o.fetch,
    now: o.now,
    nonce: o.nonce,
    signal: o.signal,
  });
  return { ...assumed, policy };
}
