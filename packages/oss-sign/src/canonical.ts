import { uriEncode } from './encoding.js';
import { describe } from './errors.js';

/** A request as the signer sees it. Names are decoded (raw UTF-8), never percent-encoded. */
export interface SignableRequest {
  /** `GET`, `PUT`, `POST`, ... */
  method: string;
  /** Absent for service-level requests. */
  bucket?: string;
  /** The decoded object key; absent for bucket requests. */
  key?: string;
  /** Decoded query. `''` or `null` is a bare parameter (`?acl`); `undefined` is no parameter. */
  query?: Record<string, string | null | undefined>;
  /** Header names in any case; values must be strings. */
  headers?: Record<string, string>;
}

/** Long-lived or temporary (STS) credentials. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** Present for temporary credentials; sent as `x-oss-security-token` / `security-token`. */
  securityToken?: string;
}

/**
 * Query parameters that are part of the V1 canonicalized resource. The protocol's list plus the
 * further names the official SDKs sign; any other parameter (prefix, marker, max-keys, ...) is
 * left out of the signature.
 */
export const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'uploads',
  'location',
  'cors',
  'logging',
  'website',
  'referer',
  'lifecycle',
  'delete',
  'append',
  'tagging',
  'objectMeta',
  'uploadId',
  'partNumber',
  'security-token',
  'position',
  'img',
  'style',
  'styleName',
  'replication',
  'replicationProgress',
  'replicationLocation',
  'cname',
  'bucketInfo',
  'comp',
  'qos',
  'live',
  'status',
  'vod',
  'startTime',
  'endTime',
  'symlink',
  'x-oss-process',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'policy',
  'stat',
  'encryption',
  'versions',
  'versioning',
  'versionId',
  'continuation-token',
  'callback',
  'callback-var',
  'sequential',
  'restore',
  'resourceGroup',
  'x-oss-traffic-limit',
  'x-oss-request-payer',
  'requestPayment',
  'inventory',
  'inventoryId',
  'worm',
  'wormId',
  'wormExtend',
  'qosInfo',
  'asyncFetch',
  'transferAcceleration',
  'regionList',
  'metaQuery',
  'x-oss-ac-source-ip',
  'x-oss-ac-subnet-mask',
  'x-oss-ac-vpc-id',
  'x-oss-ac-forward-allow',
]);

/** Throws a TypeError unless `headers` is a plain record of string values. */
export function checkHeaders(headers: unknown, name = 'headers'): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError(`${name} must be an object of strings, got ${describe(headers)}`);
  }
  const record = headers as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    if (typeof v !== 'string') {
      throw new TypeError(`${name}[${JSON.stringify(k)}] must be a string, got ${describe(v)}`);
    }
  }
  return headers as Record<string, string>;
}

function checkOptionalString(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  }
}

function checkNonEmpty(value: unknown, name: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string, got ${describe(value)}`);
  }
}

/** Throws a TypeError unless `req` has a method string and well-formed optional parts. */
export function checkRequest(req: unknown): SignableRequest {
  if (req === null || typeof req !== 'object') {
    throw new TypeError(`req must be an object, got ${describe(req)}`);
  }
  const r = req as SignableRequest;
  if (typeof r.method !== 'string' || r.method === '') {
    throw new TypeError(`req.method must be a non-empty string, got ${describe(r.method)}`);
  }
  checkOptionalString(r.bucket, 'req.bucket');
  checkOptionalString(r.key, 'req.key');
  checkHeaders(r.headers, 'req.headers');
  return r;
}

/** Throws a TypeError unless `credentials` holds a key id and secret (and a string token). */
export function checkCredentials(credentials: unknown): Credentials {
  if (credentials === null || typeof credentials !== 'object') {
    throw new TypeError(`credentials must be an object, got ${describe(credentials)}`);
  }
  const c = credentials as Credentials;
  checkNonEmpty(c.accessKeyId, 'credentials.accessKeyId');
  checkNonEmpty(c.accessKeySecret, 'credentials.accessKeySecret');
  checkOptionalString(c.securityToken, 'credentials.securityToken');
  return c;
}

/** Throws a RangeError unless `date` is a valid Date; returns it or the current time. */
export function checkDate(date: unknown, name: string): Date {
  if (date === undefined) return new Date();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${name} must be a valid Date, got ${describe(date)}`);
  }
  return date;
}

