/**
 * The service's error, shaped like the XML body OSS returns: a stable `code`, a message, and the
 * extra elements some codes carry (Key, Bucket, StringToSign, ...). The HTTP status comes from
 * the code through {@link STATUS_BY_CODE}, so a handler never picks a status by hand.
 */
export class OssError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra child elements of `<Error>`, written after Message in insertion order. */
  readonly extra: Record<string, string>;
  /** Response headers the error adds (for example `x-oss-next-append-position`). */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OssError';
    this.code = code;
    this.status = STATUS_BY_CODE[code] ?? 400;
    this.extra = extra;
    this.headers = headers;
  }
}

/** HTTP status of each error code the mock can answer. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  InvalidArgument: 400,
  InvalidDigest: 400,
  InvalidBucketName: 400,
  InvalidObjectName: 400,
  MalformedXML: 400,
  InvalidRequest: 400,
  EntityTooLarge: 400,
  RequestHeaderFieldsTooLarge: 431,
  InvalidEncodingType: 400,
  TooManyBuckets: 400,
  SignatureDoesNotMatch: 403,
  InvalidAccessKeyId: 403,
  InvalidSecurityToken: 403,
  SecurityTokenExpired: 403,
  RequestTimeTooSkewed: 403,
  AccessDenied: 403,
  AccessForbidden: 403,
  NoSuchKey: 404,
  NoSuchBucket: 404,
  NoSuchLifecycle: 404,
  NoSuchCORSConfiguration: 404,
  MethodNotAllowed: 405,
  BucketAlreadyExists: 409,
  BucketNotEmpty: 409,
  PositionNotEqualToLength: 409,
  ObjectNotAppendable: 409,
  FileAlreadyExists: 409,
  MissingContentLength: 411,
  PreconditionFailed: 412,
  InvalidRange: 416,
  InvalidTargetType: 400,
  InvalidPolicyDocument: 400,
  InvalidLocationConstraint: 400,
  InvalidObjectState: 403,
  NoSuchUpload: 404,
  TooManyRequests: 429,
  RequestTimeout: 400,
  IncompleteBody: 400,
  InsufficientStorage: 507,
  NotModified: 304,
  InternalError: 500,
  NotImplemented: 501,
  ServiceUnavailable: 503,
};
