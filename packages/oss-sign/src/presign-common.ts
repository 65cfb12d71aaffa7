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

/** `scheme://host/path` of an object, the key percent-encoded with `/` kept. */
export function objectUrl(options: PresignOptions): URL {
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
  if (pathStyle) return new URL(`${base.protocol}//${base.host}/${uriEncode(bucket, true)}${path}`);
  return new URL(`${base.protocol}//${bucket}.${base.host}${path}`);
}

/** `k=v&...` with both sides percent-encoded; a bare `k` for an empty value. */
export function formatQuery(entries: [string, string][]): string {
  return entries
    .map(([k, v]) =>
      v === '' ? uriEncode(k, false) : `${uriEncode(k, false)}=${uriEncode(v, false)}`,
    )
    .join('&');
}

/**
 * Joins an origin+path and an encoded query. The path is kept as built: `new URL()` would
 * collapse nothing here, but a string keeps `//` in keys beyond doubt.
 */
export function withQuery(url: URL, query: string): string {
  return `${url.origin}${url.pathname}${query === '' ? '' : `?${query}`}`;
}
