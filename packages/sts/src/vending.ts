/**
 * Both ends of token vending: the application server's `(Request) => Response` handler that
 * hands a device its temporary credentials, and the device's call to it.
 */
import {
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  type TemporaryCredentials,
} from './assume-role.js';
import { bodyExcerpt, StsError } from './errors.js';
import { buildPolicy, type PolicyDocument } from './policy.js';
import { DEFAULT_TOKEN_DURATION_SECONDS, sessionNameFor } from './token.js';

/** What an authenticated caller may do, as `authenticate` decides it. */
export interface VendingGrant {
  bucket: string;
  /** Exact key, pattern, or prefix ending in `/` (see `buildPolicy`). */
  path: string;
  /** Letters of `rwadl`. */
  mode: string;
  /** Default 900. */
  durationSeconds?: number;
  /** Default derived from the path. */
  sessionName?: string;
}

/** A grant completed with defaults and its session policy, as `issue` receives it. */
export interface ResolvedGrant {
  bucket: string;
  path: string;
  mode: string;
  durationSeconds: number;
  sessionName: string;
  policy: PolicyDocument;
}

/** Options of `createTokenVendingHandler`. */
export interface TokenVendingOptions {
  /** Who is asking and what they may do; null when the caller is not recognised (→ 401). */
  authenticate: (request: Request) => Promise<VendingGrant | null>;
  /** Mints the credentials, typically `assumeRole` with the server's keys and `grant.policy`. */
  issue: (grant: ResolvedGrant) => Promise<TemporaryCredentials & { expiration: Date }>;
  /** Told about failures answered 4xx/5xx other than 401, for the server's own logs. */
  onError?: (error: unknown, request: Request) => void;
}

/** The JSON body a vending endpoint answers with. */
export interface VendedCredentialsBody {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** ISO 8601. */
  expiration: string;
  bucket: string;
  path: string;
  mode: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      // Credentials must never sit in a shared or browser cache.
      'cache-control': 'no-store',
      ...headers,
    },
  });
}

function resolveGrant(grant: VendingGrant): ResolvedGrant {
  const policy = buildPolicy(grant);
  const durationSeconds = grant.durationSeconds ?? DEFAULT_TOKEN_DURATION_SECONDS;
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < MIN_DURATION_SECONDS ||
    durationSeconds > MAX_DURATION_SECONDS
  ) {
    throw new RangeError(
      `durationSeconds must be an integer ${MIN_DURATION_SECONDS}..${MAX_DURATION_SECONDS}, ` +
        `received ${durationSeconds}`,
    );
  }
  return {
    bucket: grant.bucket,
    path: grant.path,
    mode: grant.mode,
    durationSeconds,
    sessionName: grant.sessionName ?? sessionNameFor(grant.path),
    policy,
  };
}

/**
 * A fetch-style handler for an application server's token endpoint. GET or POST; the caller is
 * authenticated by `authenticate`, which maps it to (bucket, path, mode); `issue` mints the
 * credentials. Answers (all JSON, `Cache-Control: no-store`):
 * 200 `{ accessKeyId, accessKeySecret, securityToken, expiration, bucket, path, mode }`;
 * 401 `{ code: 'Unauthorized' }`; 405 `MethodNotAllowed`; 400 `InvalidGrant` when the grant is
 * malformed; 502 with STS's `code` (or ours: `UnexpectedResponse`, `RequestFailed`) and
 * `requestId` when `issue` throws an `StsError`; 500 `InternalError` otherwise. Error bodies
 * never include STS's own message, which can name the role.
 *
 * @example
 * const handler = createTokenVendingHandler({
 *   authenticate: async (request) =>
 *     request.headers.get('x-device-key') === secret
 *       ? { bucket: 'media', path: 'videos/cam-42/*', mode: 'a' } : null,
 *   issue: (grant) => assumeRole({ credentials, roleArn, roleSessionName: grant.sessionName,
 *     policy: grant.policy, durationSeconds: grant.durationSeconds }),
 * });
 * const response = await handler(new Request('http://app/sts/token', { method: 'POST' }));
 */
