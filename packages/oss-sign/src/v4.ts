import {
  type Credentials,
  canonicalRequestV4,
  checkCredentials,
  checkDate,
  checkHeaders,
  checkRequest,
  effectiveAdditionalHeaders,
  headerValue,
  isoDateV4,
  lowerCaseHeaders,
  type SignableRequest,
} from './canonical.js';
import { toHex } from './encoding.js';
import { describe } from './errors.js';
import type { HashBackend } from './hashes.js';
import {
  checkExpires,
  formatQuery,
  objectUrl,
  type PresignOptions,
  urlHost,
  withQuery,
} from './presign-common.js';
import { withHeaders } from './v1-header.js';

/** The V4 algorithm name, in the Authorization header and `x-oss-signature-version`. */
export const ALGORITHM_V4 = 'OSS4-HMAC-SHA256';

/** V4 presigned URLs live at most seven days. */
export const MAX_EXPIRES_V4 = 604_800;

function checkRegion(region: unknown): string {
  if (typeof region !== 'string' || region === '') {
    throw new TypeError(
      `region must be a non-empty string such as 'cn-hangzhou', got ${describe(region)}`,
    );
  }
  return region;
}

function checkIsoDate(isoDate: unknown): string {
  if (typeof isoDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(isoDate)) {
    throw new RangeError(`isoDate must look like 20231216T162057Z, got ${describe(isoDate)}`);
  }
  return isoDate;
}

/** `<yyyymmdd>/<region>/oss/aliyun_v4_request` */
export function scopeV4(day: string, region: string): string {
  return `${day}/${region}/oss/aliyun_v4_request`;
}

export function stringToSignV4(
  h: HashBackend,
  canonicalRequest: string,
  isoDate: string,
  region: string,
): string {
  if (typeof canonicalRequest !== 'string') {
    throw new TypeError(`canonicalRequest must be a string, got ${describe(canonicalRequest)}`);
  }
  checkIsoDate(isoDate);
  const scope = scopeV4(isoDate.slice(0, 8), checkRegion(region));
  return `${ALGORITHM_V4}\n${isoDate}\n${scope}\n${toHex(h.sha256(canonicalRequest))}`;
}

export function signingKeyV4(
  h: HashBackend,
  accessKeySecret: string,
  day: string,
  region: string,
): Uint8Array {
  if (typeof accessKeySecret !== 'string' || accessKeySecret === '') {
    throw new TypeError(
      `accessKeySecret must be a non-empty string, got ${describe(accessKeySecret)}`,
    );
  }
  if (typeof day !== 'string' || !/^\d{8}$/.test(day)) {
    throw new RangeError(`day must look like 20231216, got ${describe(day)}`);
  }
  const dayKey = h.hmacSha256(`aliyun_v4${accessKeySecret}`, day);
  const regionKey = h.hmacSha256(dayKey, checkRegion(region));
  const serviceKey = h.hmacSha256(regionKey, 'oss');
  return h.hmacSha256(serviceKey, 'aliyun_v4_request');
}

// The signing key changes once a day per secret and region, and deriving it is four of the six
// hashes of a signature; the most recent one is kept per back-end, as the official SDKs do.
const lastSigningKey = new WeakMap<HashBackend, { id: string; key: Uint8Array }>();

function cachedSigningKey(h: HashBackend, secret: string, day: string, region: string): Uint8Array {
  const id = `${day}/${region}/${secret}`;
  const last = lastSigningKey.get(h);
  if (last?.id === id) return last.key;
  const key = signingKeyV4(h, secret, day, region);
  lastSigningKey.set(h, { id, key });
  return key;
}

export function signatureV4(h: HashBackend, signingKey: Uint8Array, stringToSign: string): string {
  if (!(signingKey instanceof Uint8Array)) {
    throw new TypeError(`signingKey must be a Uint8Array, got ${describe(signingKey)}`);
  }
  return toHex(h.hmacSha256(signingKey, stringToSign));
}

/**
 * The V4 Authorization header value, written without spaces:
 * `OSS4-HMAC-SHA256 Credential=ak/day/region/oss/aliyun_v4_request,`
 * `AdditionalHeaders=a;b,Signature=hex` (one line, split here to fit).
 * The AdditionalHeaders field is left out when there are none.
 */
export function authorizationV4(o: {
  accessKeyId: string;
  day: string;
  region: string;
  additionalHeaders?: readonly string[];
  signature: string;
}): string {
  if (typeof o.accessKeyId !== 'string' || o.accessKeyId === '') {
    throw new TypeError(`accessKeyId must be a non-empty string, got ${describe(o.accessKeyId)}`);
  }
  const fields = [`Credential=${o.accessKeyId}/${scopeV4(o.day, checkRegion(o.region))}`];
  if (o.additionalHeaders && o.additionalHeaders.length > 0) {
    fields.push(`AdditionalHeaders=${o.additionalHeaders.join(';')}`);
  }
  fields.push(`Signature=${o.signature}`);
  return `${ALGORITHM_V4} ${fields.join(',')}`;
}

