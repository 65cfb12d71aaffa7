import {
  type Credentials,
  canonicalizedResource,
  checkCredentials,
  checkDate,
  checkRequest,
  lowerCaseHeaders,
  ossHeaderBlock,
  type SignableRequest,
} from './canonical.js';
import { describe } from './errors.js';
import type { HashBackend } from './hashes.js';

/** The string to sign of a checked request whose headers are already lower-cased. */
function buildStringToSign(
  req: SignableRequest,
  lowered: Map<string, string>,
  dateOrExpires: string | undefined,
): string {
  const date = dateOrExpires ?? lowered.get('x-oss-date') ?? lowered.get('date') ?? '';
  return (
    `${req.method.toUpperCase()}\n` +
    `${lowered.get('content-md5') ?? ''}\n` +
    `${lowered.get('content-type') ?? ''}\n` +
    `${date}\n` +
    ossHeaderBlock(lowered) +
    canonicalizedResource(req)
  );
}

/**
 * V1 StringToSign: method, Content-MD5, Content-Type, the date line, canonicalized OSS headers
 * and canonicalized resource. The date line is `dateOrExpires` when given (a presigned URL
 * passes its Expires), else `x-oss-date`, else `Date`.
 *
 * @throws {TypeError} when the request is malformed or a header value is not a string.
 * @example
 * stringToSignV1({ method: 'PUT', headers: { Date: 'Thu, 17 Nov 2005 18:49:58 GMT' } })
 *   === 'PUT\n\n\nThu, 17 Nov 2005 18:49:58 GMT\n/'
 */
export function stringToSignV1(req: SignableRequest, dateOrExpires?: string): string {
  checkRequest(req);
  if (dateOrExpires !== undefined && typeof dateOrExpires !== 'string') {
    throw new TypeError(`dateOrExpires must be a string, got ${describe(dateOrExpires)}`);
  }
  return buildStringToSign(req, lowerCaseHeaders(req.headers), dateOrExpires);
}

function checkSecret(accessKeySecret: unknown): void {
  if (typeof accessKeySecret !== 'string' || accessKeySecret === '') {
    throw new TypeError(
      `accessKeySecret must be a non-empty string, got ${describe(accessKeySecret)}`,
    );
  }
}

export function signatureV1(h: HashBackend, accessKeySecret: string, stringToSign: string): string {
  checkSecret(accessKeySecret);
  if (typeof stringToSign !== 'string') {
    throw new TypeError(`stringToSign must be a string, got ${describe(stringToSign)}`);
  }
  return h.hmacSha1Base64(accessKeySecret, stringToSign);
}

/**
 * The V1 Authorization header value, `OSS <AccessKeyId>:<Signature>`.
 * @throws {TypeError} when `accessKeyId` is empty.
 */
export function authorizationV1(accessKeyId: string, signature: string): string {
  if (typeof accessKeyId !== 'string' || accessKeyId === '') {
    throw new TypeError(`accessKeyId must be a non-empty string, got ${describe(accessKeyId)}`);
  }
  return `OSS ${accessKeyId}:${signature}`;
}

/**
 * A copy of `headers` without the names in `replaced` (lower-case) in any spelling, then with
 * `added` set. Built in one pass: deleting keys would slow every later access to the object.
 */
export function withHeaders(
  headers: Record<string, string> | undefined,
  added: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) {
    for (const k in headers) {
      const lower = k.toLowerCase();
      let kept = true;
      for (const name in added) if (name.toLowerCase() === lower) kept = false;
      if (kept) out[k] = headers[k]!;
    }
  }
  return Object.assign(out, added);
}

export function signRequestV1(
  h: HashBackend,
  req: SignableRequest,
  credentials: Credentials,
  options: { date?: Date } = {},
): Record<string, string> {
  checkRequest(req);
  checkCredentials(credentials);
  const lowered = lowerCaseHeaders(req.headers);
  const added: Record<string, string> = {};

  if (options.date !== undefined || !lowered.has('x-oss-date')) {
    added['x-oss-date'] = checkDate(options.date, 'options.date').toUTCString();
    lowered.set('x-oss-date', added['x-oss-date']);
  }
  if (credentials.securityToken !== undefined) {
    added['x-oss-security-token'] = credentials.securityToken;
    lowered.set('x-oss-security-token', credentials.securityToken);
  }

  const stringToSign = buildStringToSign(req, lowered, undefined);
  const signature = h.hmacSha1Base64(credentials.accessKeySecret, stringToSign);
  added.Authorization = authorizationV1(credentials.accessKeyId, signature);
  return withHeaders(req.headers, added);
}
