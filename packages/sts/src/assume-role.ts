/**
 * STS AssumeRole over `fetch` (protocol §9): validate, sign, send, and turn the answer into
 * credentials or an `StsError`.
 */
import type { Credentials } from '@oss-media/oss-sign';
import { bodyExcerpt, StsError } from './errors.js';
import { type PolicyDocument, serializePolicy } from './policy.js';
import { canonicalizedQueryRpc, percentEncodeRpc, signRpc } from './rpc-signature.js';

/** Credentials that may end: what STS hands out. */
export interface TemporaryCredentials extends Credentials {
  /** When the credentials stop working; absent for keys that do not expire. */
  expiration?: Date;
}

/** What AssumeRole returns. */
export interface AssumedRole extends TemporaryCredentials {
  securityToken: string;
  expiration: Date;
  assumedRoleUser: { arn: string; assumedRoleId: string };
  requestId: string;
}

/** Options of `assumeRole`. */
export interface AssumeRoleOptions {
  /** The caller's keys (a RAM user's, or temporary ones, whose token is then sent too). */
  credentials: Credentials;
  /** `acs:ram::<account id>:role/<role name>`. */
  roleArn: string;
  /** 2..64 of `[A-Za-z0-9.@_-]`; shows up in audit logs. */
  roleSessionName: string;
  /** Session policy narrowing the role's rights; ≤ 2048 characters once serialized. */
  policy?: PolicyDocument | string;
  /** 900..43200 (the role's own maximum applies too); default 3600. */
  durationSeconds?: number;
  externalId?: string;
  /** Default `https://sts.aliyuncs.com`. */
  endpoint?: string;
  fetch?: typeof fetch;
  /** Clock for the `Timestamp` parameter. */
  now?: () => Date;
  /** Source of `SignatureNonce` values; default `crypto.randomUUID`. */
  nonce?: () => string;
  signal?: AbortSignal;
}

/** The public STS endpoint. */
export const DEFAULT_STS_ENDPOINT = 'https://sts.aliyuncs.com';
/** The duration STS applies when none is given. */
export const DEFAULT_DURATION_SECONDS = 3600;
/** The shortest DurationSeconds STS accepts. */
export const MIN_DURATION_SECONDS = 900;
/** The longest DurationSeconds STS accepts; a role's own maximum may be lower. */
export const MAX_DURATION_SECONDS = 43200;

const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._@-]{1,64}$/;
const ROLE_SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${field} must be a non-empty string, received ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Checks AssumeRole arguments before anything is sent.
 *
 * @throws {TypeError} naming the field: credentials, roleArn, roleSessionName, policy,
 *   externalId or endpoint.
 * @throws {RangeError} for durationSeconds outside 900..43200 or a policy over 2048 characters.
 * @returns the serialized policy, if any.
 */
export function validateAssumeRole(o: AssumeRoleOptions): { policy?: string } {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  if (typeof o.credentials !== 'object' || o.credentials === null) {
    throw new TypeError('credentials must be an object with accessKeyId and accessKeySecret');
  }
  requireString(o.credentials.accessKeyId, 'credentials.accessKeyId');
  requireString(o.credentials.accessKeySecret, 'credentials.accessKeySecret');

  if (typeof o.roleArn !== 'string' || !ROLE_ARN.test(o.roleArn)) {
    throw new TypeError(
      'roleArn (RoleArn) must look like acs:ram::<account id>:role/<role name>, ' +
        `received ${describe(o.roleArn)}`,
    );
  }
  if (typeof o.roleSessionName !== 'string' || !ROLE_SESSION_NAME.test(o.roleSessionName)) {
    throw new TypeError(
      'roleSessionName (RoleSessionName) must be 2..64 of [A-Za-z0-9.@_-], ' +
        `received ${describe(o.roleSessionName)}`,
    );
  }

  const duration = o.durationSeconds;
  if (duration !== undefined) {
    if (typeof duration !== 'number' || !Number.isInteger(duration)) {
      throw new TypeError(
        `durationSeconds (DurationSeconds) must be an integer, received ${describe(duration)}`,
      );
    }
    if (duration < MIN_DURATION_SECONDS || duration > MAX_DURATION_SECONDS) {
      throw new RangeError(
        `durationSeconds (DurationSeconds) must be ${MIN_DURATION_SECONDS}..` +
          `${MAX_DURATION_SECONDS}, received ${duration}`,
      );
    }
  }

  if (o.externalId !== undefined) requireString(o.externalId, 'externalId (ExternalId)');
  if (o.endpoint !== undefined && !URL.canParse(o.endpoint)) {
    throw new TypeError(`endpoint must be an absolute URL, received ${describe(o.endpoint)}`);
  }

  if (o.policy === undefined) return {};
  return { policy: checkPolicy(o.policy) };
}

/**
 * Only the form is checked here (a JSON object, ≤ 2048 characters): the grammar is the
 * service's to judge, and real session policies may use conditions (`IpAddress`, ...) that
 * `parsePolicy` does not evaluate.
 */
function checkPolicy(policy: PolicyDocument | string): string {
  if (typeof policy === 'string') {
    let value: unknown;
    try {
      value = JSON.parse(policy);
    } catch (error) {
      throw new TypeError('policy (Policy) is not valid JSON', { cause: error });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError('policy (Policy) must be a JSON object');
    }
  } else if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new TypeError(`policy (Policy) must be a document or JSON text, received ${policy}`);
  }
  return serializePolicy(policy);
}

/** UTC ISO 8601 without milliseconds, as the RPC `Timestamp` parameter is written. */
export function rpcTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The full, unsigned AssumeRole parameter set. Exported so servers and tests can rebuild what a
 * client sends.
 */
