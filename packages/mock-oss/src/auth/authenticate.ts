/**
 * Who sent a request: verifies the four OSS signature forms (V1 header, V1 presigned URL, V4
 * header, V4 presigned URL) against the mock clock, and resolves the key to the root account or
 * a temporary STS session. Every check answers the service's error code.
 */
import {
  canonicalRequestV4,
  OssSignError,
  parseAuthorization,
  parsePresignedQuery,
  type SignableRequest,
  signatureV1,
  signatureV4,
  signingKeyV4,
  stringToSignV1,
  stringToSignV4,
  timingSafeEqual,
  utf8,
} from '@oss-media/oss-sign';
import type { PolicyDocument } from '@oss-media/sts';
import type { Accounts } from '../accounts.js';
import { OssError } from '../errors.js';

/** A request as authentication sees it. Names and values are decoded. */
export interface AuthRequest {
  method: string;
  bucket?: string;
  key?: string;
  /** Decoded; a bare sub-resource (`?acl`) is `''`. */
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
}

/** The authenticated principal. */
export interface Identity {
  kind: 'root' | 'temporary' | 'anonymous';
  accessKeyId?: string;
  /** Temporary: the role policy, then the session policy when there is one. */
  policies: PolicyDocument[];
  roleArn?: string;
  sessionName?: string;
}

/** What authentication needs from the server. */
export interface AuthContext {
  /** The mock clock, ms since the epoch. */
  now: number;
  accounts: Accounts;
  /** The server's region, e.g. `cn-hangzhou` (an `oss-` prefix is ignored). */
  region: string;
  /** Accept every request as the root account. */
  noAuth: boolean;
}

/** The service's tolerance between a request's date and its own clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/** The longest lifetime of a V4 presigned URL, seconds. */
export const MAX_PRESIGN_EXPIRES_V4 = 604800;

const V1_PRESIGN_PARAMS = ['OSSAccessKeyId', 'Expires', 'Signature'] as const;
const V4_PRESIGN_PARAMS = [
  'x-oss-signature-version',
  'x-oss-credential',
  'x-oss-date',
  'x-oss-expires',
  'x-oss-signature',
] as const;
const V4_ALGORITHM = 'OSS4-HMAC-SHA256';
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Authenticates a request.
 *
 * - An `Authorization` header: V1 (`OSS ak:sig`) or V4 (`OSS4-HMAC-SHA256 Credential=…`).
 * - Else a presigned query: V1 (`OSSAccessKeyId`, `Expires`, `Signature`) or V4
 *   (`x-oss-signature-version`, `x-oss-credential`, …).
 * - Else anonymous: the caller decides (public-read ACL, or AccessDenied through `authorize`).
 *
 * @throws {OssError} `InvalidArgument` (malformed Authorization or presign parameters),
 *   `AccessDenied` (no valid date, expired or incomplete presigned URL),
 *   `RequestTimeTooSkewed`, `InvalidAccessKeyId`, `InvalidSecurityToken`,
 *   `SecurityTokenExpired`, `SignatureDoesNotMatch` (echoing the string to sign).
 * @example
 * const who = authenticate({ method: 'GET', bucket: 'b', key: 'k', query: {}, headers },
 *   { now: clock.now(), accounts, region: 'cn-hangzhou', noAuth: false });
 */
export function authenticate(req: AuthRequest, ctx: AuthContext): Identity {
  if (ctx.noAuth) return rootIdentity(ctx.accounts.root.accessKeyId);

  const authorization = req.headers.authorization;
  if (authorization !== undefined) return authenticateHeader(req, authorization, ctx);

  if (V4_PRESIGN_PARAMS.some((name) => req.query[name] !== undefined)) {
    return authenticatePresignV4(req, ctx);
  }
  if (req.query.OSSAccessKeyId !== undefined || req.query.Signature !== undefined) {
    return authenticatePresignV1(req, ctx);
  }
  return { kind: 'anonymous', policies: [] };
}

// ---- Authorization header

function authenticateHeader(req: AuthRequest, authorization: string, ctx: AuthContext): Identity {
  const parsed = parseHeader(authorization);
  if (parsed.version === 'v1') {
    const dateText = req.headers['x-oss-date'] ?? req.headers.date;
    checkSkew(requestDate(dateText), ctx.now);
    const key = resolveKey(parsed.accessKeyId, req.headers['x-oss-security-token'], ctx);

    const stringToSign = stringToSignV1(signable(req));
    const expected = signatureV1(key.secret, stringToSign);
    checkSignature(expected, parsed.signature, parsed.accessKeyId, stringToSign);
    return key.identity;
  }

  const isoDate = req.headers['x-oss-date'];
  checkSkew(requestDate(isoDate, true), ctx.now);
  checkScope(parsed, isoDate as string, ctx.region);
  const key = resolveKey(parsed.accessKeyId, req.headers['x-oss-security-token'], ctx);
  verifyV4(req, parsed, isoDate as string, key.secret);
  return key.identity;
}

