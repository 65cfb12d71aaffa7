/**
 * The one error type of this package: a failure reported by STS, by a token-vending endpoint,
 * or a response that could not be understood. Argument mistakes are not `StsError`s: they are
 * `TypeError`/`RangeError`s thrown before any request is sent.
 *
 * Stable codes of our own (the service's codes, such as `NoPermission`, pass through as sent):
 * - `UnexpectedResponse`: not JSON, or JSON without the expected fields; `body` keeps the start.
 * - `RequestFailed`: the request did not get a response (network error); `cause` is the reason.
 * - `InvalidCredentials`: a credentials fetcher returned something that is not credentials.
 * - `InvalidParameter.PolicyGrammar`: a policy document does not follow the grammar.
 *
 * @example
 * try { await assumeRole(options) } catch (error) {
 *   if (error instanceof StsError && error.code === 'NoPermission') { ... }
 * }
 */
export class StsError extends Error {
  /** Stable string code: the service's `Code`, or one of ours listed above. */
  readonly code: string;
  /** The service's `RequestId`, when the response carried one. */
  readonly requestId?: string;
  /** HTTP status of the response, when there was one. */
  readonly status?: number;
  /** The first bytes of a response body that could not be understood. */
  readonly body?: string;

  constructor(
    code: string,
    message: string,
    details: { requestId?: string; status?: number; body?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StsError';
    this.code = code;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.status !== undefined) this.status = details.status;
    if (details.body !== undefined) this.body = details.body;
  }
}

/** How much of an unexpected body an error keeps: enough to recognise an HTML error page. */
export const BODY_EXCERPT_LENGTH = 512;

/** The start of a response body, for error messages. */
export function bodyExcerpt(text: string): string {
  return text.length > BODY_EXCERPT_LENGTH ? `${text.slice(0, BODY_EXCERPT_LENGTH)}…` : text;
}
