import { OssError } from './errors.js';
import type { MockRequest } from './http.js';

/** How requests name their bucket (protocol §11). */
export interface AddressingOptions {
  /** Hosts (without port) that mean path style, besides IP addresses and `localhost`. */
  pathStyleHosts: ReadonlySet<string>;
  /** Host (without port) → bucket, for CNAME-style access. */
  cname: ReadonlyMap<string, string>;
}

/** A request after addressing and operation detection. */
export interface OssRequest {
  method: string;
  bucket?: string;
  key?: string;
  /** Decoded query; a bare sub-resource has the value ''. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The service operation name, e.g. 'AppendObject'. */
  operation: string;
}

/** Sub-resources the mock serves; any other signed sub-resource answers NotImplemented. */
const UNSUPPORTED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'uploads',
  'uploadId',
  'partNumber',
  'logging',
  'website',
  'referer',
  'tagging',
  'img',
  'style',
  'styleName',
  'replication',
  'replicationProgress',
  'replicationLocation',
  'cname',
  'comp',
  'qos',
  'live',
  'vod',
  'symlink',
  'x-oss-process',
  'policy',
  'stat',
  'encryption',
  'versions',
  'versioning',
  'versionId',
  'callback',
  'restore',
  'worm',
  'inventory',
  'accessPoint',
  'transferAcceleration',
  'requestPayment',
  'tags',
  'resourceGroup',
]);

/** Lower-cases a Host header and removes its port. */
export function hostName(host: string | undefined): string {
  if (!host) return '';
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon >= 0 ? lower.slice(0, colon) : lower;
}

// A region endpoint itself (`oss-cn-hangzhou.aliyuncs.com`) names no bucket.
const REGION_ENDPOINT = /^oss-[a-z0-9-]+\.aliyuncs\.com$/;

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

/**
 * Decodes a percent-encoded path segment strictly: malformed escapes and invalid UTF-8 throw.
 * `+` stays a plus sign, as OSS treats it in paths and queries.
 */
export function decodeComponent(text: string): string {
  if (!text.includes('%')) return text;
  return decodeURIComponent(text);
}

/**
 * Parses the raw query into decoded names and values.
 *
 * @throws OssError InvalidArgument on a malformed escape or invalid UTF-8.
 */
export function parseQuery(rawQuery: string): Record<string, string> {
  // No prototype: a parameter named __proto__ must stay data.
  const query: Record<string, string> = Object.create(null);
  if (rawQuery === '') return query;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const rawName = equals < 0 ? part : part.slice(0, equals);
    const rawValue = equals < 0 ? '' : part.slice(equals + 1);
    try {
      query[decodeComponent(rawName)] = decodeComponent(rawValue);
    } catch {
      throw new OssError('InvalidArgument', 'The query string is not correctly encoded.', {
        ArgumentName: rawName.slice(0, 64),
      });
    }
  }
  return query;
}

/**
 * The bucket a Host header names (a CNAME mapping or `<bucket>.<anything>`), or undefined for a
 * host that names none and so means path style: an IP address, `localhost`, a single label, a
 * region endpoint, a configured path-style host, or a name with an empty first label (what
 * ali-oss sends for a service request such as ListBuckets to an IP endpoint:
 * `.oss-cn-hangzhou.aliyuncs.com`).
 */
export function bucketOfHost(
  hostHeader: string | undefined,
  options: AddressingOptions,
): string | undefined {
  const host = hostName(hostHeader);
  const cnameBucket = options.cname.get(host);
  if (cnameBucket !== undefined) return cnameBucket;

  const pathStyle =
    host === '' ||
    host === 'localhost' ||
    isIpAddress(host) ||
    !host.includes('.') ||
    host.startsWith('.') ||
    REGION_ENDPOINT.test(host) ||
    options.pathStyleHosts.has(host);
  return pathStyle ? undefined : host.slice(0, host.indexOf('.'));
}

/**
 * Finds the bucket and key: virtual host (`<bucket>.<anything>`), a CNAME mapping, or path style
 * when the Host is an IP address, `localhost`, a single label or a configured domain.
 *
 * @throws OssError InvalidObjectName when the key is not valid percent-encoded UTF-8.
 */