type ParsedHeader = ReturnType<typeof parseAuthorization>;
type ParsedV4 = Extract<ParsedHeader, { version: 'v4' }>;

function parseHeader(authorization: string): ParsedHeader {
  try {
    return parseAuthorization(authorization);
  } catch (error) {
    if (!(error instanceof OssSignError)) throw error;
    throw new OssError('InvalidArgument', `Authorization header is invalid. ${error.message}`, {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  }
}

// ---- presigned URLs

function authenticatePresignV1(req: AuthRequest, ctx: AuthContext): Identity {
  requireParams(req.query, V1_PRESIGN_PARAMS);
  const expiresText = req.query.Expires as string;
  if (!/^\d{1,15}$/.test(expiresText)) {
    throw new OssError('InvalidArgument', 'The Expires parameter must be Unix seconds.', {
      ArgumentName: 'Expires',
      ArgumentValue: expiresText,
    });
  }

  // The service checks expiry before the signature: an expired URL says so even if altered.
  const expires = Number(expiresText);
  if (Math.floor(ctx.now / 1000) > expires) throw expired(expires * 1000, ctx.now);

  const accessKeyId = req.query.OSSAccessKeyId as string;
  const key = resolveKey(accessKeyId, req.query['security-token'], ctx);
  const stringToSign = stringToSignV1(signable(req), expiresText);
  const expected = signatureV1(key.secret, stringToSign);
  checkSignature(expected, req.query.Signature as string, accessKeyId, stringToSign);
  return key.identity;
}

function authenticatePresignV4(req: AuthRequest, ctx: AuthContext): Identity {
  requireParams(req.query, V4_PRESIGN_PARAMS);
  if (req.query['x-oss-signature-version'] !== V4_ALGORITHM) {
    throw invalidArgument('x-oss-signature-version', req.query['x-oss-signature-version'] ?? '');
  }

  const expiresText = req.query['x-oss-expires'] as string;
  const expires = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!(expires >= 1 && expires <= MAX_PRESIGN_EXPIRES_V4)) {
    throw new OssError(
      'InvalidArgument',
      `x-oss-expires must be an integer in 1..${MAX_PRESIGN_EXPIRES_V4}.`,
      { ArgumentName: 'x-oss-expires', ArgumentValue: expiresText },
    );
  }

  const parsed = parsePresign(req.query);
  const isoDate = req.query['x-oss-date'] as string;
  const signedAt = requestDate(isoDate, true);
  // A URL dated in the future is usable once the clocks are within the skew window.
  if (signedAt - ctx.now > MAX_SKEW_MS) checkSkew(signedAt, ctx.now);
  if (ctx.now > signedAt + expires * 1000) throw expired(signedAt + expires * 1000, ctx.now);

  checkScope(parsed, isoDate, ctx.region);
  const key = resolveKey(parsed.accessKeyId, req.query['x-oss-security-token'], ctx);
  verifyV4(
    req,
    { ...parsed, signature: req.query['x-oss-signature'] as string },
    isoDate,
    key.secret,
  );
  return key.identity;
}

function parsePresign(query: Record<string, string>): ParsedV4 & { product?: string } {
  let parsed: ReturnType<typeof parsePresignedQuery>;
  try {
    parsed = parsePresignedQuery(query);
  } catch (error) {
    if (!(error instanceof OssSignError)) throw error;
    throw invalidArgument('x-oss-credential', query['x-oss-credential'] ?? '', error.message);
  }
  if (parsed === undefined || parsed.version !== 'v4') {
    throw invalidArgument('x-oss-credential', query['x-oss-credential'] ?? '');
  }
  return { product: 'oss', ...parsed };
}

function requireParams(query: Record<string, string>, names: readonly string[]): void {
  const missing = names.filter((name) => query[name] === undefined || query[name] === '');
  if (missing.length > 0) {
    throw new OssError(
      'AccessDenied',
      `The presigned URL lacks ${missing.join(', ')}: every signature parameter is required.`,
    );
  }
}

function expired(expiresAt: number, now: number): OssError {
  return new OssError('AccessDenied', 'Request has expired.', {
    Expires: new Date(expiresAt).toISOString(),
    ServerTime: new Date(now).toISOString(),
  });
}

// ---- shared stages

function signable(req: AuthRequest): SignableRequest {
  const out: SignableRequest = { method: req.method, query: req.query, headers: req.headers };
  if (req.bucket !== undefined) out.bucket = req.bucket;
  if (req.key !== undefined) out.key = req.key;
  return out;
}

/**
 * The request time in ms. V1 takes an RFC 1123 date (or the ISO basic form some SDKs write);
 * V4 only `yyyymmddTHHMMSSZ`.
 *
 * @throws {OssError} `AccessDenied` when absent or unreadable.
 */
function requestDate(text: string | undefined, isoOnly = false): number {
  let time = Number.NaN;
  const iso = text === undefined ? null : ISO_BASIC.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s] = iso.map(Number) as number[];
    time = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  } else if (text !== undefined && !isoOnly) {
    time = Date.parse(text);
  }
  if (Number.isNaN(time)) {
    const expected = isoOnly
      ? 'an x-oss-date of the form yyyymmddTHHMMSSZ'
      : 'a valid x-oss-date or Date header';
    throw new OssError('AccessDenied', `The request must carry ${expected}.`);
  }
  return time;
}

