import { toBase64 } from './digest.js';
import { OssError } from './errors.js';
import type { MockResponse } from './http.js';
import { renderXml, type XmlChild } from './xml.js';

/** `Last-Modified` / `Date` format: RFC 1123 in GMT. */
export function httpDate(ms: number): string {
  // Every response carries a Date; formatting it once per second saves a measurable share.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = new Date(second * 1000).toUTCString();
  }
  return lastText;
}

let lastSecond = Number.NaN;
let lastText = '';

/** The ISO form OSS writes in XML bodies: `2015-02-02T05:15:13.000Z`. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** A 200 (or `status`) response with an XML body. */
export function xmlResponse(
  root: string,
  children: XmlChild[],
  headers: Record<string, string> = {},
  status = 200,
): MockResponse {
  const body = new TextEncoder().encode(renderXml(root, children));
  return {
    status,
    headers: {
      ...headers,
      'content-type': 'application/xml',
      'content-length': String(body.byteLength),
    },
    body,
  };
}

/** A response with no body. */
export function emptyResponse(status: number, headers: Record<string, string> = {}): MockResponse {
  return { status, headers: { ...headers, 'content-length': '0' } };
}

// The x-oss-ec values the service sends with these codes; others get a generic value.
const ERROR_EC: Record<string, string> = {
  NoSuchKey: '0026-00000001',
  NoSuchBucket: '0015-00000101',
  AccessDenied: '0003-00000001',
  SignatureDoesNotMatch: '0002-00000040',
  InvalidAccessKeyId: '0002-00000902',
  PositionNotEqualToLength: '0026-00000016',
  ObjectNotAppendable: '0026-00000015',
  BucketNotEmpty: '0015-00000301',
  BucketAlreadyExists: '0015-00000104',
  InvalidDigest: '0016-00000405',
  MalformedXML: '0016-00000601',
  InvalidRange: '0016-00000403',
  PreconditionFailed: '0026-00000004',
  NotImplemented: '0012-00000001',
};

/**
 * Renders an OssError as the service does: XML with Code, Message, RequestId, HostId and the
 * error's extra elements; for HEAD (no body allowed) the same XML goes base64-encoded in
 * `x-oss-err`, alongside `x-oss-ec`.
 */
export function errorResponse(
  error: OssError,
  context: { requestId: string; hostId: string; method: string },
): MockResponse {
  // An error may name its own EC where one code covers several causes (InvalidArgument).
  const ec = error.headers['x-oss-ec'] ?? ERROR_EC[error.code] ?? '0000-00000000';
  const children: XmlChild[] = [
    ['Code', error.code],
    ['Message', error.message],
    ['RequestId', context.requestId],
    ['HostId', context.hostId],
  ];
  for (const [name, value] of Object.entries(error.extra)) children.push([name, value]);
  children.push(['EC', ec]);
  children.push(['RecommendDoc', `https://api.aliyun.com/troubleshoot?q=${ec}`]);

  const xml = new TextEncoder().encode(renderXml('Error', children));
  const headers: Record<string, string> = {
    ...error.headers,
    'content-type': 'application/xml',
    'x-oss-ec': ec,
  };
  if (context.method === 'HEAD') {
    headers['x-oss-err'] = toBase64(xml);
    headers['content-length'] = '0';
    return { status: error.status, headers };
  }
  headers['content-length'] = String(xml.byteLength);
  return { status: error.status, headers, body: xml };
}

/** Turns anything thrown by an operation into an OssError (unknown errors → InternalError). */
export function asOssError(error: unknown): OssError {
  if (error instanceof OssError) return error;
  if (isCodedError(error) && error.name === 'OssError') {
    return new OssError(error.code, error.message);
  }
  return new OssError('InternalError', 'We encountered an internal error. Please try again.');
}

function isCodedError(error: unknown): error is { code: string; message: string; name: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
