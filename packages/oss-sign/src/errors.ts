/**
 * The one error this package throws for malformed input that came from the wire (an
 * Authorization header, a presigned query), as opposed to programming errors, which are
 * `TypeError`/`RangeError`.
 *
 * @example
 * try { parseAuthorization('Bearer x'); } catch (e) {
 *   if (e instanceof OssSignError && e.code === 'InvalidAuthorization') { ... }
 * }
 */
export class OssSignError extends Error {
  /** Stable machine-readable code: `InvalidAuthorization` or `InvalidPresignedQuery`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OssSignError';
    this.code = code;
  }
}

/** Describes a received value for an error message without dumping large objects. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}