export function assumeRoleParameters(
  o: AssumeRoleOptions,
  fixed: { policy?: string; timestamp: string; nonce: string },
): Record<string, string> {
  const params: Record<string, string> = {
    AccessKeyId: o.credentials.accessKeyId,
    Action: 'AssumeRole',
    DurationSeconds: String(o.durationSeconds ?? DEFAULT_DURATION_SECONDS),
    Format: 'JSON',
    RoleArn: o.roleArn,
    RoleSessionName: o.roleSessionName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: fixed.nonce,
    SignatureVersion: '1.0',
    Timestamp: fixed.timestamp,
    Version: '2015-04-01',
  };
  if (fixed.policy !== undefined) params.Policy = fixed.policy;
  if (o.externalId !== undefined) params.ExternalId = o.externalId;
  if (o.credentials.securityToken) params.SecurityToken = o.credentials.securityToken;
  return params;
}

interface StsSuccessBody {
  RequestId?: unknown;
  AssumedRoleUser?: { Arn?: unknown; AssumedRoleId?: unknown };
  Credentials?: {
    AccessKeyId?: unknown;
    AccessKeySecret?: unknown;
    SecurityToken?: unknown;
    Expiration?: unknown;
  };
}

function unexpected(status: number, text: string, why: string, cause?: unknown): StsError {
  return new StsError(
    'UnexpectedResponse',
    `STS answered HTTP ${status} with ${why}: ${JSON.stringify(bodyExcerpt(text))}`,
    { status, body: bodyExcerpt(text), cause },
  );
}

/**
 * Reads an STS response: credentials on success, an `StsError` carrying the service's `Code`,
 * `RequestId` and the HTTP status otherwise.
 *
 * @throws {StsError} the service's code, or `UnexpectedResponse` with the start of the body.
 */
export function parseAssumeRoleResponse(status: number, text: string): AssumedRole {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw unexpected(status, text, 'a body that is not JSON', error);
  }
  if (typeof body !== 'object' || body === null) {
    throw unexpected(status, text, 'JSON that is not an object');
  }

  const record = body as Record<string, unknown>;
  const requestId = typeof record.RequestId === 'string' ? record.RequestId : undefined;
  if (typeof record.Code === 'string' && record.Code !== '') {
    const message = typeof record.Message === 'string' ? record.Message : record.Code;
    throw new StsError(record.Code, message, { requestId, status });
  }
  if (status < 200 || status > 299) {
    throw unexpected(status, text, 'an error without a Code');
  }

  const { Credentials: c, AssumedRoleUser: user } = body as StsSuccessBody;
  const expiration = typeof c?.Expiration === 'string' ? new Date(c.Expiration) : undefined;
  const complete =
    typeof c?.AccessKeyId === 'string' &&
    c.AccessKeyId !== '' &&
    typeof c.AccessKeySecret === 'string' &&
    c.AccessKeySecret !== '' &&
    typeof c.SecurityToken === 'string' &&
    c.SecurityToken !== '' &&
    expiration !== undefined &&
    !Number.isNaN(expiration.getTime());
  if (!complete) throw unexpected(status, text, 'JSON without complete Credentials');

  return {
    accessKeyId: c.AccessKeyId as string,
    accessKeySecret: c.AccessKeySecret as string,
    securityToken: c.SecurityToken as string,
    expiration,
    assumedRoleUser: {
      arn: typeof user?.Arn === 'string' ? user.Arn : '',
      assumedRoleId: typeof user?.AssumedRoleId === 'string' ? user.AssumedRoleId : '',
    },
    requestId: requestId ?? '',
  };
}

/**
 * Calls STS AssumeRole: a form-encoded, signed POST to the endpoint, answered with temporary
 * credentials whose `expiration` is a `Date`.
 *
 * @throws {TypeError|RangeError} before any request, naming the bad field.
 * @throws {StsError} the service's error (`code`, `requestId`, `status`), `UnexpectedResponse`
 *   for an answer that is not the expected JSON, `RequestFailed` when no answer came.
 *   An aborted `signal` rejects with the signal's reason, unchanged.
 * @example
 * const token = await assumeRole({
 *   credentials: { accessKeyId, accessKeySecret },
 *   roleArn: 'acs:ram::1234567890123:role/camera-uploader',
 *   roleSessionName: 'cam-42',
 *   policy: buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' }),
 *   durationSeconds: 900,
 * });
 */
export async function assumeRole(o: AssumeRoleOptions): Promise<AssumedRole> {
  const { policy } = validateAssumeRole(o);
  const now = o.now ?? (() => new Date());
  const nonce = o.nonce ?? (() => globalThis.crypto.randomUUID());
  const send = o.fetch ?? globalThis.fetch;

  const params = assumeRoleParameters(o, {
    policy,
    timestamp: rpcTimestamp(now()),
    nonce: nonce(),
  });
  const signature = signRpc('POST', params, o.credentials.accessKeySecret);
  const body = `${canonicalizedQueryRpc(params)}&Signature=${percentEncodeRpc(signature)}`;

  let response: Response;
  let text: string;
  try {
    response = await send(o.endpoint ?? DEFAULT_STS_ENDPOINT, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
      signal: o.signal,
    });
    text = await response.text();
  } catch (error) {
    if (o.signal?.aborted) throw o.signal.reason;
    throw new StsError('RequestFailed', `STS request failed: ${(error as Error)?.message}`, {
      cause: error,
    });
  }

  return parseAssumeRoleResponse(response.status, text);
}
