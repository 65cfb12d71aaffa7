import { uriEncode } from './encoding.js';
import { describe } from './errors.js';

/** Options shared by V1 and V4 presigned URLs. */
export interface PresignOptions {
  /** `https://oss-cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:9000`; only the origin is used. */
  endpoint: string | URL;
  bucket: string;
  /** The decoded object key. */
  key: string;
  /** `GET` by default. */
  method?: string;
  credentials: import('./canonical.js').Credentials;
  /** Seconds from `now` until the URL expires (> 0). */
  expires: number;
  /** The signing time; the current time by default. */
  now?: Date;
  /** Further query parameters, decoded (for example `response-content-type`). */
  query?: Record<string, string>;
  /** Headers the eventual request will carry and that are signed (Content-Type, x-oss-*). */
  headers?: Record<string, string>;
  /** `/bucket/key` on the endpoint host instead of `<bucket>.<host>/key`. */
  pathStyle?: boolean;
}

export function checkExpires(expires: unknown, max: number): number {
  if (typeof expires !== 'number' || !Number.isInteger(expires) || expires <= 0) {
    throw new RangeError(
      `expires must be a positive integer number of seconds, got ${describe(expires)}`,
    );
  }
  if (expires > max) throw new RangeError(`expires must be at most ${max} seconds, got ${expires}`);
  return expires;
}

/**
 * `scheme://host/path` of an object, the key percent-encoded with `/` kept. Built as a string:
 * passing it through `new URL()` would drop `.` and `..` segments of a key.
 */
export function objectUrl(options: PresignOptions): string {
  const { endpoint, bucket, key, pathStyle } = options;
  let base: URL;
  try {
    base = new URL(String(endpoint));
  } catch (cause) {
    throw new TypeError(`endpoint must be an absolute URL, got ${describe(endpoint)}`, { cause });
  }
  if (typeof bucket !== 'string' || bucket === '') {
    throw new TypeError(`bucket must be a non-empty string, got ${describe(bucket)}`);
  }
  if (typeof key !== 'string') throw new TypeError(`key must be a string, got ${describe(key)}`);

  const path = `/${uriEncode(key, true)}`;
  if (pathStyle) return `${base.protocol}//${base.host}/${uriEncode(bucket, true)}${path}`;
  return `${base.protocol}//${bucket}.${base.host}${path}`;
}

/** The host (with port) an object URL from {@link objectUrl} is sent to. */
export function urlHost(url: string): string {
  return url.slice(url.indexOf('//') + 2).split('/', 1)[0]!;
}

/** `k=v&...` with both sides percent-encoded; a bare `k` for an empty value. */
export function formatQuery(entries: [string, string][]): string {
  return entries
    .map(([k, v]) =>
      v === '' ? uriEncode(k, false) : `${uriEncode(k, false)}=${uriEncode(v, false)}`,
    )
    .join('&');
}

/** Appends an encoded query to an object URL. */
export function withQuery(url: string, query: string): string {
  return query === '' ? url : `${url}?${query}`;
}