export function createTokenVendingHandler(
  o: TokenVendingOptions,
): (request: Request) => Promise<Response> {
  if (typeof o?.authenticate !== 'function' || typeof o.issue !== 'function') {
    throw new TypeError('authenticate and issue must be functions');
  }

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return json(
        405,
        { code: 'MethodNotAllowed', message: 'use GET or POST' },
        { allow: 'GET, POST' },
      );
    }

    let found: VendingGrant | null;
    try {
      found = await o.authenticate(request);
    } catch (error) {
      o.onError?.(error, request);
      return json(500, { code: 'InternalError', message: 'authentication failed' });
    }
    if (found === null || found === undefined) {
      return json(401, { code: 'Unauthorized', message: 'caller not recognised' });
    }

    let grant: ResolvedGrant;
    try {
      grant = resolveGrant(found);
    } catch (error) {
      o.onError?.(error, request);
      return json(400, { code: 'InvalidGrant', message: (error as Error).message });
    }

    let issued: TemporaryCredentials & { expiration: Date };
    try {
      issued = await o.issue(grant);
    } catch (error) {
      o.onError?.(error, request);
      if (error instanceof StsError) {
        // Upstream trouble; STS's message stays out, it can name the role.
        return json(502, {
          code: error.code,
          message: 'the token service failed or refused the request',
          requestId: error.requestId,
        });
      }
      return json(500, { code: 'InternalError', message: 'could not issue credentials' });
    }
    if (!(issued?.expiration instanceof Date) || !issued.securityToken) {
      const error = new TypeError('issue returned credentials without token or expiration');
      o.onError?.(error, request);
      return json(500, { code: 'InternalError', message: 'could not issue credentials' });
    }

    const body: VendedCredentialsBody = {
      accessKeyId: issued.accessKeyId,
      accessKeySecret: issued.accessKeySecret,
      securityToken: issued.securityToken,
      expiration: issued.expiration.toISOString(),
      bucket: grant.bucket,
      path: grant.path,
      mode: grant.mode,
    };
    return json(200, body);
  };
}

/** What a device gets from its vending endpoint. */
export type VendedCredentials = TemporaryCredentials & {
  expiration: Date;
  bucket?: string;
  path?: string;
  mode?: string;
};

function pick(record: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (record[name] !== undefined) return record[name];
  return undefined;
}

/** Reads credentials from our body shape, STS's (`Credentials: {...}`) or flat PascalCase. */
function readVended(value: unknown): VendedCredentials | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const outer = value as Record<string, unknown>;
  const inner = outer.Credentials;
  const c =
    typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : outer;

  const accessKeyId = pick(c, 'accessKeyId', 'AccessKeyId');
  const accessKeySecret = pick(c, 'accessKeySecret', 'AccessKeySecret');
  const securityToken = pick(c, 'securityToken', 'SecurityToken');
  const expiration = pick(c, 'expiration', 'Expiration');
  if (
    typeof accessKeyId !== 'string' ||
    accessKeyId === '' ||
    typeof accessKeySecret !== 'string' ||
    accessKeySecret === '' ||
    typeof securityToken !== 'string' ||
    typeof expiration !== 'string'
  ) {
    return undefined;
  }
  const expirationDate = new Date(expiration);
  if (Number.isNaN(expirationDate.getTime())) return undefined;

  const vended: VendedCredentials = {
    accessKeyId,
    accessKeySecret,
    securityToken,
    expiration: expirationDate,
  };
  for (const field of ['bucket', 'path', 'mode'] as const) {
    if (typeof outer[field] === 'string') vended[field] = outer[field] as string;
  }
  return vended;
}

/**
 * A device's request for credentials to its application server's vending endpoint. Accepts the
 * body of `createTokenVendingHandler`, an STS AssumeRole body, or flat PascalCase fields.
 *
 * @throws {StsError} with the endpoint's `code` (and `status`) on an error answer,
 *   `UnexpectedResponse` (status, start of body) when the answer is not credentials,
 *   `RequestFailed` when no answer came.
 * @example
 * const provider = new CredentialsProvider({
 *   fetchCredentials: () =>
 *     fetchVendedCredentials('https://app.example.com/sts/token', {
 *       method: 'POST', headers: { 'x-device-key': deviceKey },
 *     }),
 * });
 */
export async function fetchVendedCredentials(
  url: string | URL,
  init: RequestInit & { fetch?: typeof fetch } = {},
): Promise<VendedCredentials> {
  const { fetch: customFetch, ...requestInit } = init;
  const send = customFetch ?? globalThis.fetch;

  let status: number;
  let text: string;
  try {
    const response = await send(url, requestInit);
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (requestInit.signal?.aborted) throw requestInit.signal.reason;
    throw new StsError('RequestFailed', `token request failed: ${(error as Error)?.message}`, {
      cause: error,
    });
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }

  if (status < 200 || status > 299) {
    const record = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const code = pick(record, 'code', 'Code');
    const message = pick(record, 'message', 'Message');
    const requestId = pick(record, 'requestId', 'RequestId');
    if (typeof code === 'string' && code !== '') {
      throw new StsError(code, typeof message === 'string' ? message : code, {
        status,
        requestId: typeof requestId === 'string' ? requestId : undefined,
      });
    }
    throw new StsError(
      'UnexpectedResponse',
      `token endpoint answered HTTP ${status}: ${JSON.stringify(bodyExcerpt(text))}`,
      { status, body: bodyExcerpt(text) },
    );
  }

  const vended = readVended(body);
  if (vended === undefined) {
    throw new StsError(
      'UnexpectedResponse',
      `token endpoint answered HTTP ${status} without credentials: ` +
        JSON.stringify(bodyExcerpt(text)),
      { status, body: bodyExcerpt(text) },
    );
  }
  return vended;
}
