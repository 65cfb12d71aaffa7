import {
  type Credentials,
  canonicalizedResource,
  checkCredentials,
  checkDate,
  checkRequest,
  LoweredHeaders,
  lowerCaseHeaders,
  ossHeaderBlock,
  type SignableRequest,
} from './canonical.js';
import { describe } from './errors.js';
import type { HashBackend } from './hashes.js';

/** The string to sign of a checked request whose headers are already lower-cased. */
function buildStringToSign(
  req: SignableRequest,
  lowered: LoweredHeaders,
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
 * A copy of `headers` without the names in `added` in any spelling, then with `added` set.
 * Built in one pass: deleting keys would slow every later access to the object.
 */
export function withHeaders(
  headers: Record<string, string> | undefined,
  added: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) {
    const replaced = Object.keys(added).map((name) => name.toLowerCase());
    for (const k in headers) {
      if (!replaced.includes(k.toLowerCase())) out[k] = headers[k]!;
    }
  }
  return Object.assign(out, added);
}

const NO_OPTIONS: { date?: Date } = {};

// `toUTCString` costs about a microsecond, a fifth of a whole signature, and its text changes
// once a second; signatures made within one second share the string.
let formattedSecond = Number.NaN;
let formattedDate = '';

/** The HTTP date of `date` (checked) or of now, as `x-oss-date` carries it. */
function httpDate(date: Date | undefined): string {
  const ms = date === undefined ? Date.now() : checkDate(date, 'options.date').getTime();
  const second = Math.floor(ms / 1000);
  if (second !== formattedSecond) {
    formattedDate = new Date(ms).toUTCString();
    formattedSecond = second;
  }
  return formattedDate;
}

export function signRequestV1(
  h: HashBackend,
  req: SignableRequest,
  credentials: Credentials,
  options: { date?: Date } = NO_OPTIONS,
): Record<string, string> {
  checkRequest(req);
  checkCredentials(credentials);
  const replaceDate = options.date !== undefined;
  const token = credentials.securityToken;

  // One pass over the input makes both the headers to send and the lower-cased ones to sign.
  const out: Record<string, string> = {};
  const lowered = new LoweredHeaders();
  const input = req.headers;
  if (input) {
    for (const k in input) {
      const lower = k.toLowerCase();
      const replaced =
        lower === 'authorization' ||
        (replaceDate && lower === 'x-oss-date') ||
        (token !== undefined && lower === 'x-oss-security-token');
      if (replaced) continue;
      out[k] = input[k]!;
      lowered.set(lower, input[k]!);
    }
  }

  if (replaceDate || !lowered.has('x-oss-date')) {
    const date = httpDate(options.date);
    out['x-oss-date'] = date;
    lowered.set('x-oss-date', date);
  }
  if (token !== undefined) {
    out['x-oss-security-token'] = token;
    lowered.set('x-oss-security-token', token);
  }

  const stringToSign = buildStringToSign(req, lowered, undefined);
  const signature = h.hmacSha1Base64(credentials.accessKeySecret, stringToSign);
  out.Authorization = authorizationV1(credentials.accessKeyId, signature);
  return out;
}