/** Options of V4 header signing. */
export interface SignV4Options {
  /** Region id without the `oss-` prefix, e.g. `cn-hangzhou`. */
  region: string;
  /** The signing time; `x-oss-date` of the request, else the current time, by default. */
  date?: Date;
  /** Further header names to sign (for example `host`); names the request lacks are dropped. */
  additionalHeaders?: string[];
}

function parseIsoDate(isoDate: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(isoDate);
  if (!m) return undefined;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

export function signRequestV4(
  h: HashBackend,
  req: SignableRequest,
  credentials: Credentials,
  options: SignV4Options,
): Record<string, string> {
  checkRequest(req);
  checkCredentials(credentials);
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object with a region, got ${describe(options)}`);
  }
  const region = checkRegion(options.region);
  const lowered = lowerCaseHeaders(req.headers);
  const added: Record<string, string> = {};

  const existing = lowered.get('x-oss-date');
  const existingDate = existing === undefined ? undefined : parseIsoDate(existing);
  const date =
    options.date !== undefined || existingDate === undefined
      ? checkDate(options.date, 'options.date')
      : existingDate;
  const isoDate = isoDateV4(date);
  added['x-oss-date'] = isoDate;
  if (!lowered.has('x-oss-content-sha256')) added['x-oss-content-sha256'] = 'UNSIGNED-PAYLOAD';
  if (credentials.securityToken !== undefined) {
    added['x-oss-security-token'] = credentials.securityToken;
  }
  const headers = withHeaders(req.headers, added);

  const additional = effectiveAdditionalHeaders(headers, options.additionalHeaders);
  const canonical = canonicalRequestV4({ ...req, headers }, additional);
  const stringToSign = stringToSignV4(h, canonical, isoDate, region);
  const key = cachedSigningKey(h, credentials.accessKeySecret, isoDate.slice(0, 8), region);
  const signature = signatureV4(h, key, stringToSign);
  const authorization = authorizationV4({
    accessKeyId: credentials.accessKeyId,
    day: isoDate.slice(0, 8),
    region,
    additionalHeaders: additional,
    signature,
  });
  return withHeaders(headers, { Authorization: authorization });
}

/** Options of a V4 presigned URL. */
export interface PresignV4Options extends PresignOptions {
  /** Region id without the `oss-` prefix, e.g. `cn-hangzhou`. */
  region: string;
  /** Seconds from `now`, 1..604800. */
  expires: number;
  /** Further header names to sign; `host` is filled in from the URL when not in `headers`. */
  additionalHeaders?: string[];
}

export function presignUrlV4(h: HashBackend, options: PresignV4Options): string {
  const credentials = checkCredentials(options.credentials);
  const expires = checkExpires(options.expires, MAX_EXPIRES_V4);
  const region = checkRegion(options.region);
  const now = checkDate(options.now, 'options.now');
  const url = objectUrl(options);
  const headers = { ...checkHeaders(options.headers, 'options.headers') };
  const wantsHost = options.additionalHeaders?.some((name) => name.toLowerCase() === 'host');
  if (wantsHost && headerValue(headers, 'host') === undefined) headers.host = urlHost(url);

  const isoDate = isoDateV4(now);
  const day = isoDate.slice(0, 8);
  const additional = effectiveAdditionalHeaders(headers, options.additionalHeaders);
  const query: Record<string, string> = { ...options.query };
  query['x-oss-signature-version'] = ALGORITHM_V4;
  query['x-oss-credential'] = `${credentials.accessKeyId}/${scopeV4(day, region)}`;
  query['x-oss-date'] = isoDate;
  query['x-oss-expires'] = String(expires);
  if (additional.length > 0) query['x-oss-additional-headers'] = additional.join(';');
  if (credentials.securityToken !== undefined) {
    query['x-oss-security-token'] = credentials.securityToken;
  }

  const method = options.method ?? 'GET';
  const req = { method, bucket: options.bucket, key: options.key, query, headers };
  const stringToSign = stringToSignV4(h, canonicalRequestV4(req, additional), isoDate, region);
  const signature = signatureV4(
    h,
    cachedSigningKey(h, credentials.accessKeySecret, day, region),
    stringToSign,
  );

  const entries = Object.entries(query);
  entries.push(['x-oss-signature', signature]);
  return withQuery(url, formatQuery(entries));
}
