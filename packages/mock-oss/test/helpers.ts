import { type Credentials, signRequestV1 } from '@oss-media/oss-sign';
import { createMockOss, type MockOss, type MockOssOptions } from '../src/index.js';

/** A mock with one bucket, signatures checked. */
export function newMock(options: MockOssOptions = {}): MockOss {
  return createMockOss({ buckets: ['media'], ...options });
}

export interface SendOptions {
  method?: string;
  bucket?: string;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Sign with these credentials (default: the mock's root); `false` sends anonymously. */
  credentials?: Credentials | false;
  date?: Date;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Builds a path-style request to the mock, signed with V1 like the official SDKs do. */
export function ossRequest(mock: MockOss, options: SendOptions = {}): Request {
  const method = options.method ?? 'GET';
  const query = options.query ?? {};
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const bucket = options.bucket;
  const key = options.key;
  let path = '/';
  if (bucket !== undefined) path += `${bucket}/`;
  if (key !== undefined) path += encodeKey(key);
  const search = Object.entries(query)
    .map(([k, v]) =>
      v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    )
    .join('&');
  const url = `http://127.0.0.1:9000${path}${search ? `?${search}` : ''}`;
  let signed = headers;
  if (options.credentials !== false) {
    signed = signRequestV1(
      {
        method,
        ...(bucket !== undefined ? { bucket } : {}),
        ...(key !== undefined ? { key } : {}),
        query,
        headers,
      },
      options.credentials ?? mock.credentials,
      { date: options.date ?? new Date(mock.clock.now()) },
    );
  }
  const init: RequestInit = { method, headers: signed };
  if (options.body !== undefined) {
    // Bytes, so the Request adds no Content-Type of its own after signing.
    init.body = (
      typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body
    ) as BodyInit;
  }
  return new Request(url, init);
}

/** Sends a signed request through `handle()`. */
export function send(mock: MockOss, options: SendOptions = {}): Promise<Response> {
  return mock.handle(ossRequest(mock, options));
}

/** The text of an XML element in a body (first match). */
export function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1];
}

/** All texts of an element in a body. */
export function xmlTexts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map(
    (m) => m[1] as string,
  );
}