/**
 * The value of header `name` (lower-case) in a record whose names may have any case. When a
 * record spells one name twice, the later entry wins, as it does in the canonical forms.
 */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  let value: string | undefined;
  for (const k in headers) if (k === name || k.toLowerCase() === name) value = headers[k];
  return value;
}

/**
 * Headers by lower-cased name, the later of two spellings of one name winning. Requests carry
 * a handful of headers, for which two parallel arrays beat a Map in both time and garbage.
 */
export class LoweredHeaders {
  readonly names: string[] = [];
  readonly values: string[] = [];

  get(name: string): string | undefined {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : this.values[i];
  }

  has(name: string): boolean {
    return this.names.indexOf(name) >= 0;
  }

  set(name: string, value: string): void {
    const i = this.names.indexOf(name);
    if (i < 0) {
      this.names.push(name);
      this.values.push(value);
    } else {
      this.values[i] = value;
    }
  }
}

/** The headers by lower-cased name. Values are checked where the record enters, not here. */
export function lowerCaseHeaders(headers: Record<string, string> | undefined): LoweredHeaders {
  const lowered = new LoweredHeaders();
  if (headers) for (const k in headers) lowered.set(k.toLowerCase(), headers[k]!);
  return lowered;
}

/**
 * Inserts `name` into the sorted `names`. Requests carry a few headers and sub-resources, and
 * at that size this beats collecting and calling Array#sort by a wide margin.
 */
function insertSorted(names: string[], name: string): void {
  let j = names.length;
  names.push(name);
  while (j > 0 && names[j - 1]! > name) {
    names[j] = names[j - 1]!;
    j--;
  }
  names[j] = name;
}

const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && /\s/.test(String.fromCharCode(c)));

/** `value.trim()`, without the copy `trim` makes of a long value that has nothing to trim. */
function trimmed(value: string): string {
  const n = value.length;
  return n > 0 && (isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(n - 1)))
    ? value.trim()
    : value;
}

/** V1 CanonicalizedOSSHeaders of already lower-cased headers. */
export function ossHeaderBlock(lowered: LoweredHeaders): string {
  const { names, values } = lowered;
  const picked: string[] = [];
  for (const name of names) if (name.startsWith('x-oss-')) insertSorted(picked, name);

  let out = '';
  for (const name of picked) out += `${name}:${trimmed(values[names.indexOf(name)]!)}\n`;
  return out;
}

/** `name:value\n` lines, sorted by name; the later of two spellings of one name wins. */
function headerBlock(selected: Map<string, string>): string {
  if (selected.size === 0) return '';
  const names = [...selected.keys()].sort();
  let out = '';
  for (const k of names) out += `${k}:${selected.get(k)}\n`;
  return out;
}

/**
 * V1 CanonicalizedOSSHeaders: every `x-oss-*` header, lower-cased, sorted, `name:value\n` with
 * the value trimmed. Empty when there are none.
 *
 * @example
 * canonicalizedOssHeaders({ 'X-OSS-Meta-B': ' 2', 'x-oss-date': 'd' }) ===
 *   'x-oss-date:d\nx-oss-meta-b:2\n'
 */
export function canonicalizedOssHeaders(headers: Record<string, string>): string {
  checkHeaders(headers);
  return ossHeaderBlock(lowerCaseHeaders(headers));
}

/**
 * V1 CanonicalizedResource: `/bucket/key` with the key decoded, `/bucket/` for a bucket, `/`
 * for the service; then `?` and the signed sub-resources in the query, sorted, `k=v` with the
 * decoded value or a bare `k` when the value is empty.
 *
 * @throws {TypeError} when a key is given without a bucket.
 * @example
 * canonicalizedResource({ bucket: 'b', key: 'a b', query: { position: '0', append: '' } }) ===
 *   '/b/a b?append&position=0'
 */
