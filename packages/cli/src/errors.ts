/**
 * Errors the command line reports: one line, with the service's code and request id when there
 * is one, and never a stack trace.
 */

/** A failure the command line explains in one line; `exitCode` 2 means bad usage. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Reads a string property of an unknown error without trusting its shape. */
function field(error: unknown, name: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

const MAX_MESSAGE = 200;

const SYSTEM_MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ECONNRESET: 'connection reset by the server',
};

/**
 * Renders any error as one line: the message, then the OSS/STS code, HTTP status and request
 * id in parentheses when the error carries them.
 *
 * @example
 * describeError(err) // 'The specified key does not exist. (NoSuchKey, HTTP 404, request id 5F…)'
 */
export function describeError(error: unknown): string {
  const code = field(error, 'code');
  const path = field(error, 'path');
  const syscallCode = code !== undefined && SYSTEM_MESSAGES[code] !== undefined;
  let message = syscallCode
    ? `${SYSTEM_MESSAGES[code!]}${path ? `: ${path}` : ''}`
    : (field(error, 'message') ?? String(error));

  // fetch() hides the interesting part (refused, reset, DNS) in `cause`.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (message === 'fetch failed' && cause !== undefined) message = describeError(cause);

  // Client errors often spell the code and status in their message already: say them once.
  const details: string[] = [];
  const unsaid = (text: string) => !message.includes(text);
  if (code !== undefined && !syscallCode && !(error instanceof CliError) && unsaid(code)) {
    details.push(code);
  }
  const status = field(error, 'status') ?? field(error, 'statusCode');
  if (status !== undefined && unsaid(status)) details.push(`HTTP ${status}`);
  const requestId = field(error, 'requestId');
  if (requestId !== undefined) details.push(`request id ${requestId}`);

  // One line of reasonable length: some services echo a whole string to sign in the message.
  const oneLine = message.replace(/\s*\n\s*/g, ' ').trim();
  const short = oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine;
  return details.length > 0 ? `${short} (${details.join(', ')})` : short;
}