/** @throws {OssError} `RequestTimeTooSkewed` beyond 15 minutes either way. */
function checkSkew(requestTime: number, now: number): void {
  if (Math.abs(requestTime - now) <= MAX_SKEW_MS) return;
  throw new OssError(
    'RequestTimeTooSkewed',
    'The difference between the request time and the current time is too large.',
    {
      MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      RequestTime: new Date(requestTime).toISOString(),
      ServerTime: new Date(now).toISOString(),
    },
  );
}

/** The V4 credential scope must name the request's day, this server's region, and `oss`. */
function checkScope(
  parsed: { day: string; region: string; product?: string },
  isoDate: string,
  region: string,
): void {
  if (parsed.product !== undefined && parsed.product !== 'oss') {
    throw new OssError('InvalidArgument', 'Invalid signing product in the credential scope.', {
      ArgumentName: 'Credential',
      ArgumentValue: parsed.product,
    });
  }
  if (parsed.day !== isoDate.slice(0, 8)) {
    throw new OssError('InvalidArgument', 'Invalid signing date in the credential scope.', {
      ArgumentName: 'Credential',
      ArgumentValue: parsed.day,
    });
  }
  const expected = region.replace(/^oss-/, '');
  if (parsed.region !== expected) {
    throw new OssError(
      'InvalidArgument',
      `Invalid signing region in the credential scope: this server is ${expected}.`,
      { ArgumentName: 'Credential', ArgumentValue: parsed.region },
    );
  }
}

function verifyV4(
  req: AuthRequest,
  parsed: {
    accessKeyId: string;
    day: string;
    region: string;
    additionalHeaders: string[];
    signature: string;
  },
  isoDate: string,
  secret: string,
): void {
  const canonicalRequest = canonicalRequestV4(signable(req), parsed.additionalHeaders);
  const stringToSign = stringToSignV4(canonicalRequest, isoDate, parsed.region);
  const expected = signatureV4(signingKeyV4(secret, parsed.day, parsed.region), stringToSign);
  checkSignature(expected, parsed.signature, parsed.accessKeyId, stringToSign, canonicalRequest);
}

function resolveKey(
  accessKeyId: string,
  securityToken: string | undefined,
  ctx: AuthContext,
): { secret: string; identity: Identity } {
  const found = ctx.accounts.resolve(accessKeyId, securityToken, ctx.now);
  switch (found.status) {
    case 'root':
      return { secret: found.accessKeySecret, identity: rootIdentity(accessKeyId) };
    case 'temporary': {
      const { session } = found;
      return {
        secret: session.accessKeySecret,
        identity: {
          kind: 'temporary',
          accessKeyId,
          policies: session.policies,
          roleArn: session.roleArn,
          sessionName: session.sessionName,
        },
      };
    }
    case 'expired-token':
      throw new OssError('SecurityTokenExpired', 'The security token you provided has expired.', {
        Expiration: found.expiration.toISOString(),
        ServerTime: new Date(ctx.now).toISOString(),
      });
    case 'invalid-token':
      throw new OssError('InvalidSecurityToken', 'The security token you provided is invalid.');
    default:
      throw new OssError(
        'InvalidAccessKeyId',
        'The OSS Access Key Id you provided does not exist in our records.',
        { OSSAccessKeyId: accessKeyId },
      );
  }
}

/**
 * Compares in constant time.
 *
 * @throws {OssError} `SignatureDoesNotMatch` with what the server signed, so a client can diff
 *   its own string to sign against it.
 */
function checkSignature(
  expected: string,
  provided: string,
  accessKeyId: string,
  stringToSign: string,
  canonicalRequest?: string,
): void {
  if (timingSafeEqual(expected, provided)) return;
  const extra: Record<string, string> = {
    OSSAccessKeyId: accessKeyId,
    SignatureProvided: provided,
    StringToSign: stringToSign,
    StringToSignBytes: spacedHex(utf8(stringToSign)),
  };
  if (canonicalRequest !== undefined) {
    extra.CanonicalRequest = canonicalRequest;
    extra.CanonicalRequestBytes = spacedHex(utf8(canonicalRequest));
  }
  throw new OssError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. ' +
      'Check your key and signing method.',
    extra,
  );
}

function invalidArgument(name: string, value: string, detail?: string): OssError {
  const message = `Invalid ${name} parameter.${detail === undefined ? '' : ` ${detail}`}`;
  return new OssError('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}

function rootIdentity(accessKeyId: string): Identity {
  return { kind: 'root', accessKeyId, policies: [] };
}

/** `StringToSignBytes`: each UTF-8 byte as two hex digits, separated by spaces. */
export function spacedHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += ' ';
    out += bytes[i]!.toString(16).padStart(2, '0');
  }
  return out;
}
