/**
 * Client errors: one base class, one subclass per failure a caller may want to handle
 * differently. `code` is the OSS error code when the service sent one, otherwise a stable code
 * of this package (`NetworkError`, `RequestTimeout`, `ObjectDiverged`, ...).
 */

/** What an error knows about the request that failed. */
export interface ErrorContext {
  status?: number;
  requestId?: string;
  method?: string;
  bucket?: string;
  key?: string;
  /** Extra elements of the service's `<Error>` body (HostId, ServerTime, StringToSign, ...). */
  details?: Record<string, string>;
  cause?: unknown;
}

/**
 * The base of every error this package throws on purpose.
 *
 * @example
 * try { await file.read(10); } catch (error) {
 *   if (error instanceof OssClientError) console.log(error.code, error.requestId);
 * }
 */
export class OssClientError extends Error {
  /** Stable machine-readable code: the OSS code, or one of this package. */
  readonly code: string;
  /** HTTP status of the answer; absent when no answer arrived. */
  readonly status: number | undefined;
  /** `x-oss-request-id` (or the XML RequestId) of the failed request. */
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly details: Record<string, string>;

  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = context.status;
    this.requestId = context.requestId;
    this.method = context.method;
    this.bucket = context.bucket;
    this.key = context.key;
    this.details = context.details ?? {};
  }
}

/** The bucket, object or configuration does not exist (NoSuchKey, NoSuchBucket, ...). */
export class NotFoundError extends OssClientError {}

/** A policy denies the request, or a presigned URL expired (AccessDenied). */
export class AccessDeniedError extends OssClientError {}

/**
 * The credentials were refused (InvalidAccessKeyId, SignatureDoesNotMatch, an expired or
 * invalid security token that a refresh did not cure) or could not be obtained
 * (`CredentialsUnavailable`).
 */
export class CredentialsError extends OssClientError {}

/** The server still finds the request's date too far from its clock after one correction. */
export class ClockSkewError extends OssClientError {}

/** An append's position is not the object's length (PositionNotEqualToLength). */
export class PositionMismatchError extends OssClientError {
  /** The object's length as the server reported it, when it did. */
  get nextPosition(): number | undefined {
    const text = this.details.nextAppendPosition;
    return text === undefined ? undefined : Number(text);
  }
}

/** The object is Normal or Multipart and cannot be appended to (ObjectNotAppendable). */
export class ObjectNotAppendableError extends OssClientError {}

/** A conflict other than an append position: BucketAlreadyExists, BucketNotEmpty, ... */
export class ConflictError extends OssClientError {}

/** A Range the object cannot satisfy (InvalidRange). */
export class InvalidRangeError extends OssClientError {}

/** An If-Match / If-Unmodified-Since condition failed (PreconditionFailed). */
export class PreconditionFailedError extends OssClientError {}

/** The service rejected the request as malformed (InvalidArgument, MalformedXML, ...). */
export class BadRequestError extends OssClientError {}

/** The service failed (5xx) on every attempt. */
export class ServerError extends OssClientError {}

/** No answer within the request timeout (`RequestTimeout`). */
export class TimeoutError extends OssClientError {}

/** No answer at all: refused, reset or closed connection (`NetworkError`). */
export class NetworkError extends OssClientError {}

/** The caller's AbortSignal fired (`Aborted`). */
export class AbortError extends OssClientError {}

/**
 * The object's length or CRC-64 matches neither the state before nor the state after the
 * client's last append (`ObjectDiverged`): someone else wrote to it, or the source given to a
 * resumed upload is not the one the object was made from.
 */
export class ObjectDivergedError extends OssClientError {}

/**
 * The `x-oss-hash-crc64ecma` the server returned after a write differs from the CRC-64 the
 * client computed over the bytes it sent (`CrcMismatch`).
 */
export class CrcMismatchError extends OssClientError {}

/** The operation is not allowed in the file's open mode, or the file is closed. */
export class FileModeError extends OssClientError {}

/** An answer that does not follow the protocol (`InvalidResponse`). */
export class InvalidResponseError extends OssClientError {}

type ErrorClass = new (code: string, message: string, context?: ErrorContext) => OssClientError;

const CLASS_BY_CODE: Readonly<Record<string, ErrorClass>> = {
  NoSuchKey: NotFoundError,
  NoSuchBucket: NotFoundError,
  NoSuchLifecycle: NotFoundError,
  AccessDenied: AccessDeniedError,
  AccessForbidden: AccessDeniedError,
  InvalidAccessKeyId: CredentialsError,
  SignatureDoesNotMatch: CredentialsError,
  InvalidSecurityToken: CredentialsError,
  SecurityTokenExpired: CredentialsError,
  RequestTimeTooSkewed: ClockSkewError,
  PositionNotEqualToLength: PositionMismatchError,
  ObjectNotAppendable: ObjectNotAppendableError,
  InvalidRange: InvalidRangeError,
  PreconditionFailed: PreconditionFailedError,
};

function classByStatus(status: number): ErrorClass {
  if (status === 404) return NotFoundError;
  if (status === 403) return AccessDeniedError;
  if (status === 409) return ConflictError;
  if (status === 412) return PreconditionFailedError;
  if (status === 416) return InvalidRangeError;
  if (status >= 500) return ServerError;
  return BadRequestError;
}

/**
 * The error for a service answer: the class follows the OSS code, or the status when the code
 * is unknown or absent.
 */
export function errorForResponse(
  code: string | undefined,
  message: string | undefined,
  context: ErrorContext & { status: number },
): OssClientError {
  const ErrorType =
    (code === undefined ? undefined : CLASS_BY_CODE[code]) ?? classByStatus(context.status);
  const finalCode = code ?? `HttpStatus${context.status}`;
  const where =
    context.key === undefined ? (context.bucket ?? '') : `${context.bucket}/${context.key}`;
  const detail = message ? ` — ${message}` : '';
  const text = `${context.method ?? ''} ${where}: ${context.status} ${finalCode}${detail}`;
  return new ErrorType(finalCode, text.trim(), context);
}
