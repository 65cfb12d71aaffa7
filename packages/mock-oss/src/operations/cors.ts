import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import type { BucketRecord, CorsRule } from '../store/types.js';
import { children, childText, parseXmlBody, type XmlChild } from '../xml.js';
import { type OperationContext, readSmallBody, requireBucket } from './context.js';

/** The service's limit on CORS rules per bucket. */
export const MAX_CORS_RULES = 10;
const METHODS = new Set(['GET', 'PUT', 'DELETE', 'POST', 'HEAD']);

/** Headers a browser must be allowed to read for uploads and appends to work. */
export const OSS_EXPOSE_HEADERS = [
  'ETag',
  'x-oss-request-id',
  'x-oss-next-append-position',
  'x-oss-hash-crc64ecma',
  'x-oss-object-type',
  'x-oss-ec',
  'x-oss-err',
  'Content-Length',
  'Content-Range',
  'Last-Modified',
];

/** A rule that allows every origin, method and header: the mock's `cors: 'allow-all'` option. */
export const ALLOW_ALL_RULE: CorsRule = {
  allowedOrigins: ['*'],
  allowedMethods: [...METHODS],
  allowedHeaders: ['*'],
  exposeHeaders: OSS_EXPOSE_HEADERS,
  maxAgeSeconds: 600,
};

function texts(element: import('../xml.js').XmlElement, name: string): string[] {
  return (element[name] ?? []).map((item) => (typeof item === 'string' ? item : ''));
}

/** PutBucketCors: `<CORSConfiguration><CORSRule>…</CORSRule><ResponseVary/>`. */
export async function putBucketCors(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const root = parseXmlBody(await readSmallBody(context.body, 64 * 1024), 'CORSConfiguration');
  const ruleElements = children(root, 'CORSRule');
  if (ruleElements.length === 0 || ruleElements.length > MAX_CORS_RULES) {
    throw new OssError(
      'InvalidArgument',
      `The number of CORS rules must be between 1 and ${MAX_CORS_RULES}.`,
    );
  }
  const rules = ruleElements.map((element): CorsRule => {
    const allowedOrigins = texts(element, 'AllowedOrigin');
    const allowedMethods = texts(element, 'AllowedMethod');
    if (allowedOrigins.length === 0 || allowedMethods.length === 0) {
      throw new OssError(
        'InvalidArgument',
        'AllowedOrigin and AllowedMethod are required in a CORS rule.',
      );
    }
    for (const method of allowedMethods) {
      if (!METHODS.has(method))
        throw new OssError(
          'InvalidArgument',
          `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`,
        );
    }
    const maxAge = childText(element, 'MaxAgeSeconds');
    const rule: CorsRule = {
      allowedOrigins,
      allowedMethods,
      allowedHeaders: texts(element, 'AllowedHeader'),
      exposeHeaders: texts(element, 'ExposeHeader'),
    };
    if (maxAge !== undefined && /^\d{1,9}$/.test(maxAge)) rule.maxAgeSeconds = Number(maxAge);
    return rule;
  });
  const responseVary = childText(root, 'ResponseVary') === 'true';
  await context.store.putBucket({ ...bucket, cors: { rules, responseVary } });
  return emptyResponse(200);
}

/** GetBucketCors: 404 NoSuchCORSConfiguration when none is set. */
export async function getBucketCors(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  if (!bucket.cors) {
    throw new OssError('NoSuchCORSConfiguration', 'The CORS configuration does not exist.', {
      BucketName: bucket.name,
    });
  }
  const children_: XmlChild[] = bucket.cors.rules.map((rule) => {
    const fields: XmlChild[] = [
      ...rule.allowedOrigins.map((value) => ['AllowedOrigin', value] as const),
      ...rule.allowedMethods.map((value) => ['AllowedMethod', value] as const),
      ...rule.allowedHeaders.map((value) => ['AllowedHeader', value] as const),
      ...rule.exposeHeaders.map((value) => ['ExposeHeader', value] as const),
    ];
    if (rule.maxAgeSeconds !== undefined) fields.push(['MaxAgeSeconds', rule.maxAgeSeconds]);
    return ['CORSRule', fields] as const;
  });
  children_.push(['ResponseVary', bucket.cors.responseVary]);
  return xmlResponse('CORSConfiguration', children_);
}

/** DeleteBucketCors: 204. */
export async function deleteBucketCors(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const { cors: _dropped, ...rest } = bucket;
  await context.store.putBucket(rest);
  return emptyResponse(204);
}

// '*' in an origin or header pattern matches any run of characters (at most one '*').
function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern.toLowerCase() === value.toLowerCase();
  const head = pattern.slice(0, star).toLowerCase();
  const tail = pattern.slice(star + 1).toLowerCase();
  const lower = value.toLowerCase();
  return (
    lower.length >= head.length + tail.length && lower.startsWith(head) && lower.endsWith(tail)
  );
}

/** The first rule allowing `origin`, `method` and every header in `requestHeaders`. */
export function matchCorsRule(
  rules: CorsRule[],
  origin: string,
  method: string,
  requestHeaders: string[],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((pattern) => wildcardMatch(pattern, origin)) &&
      rule.allowedMethods.includes(method) &&
      requestHeaders.every((header) =>
        rule.allowedHeaders.some((pattern) => wildcardMatch(pattern, header)),
      ),
  );
}

/** The CORS rules in force for a bucket: its own, or allow-all when the server says so. */
export function corsRules(
  bucket: BucketRecord | undefined,
  allowAll: boolean,
): CorsRule[] | undefined {
  if (bucket?.cors) return bucket.cors.rules;
  return allowAll ? [ALLOW_ALL_RULE] : undefined;
}

/** Response headers for a request with `Origin` that a rule allows. */
export function corsHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': rule.allowedOrigins.includes('*') ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
  };
  if (rule.exposeHeaders.length > 0)
    headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined)
    headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  return headers;
}

/**
 * A CORS preflight (`OPTIONS` with Origin and Access-Control-Request-Method): 200 with the
 * allowing rule's headers, or 403 AccessForbidden as the service answers.
 */
export function preflight(
  bucket: BucketRecord | undefined,
  headers: Record<string, string>,
  allowAll: boolean,
): MockResponse {
  const origin = headers.origin;
  const method = headers['access-control-request-method'];
  if (origin === undefined || method === undefined) {
    throw new OssError(
      'AccessForbidden',
      'Insufficient information. Origin, request method or request headers not specified.',
    );
  }
  const rules = corsRules(bucket, allowAll);
  if (!rules)
    throw new OssError('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.');
  const requested = (headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const rule = matchCorsRule(rules, origin, method, requested);
  if (!rule) {
    throw new OssError(
      'AccessForbidden',
      // The service's wording, typos included.
      'CORSResponse: This CORS request is not allowed. This is usually because the evalution of ' +
        'Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers ' +
        "are not whitelisted by the resource's CORS spec.",
    );
  }
  const response = emptyResponse(200, corsHeaders(rule, origin));
  if (requested.length > 0) response.headers['access-control-allow-headers'] = requested.join(', ');
  return response;
}