export function canonicalizedResource(req: {
  bucket?: string;
  key?: string;
  query?: SignableRequest['query'];
}): string {
  const { bucket, key, query } = req;
  if (key !== undefined && bucket === undefined) {
    throw new TypeError('req.key needs req.bucket: the V1 resource of an object names its bucket');
  }
  let resource = bucket === undefined ? '/' : `/${bucket}/${key ?? ''}`;
  if (!query) return resource;

  const names: string[] = [];
  for (const k in query) {
    if (query[k] !== undefined && SIGNED_SUBRESOURCES.has(k)) insertSorted(names, k);
  }

  let separator = '?';
  for (const k of names) {
    const v = query[k];
    resource += v === null || v === '' ? `${separator}${k}` : `${separator}${k}=${v}`;
    separator = '&';
  }
  return resource;
}

/**
 * V4 CanonicalURI: `/bucket/key` percent-encoded except `A-Za-z0-9-_.~` and `/`; `/bucket/`
 * for a bucket, `/` for the service.
 */
export function canonicalUriV4(bucket?: string, key?: string): string {
  if (bucket === undefined) return key === undefined ? '/' : `/${uriEncode(key, true)}`;
  return `/${uriEncode(bucket, true)}/${uriEncode(key ?? '', true)}`;
}

/**
 * V4 CanonicalQuery: every parameter, name and value percent-encoded (including `/`), sorted by
 * encoded name, `k=v` or a bare `k` for an empty value, joined with `&`.
 */
export function canonicalQueryV4(query: SignableRequest['query']): string {
  if (!query) return '';
  const pairs: [string, string][] = [];
  for (const k in query) {
    const v = query[k];
    if (v === undefined) continue;
    pairs.push([uriEncode(k, false), v === null || v === '' ? '' : uriEncode(v, false)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  return pairs.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&');
}

/** Whether V4 signs header `lower` without it being named in AdditionalHeaders. */
export function isDefaultSignedV4(lower: string): boolean {
  return lower === 'content-type' || lower === 'content-md5' || lower.startsWith('x-oss-');
}

/**
 * The AdditionalHeaders list as V4 writes it: lower-cased, without the headers V4 signs anyway,
 * without names the request does not carry, de-duplicated and sorted.
 */
export function effectiveAdditionalHeaders(
  headers: Record<string, string>,
  additionalHeaders: readonly string[] | undefined,
): string[] {
  if (!additionalHeaders || additionalHeaders.length === 0) return [];
  const present = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const names = new Set<string>();
  for (const name of additionalHeaders) {
    if (typeof name !== 'string') {
      throw new TypeError(`additionalHeaders must hold strings, got ${describe(name)}`);
    }
    const lower = name.trim().toLowerCase();
    if (lower !== '' && !isDefaultSignedV4(lower) && present.has(lower)) names.add(lower);
  }
  return [...names].sort();
}

/**
 * V4 CanonicalHeaders: `content-type`, `content-md5`, every `x-oss-*` header and the named
 * additional headers; lower-cased, values trimmed, sorted, each `name:value\n`.
 */
export function canonicalHeadersV4(
  headers: Record<string, string>,
  additionalHeaders: readonly string[] = [],
): string {
  checkHeaders(headers);
  const extra = new Set(additionalHeaders.map((h) => h.toLowerCase()));
  const selected = new Map<string, string>();
  for (const k in headers) {
    const lower = k.toLowerCase();
    if (isDefaultSignedV4(lower) || extra.has(lower)) selected.set(lower, headers[k]!.trim());
  }
  return headerBlock(selected);
}

/**
 * V4 CanonicalRequest: method, canonical URI, canonical query, canonical headers, the
 * AdditionalHeaders line and the hashed payload (`x-oss-content-sha256`, else
 * `UNSIGNED-PAYLOAD`). A presigned URL's own `x-oss-signature` parameter is never part of it,
 * so a server may pass the whole received query.
 */
export function canonicalRequestV4(
  req: SignableRequest,
  additionalHeaders: readonly string[] = [],
): string {
  checkRequest(req);
  const headers = req.headers ?? {};
  let query = req.query;
  if (query && query['x-oss-signature'] !== undefined) {
    query = { ...query };
    delete query['x-oss-signature'];
  }
  const additional = effectiveAdditionalHeaders(headers, additionalHeaders);
  return [
    req.method.toUpperCase(),
    canonicalUriV4(req.bucket, req.key),
    canonicalQueryV4(query),
    canonicalHeadersV4(headers, additional),
    additional.join(';'),
    headerValue(headers, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
}

/** `yyyymmddTHHMMSSZ`, the V4 timestamp form. */
export function isoDateV4(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
