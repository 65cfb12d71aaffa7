/** Stable codes carried by every {@link HlsError}. */
export type HlsErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_STATE'
  | 'SEGMENT_UPLOAD_FAILED'
  | 'PLAYLIST_UPLOAD_FAILED'
  | 'DELETE_FAILED'
  | 'ENCRYPTION_UNAVAILABLE';

/**
 * The one error type of this package. `code` is stable and meant for programs; `message` is for
 * people. Upload failures carry the store's last error as `cause`.
 */
export class HlsError extends Error {
  /** Stable, machine-readable reason. */
  readonly code: HlsErrorCode;

  constructor(code: HlsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HlsError';
    this.code = code;
  }
}

/** Throws `INVALID_ARGUMENT` naming the argument and what was received. */
export function invalidArgument(name: string, expected: string, received: unknown): never {
  throw new HlsError(
    'INVALID_ARGUMENT',
    `${name} must be ${expected}, received ${describe(received)}`,
  );
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