export function resolveAddress(
  request: Pick<MockRequest, 'path' | 'headers'>,
  options: AddressingOptions,
): { bucket?: string; key?: string } {
  const path = request.path.startsWith('/') ? request.path.slice(1) : request.path;
  const hostBucket = bucketOfHost(request.headers.host, options);
  if (hostBucket !== undefined) return withKey(hostBucket, path);

  if (path === '') return {};
  const slash = path.indexOf('/');
  const rawBucket = slash < 0 ? path : path.slice(0, slash);
  let bucket: string;
  try {
    bucket = decodeComponent(rawBucket);
  } catch {
    throw new OssError('InvalidBucketName', 'The specified bucket is not valid.', {
      BucketName: rawBucket.slice(0, 64),
    });
  }
  return withKey(bucket, slash < 0 ? '' : path.slice(slash + 1));
}

function withKey(bucket: string, rawKey: string): { bucket: string; key?: string } {
  if (rawKey === '') return { bucket };
  try {
    return { bucket, key: decodeComponent(rawKey) };
  } catch {
    throw new OssError('InvalidObjectName', 'The specified object is not valid.');
  }
}

/** True when `name` follows the bucket naming rules (3-63 of a-z, 0-9, '-', no edge hyphen). */
export function isValidBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

/**
 * Names the operation a request asks for from its method, addressing and sub-resources, or
 * 'NotImplemented' for API surface the mock does not serve.
 */
export function detectOperation(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: Record<string, string>,
  headers: Record<string, string>,
): string {
  if (method === 'OPTIONS') return 'PreflightCORS';
  for (const name in query) if (UNSUPPORTED_SUBRESOURCES.has(name)) return 'NotImplemented';

  if (bucket === undefined) return method === 'GET' ? 'ListBuckets' : 'NotImplemented';
  if (key === undefined) return bucketOperation(method, query);
  return objectOperation(method, query, headers);
}

function bucketOperation(method: string, query: Record<string, string>): string {
  const has = (name: string) => name in query;
  switch (method) {
    case 'PUT':
      if (has('acl')) return 'PutBucketAcl';
      if (has('lifecycle')) return 'PutBucketLifecycle';
      if (has('cors')) return 'PutBucketCors';
      if (has('location') || has('bucketInfo')) return 'NotImplemented';
      return 'PutBucket';
    case 'GET':
      if (has('acl')) return 'GetBucketAcl';
      if (has('bucketInfo')) return 'GetBucketInfo';
      if (has('location')) return 'GetBucketLocation';
      if (has('lifecycle')) return 'GetBucketLifecycle';
      if (has('cors')) return 'GetBucketCors';
      if (query['list-type'] === '2') return 'ListObjectsV2';
      return 'ListObjects';
    case 'DELETE':
      if (has('lifecycle')) return 'DeleteBucketLifecycle';
      if (has('cors')) return 'DeleteBucketCors';
      if (has('acl') || has('location') || has('bucketInfo')) return 'NotImplemented';
      return 'DeleteBucket';
    case 'POST':
      if (has('delete')) return 'DeleteMultipleObjects';
      return 'NotImplemented';
    case 'HEAD':
      return 'HeadBucket';
    default:
      return 'NotImplemented';
  }
}

function objectOperation(
  method: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): string {
  const has = (name: string) => name in query;
  switch (method) {
    case 'PUT':
      if (has('acl')) return 'PutObjectAcl';
      if (has('append') || has('objectMeta')) return 'NotImplemented';
      return headers['x-oss-copy-source'] !== undefined ? 'CopyObject' : 'PutObject';
    case 'GET':
      if (has('acl')) return 'GetObjectAcl';
      if (has('objectMeta')) return 'GetObjectMeta';
      return 'GetObject';
    case 'HEAD':
      return has('objectMeta') ? 'GetObjectMeta' : 'HeadObject';
    case 'POST':
      return has('append') ? 'AppendObject' : 'NotImplemented';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return 'NotImplemented';
  }
}
