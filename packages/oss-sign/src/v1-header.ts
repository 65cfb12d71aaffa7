import {
  type Credentials,
  canonicalizedOssHeaders,
  canonicalizedResource,
  checkCredentials,
  checkDate,
  checkRequest,
  headerValue,
  type SignableRequest,
} from './canonical.js';
import { toBase64 } from './encoding.js';
import { describe } from './errors.js';
import type { HashBackend } from './hashes.js';

/**
 * V1 StringToSign: method, Content-MD5, Content-Type, the date line, canonicalized OSS headers
 * and canonicalized resource. The date line is `dateOrExpires` when given (a presigned URL
 * passes its Expires), else `x-oss-date`, else `Date`.
 */
export function stringToSignV1(req: SignableRequest, dateOrExpires?: string): string {
  checkRequest(req);
  const headers = req.headers ?? {};
  const date =
    dateOrExpires ?? headerValue(headers, 'x-oss-date') ?? headerValue(headers, 'date') ?? '';
  return (
    `${req.method.toUpperCase()}\n` +
    `${headerValue(headers, 'content-md5') ?? ''}\n` +
    `${headerValue(headers, 'content-type') ?? ''}\n` +
    `${date}\n` +
    canonicalizedOssHeaders(headers) +
    canonicalizedResource(req)
  );
}

export function signatureV1(h: HashBackend, accessKeySecret: string, stringToSign: string): string {
  if (typeof accessKeySecret !== 'string' || accessKeySecret === '') {
    throw new TypeError(
      `accessKeySecret must be a non-empty string, got ${describe(accessKeySecret)}`,
    );
  }
  if (typeof stringToSign !== 'string') {
    throw new TypeError(`stringToSign must be a string, got ${describe(stringToSign)}`);
  }
  return toBase64(h.hmacSha1(accessKeySecret, stringToSign));
}

/** The V1 Authorization header value, `OSS <AccessKeyId>:<Signature>`. */
export function authorizationV1(accessKeyId: string, signature: string): string {
  if (typeof accessKeyId !== 'string' || accessKeyId === '') {
    throw new TypeError(`accessKeyId must be a non-empty string, got ${describe(accessKeyId)}`);
  }
  return `OSS ${accessKeyId}:${signature}`;
}

/** Sets `name` in `headers`, replacing any spelling of it in another case. */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k];
  headers[name] = value;
}

export function signRequestV1(
  h: HashBackend,
  req: SignableRequest,
  credentials: Credentials,
  options: { date?: Date } = {},
): Record<string, string> {
  checkRequest(req);
  checkCredentials(credentials);
  const headers = { ...req.headers };

  const existing = headerValue(headers, 'x-oss-date');
  if (options.date !== undefined || existing === undefined) {
    setHeader(headers, 'x-oss-date', checkDate(options.date, 'options.date').toUTCString());
  }
  if (credentials.securityToken !== undefined) {
    setHeader(headers, 'x-oss-security-token', credentials.securityToken);
  }

  const stringToSign = stringToSignV1({ ...req, headers });
  const signature = signatureV1(h, credentials.accessKeySecret, stringToSign);
  setHeader(headers, 'Authorization', authorizationV1(credentials.accessKeyId, signature));
  return headers;
}
