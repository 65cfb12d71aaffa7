/**
 * The request layer: sign, send, map the answer to an error, retry what is safe to retry.
 * Operations above it describe a request as plain data and get the raw answer back.
 */
import { fromBase64, signRequestV1, signRequestV4 } from '@oss-media/oss-sign';
import type { AuthState, RefreshReason } from './auth.js';
import {
  AbortError,
  CredentialsError,
  type ErrorContext,
  errorForResponse,
  NetworkError,
  type OssClientError,
  TimeoutError,
} from './errors.js';
import { abortError, backoffDelay, type RetryPolicy, sleep } from './retry.js';
import type { Transport, TransportResponse } from './transport.js';
import { parseErrorDocument } from './xml.js';

/** One OSS operation as data. Names are decoded; the layer encodes them. */
export interface OssRequest {
  method: string;
  bucket?: string;
  key?: string;
  /** Sub-resources and parameters; `null` or `''` send the bare name (`?append`). */
  query?: Record<string, string | null>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /**
   * `safe` (default): a missing answer or a 5xx is retried. `never`: it is thrown, for
   * requests that may not be repeated blindly (appends, which reconcile instead).
   */
  retry?: 'safe' | 'never';
  /** Statuses besides 2xx that are answers, not errors (e.g. 416 for a read past the end). */
  accept?: readonly number[];
  signal?: AbortSignal;
}

/** The answer to an {@link OssRequest}. */
export interface OssResponse extends TransportResponse {
  requestId: string | undefined;
}

/** Something the client did, for an `onEvent` hook; the client is silent otherwise. */
export type ClientEvent =
  | { type: 'request'; method: string; bucket?: string; key?: string; attempt: number }
  | {
      type: 'response';
      method: string;
      bucket?: string;
      key?: string;
      status: number;
      requestId?: string;
      durationMs: number;
    }
  | {
      type: 'retry';
      method: string;
      bucket?: string;
      key?: string;
      attempt: number;
      delayMs: number;
      reason: string;
    }
  | { type: 'refresh'; reason: RefreshReason }
  | { type: 'clock-skew'; offsetMs: number }
  | {
      type: 'append-reconciled';
      bucket: string;
      key: string;
      position: number;
      outcome: 'applied' | 'not-applied';
    };

/** Counters since the client was created; read them for a summary. */
export interface ClientStats {
  /** Requests sent, retries included. */
  requests: number;
  /** Requests sent again after a failure (backoff, clock correction, token refresh). */
  retries: number;
  /** Credentials fetched again (expired or refused). */
  refreshes: number;
  /** Appends whose lost answer was reconciled with a HEAD. */
  reconciliations: number;
  bytesSent: number;
  bytesReceived: number;
}

/** What every requester of one client shares. */
export interface ClientCore {
  transport: Transport;
  endpoint: URL;
  pathStyle: boolean;
  signatureVersion: 'v1' | 'v4';
  region: string | undefined;
  retry: RetryPolicy;
  timeoutMs: number;
  /** The local clock; the server's is this plus {@link ClientCore.clockOffsetMs}. */
  now: () => number;
  random: () => number;
  /** CRC-64 continued from `previous` (native on Node when available). */
  crc64: (data: Uint8Array, previous: bigint) => bigint;
  clockOffsetMs: number;
  stats: ClientStats;
  emit: (event: ClientEvent) => void;
}

const TOKEN_CODES = new Set(['SecurityTokenExpired', 'InvalidSecurityToken']);
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Sends requests of one client with one set of credentials. */
export class Requester {
  constructor(
    readonly core: ClientCore,
    readonly auth: AuthState,
  ) {}

  /** The server's time as the client best knows it, in epoch milliseconds. */
  serverNow(): number {
    return this.core.now() + this.core.clockOffsetMs;
  }

  /**
   * Sends a request until it succeeds or fails for good.
   *
   * @throws {OssClientError} a subclass for the failure: NotFoundError, AccessDeniedError,
   *   CredentialsError, ServerError, NetworkError, TimeoutError, AbortError, ...
   */
  async send(request: OssRequest): Promise<OssResponse> {
    let attempt = 0;
    let skewCorrected = false;
    let refreshed = false;

    for (;;) {
      attempt += 1;
      let response: OssResponse;
      try {
        response = await this.exchange(request, attempt);
      } catch (error) {
        if (!this.mayRetry(request, error as OssClientError, attempt)) throw error;
        await this.backoff(request, attempt, (error as OssClientError).code);
        continue;
      }

      const status = response.status;
      if ((status >= 200 && status < 300) || request.accept?.includes(status)) return response;
      const error = this.errorFor(request, response);

      if (error.code === 'RequestTimeTooSkewed' && !skewCorrected) {
        skewCorrected = this.correctClock(response, error);
        if (skewCorrected) {
          this.retryNow(request, attempt, error.code);
          continue;
        }
      }
      if (TOKEN_CODES.has(error.code) && !refreshed) {
        refreshed = true;
        if (await this.auth.refresh()) {
          this.retryNow(request, attempt, error.code);
          continue;
        }
      }
      if (!this.mayRetry(request, error, attempt)) throw error;
      await this.backoff(request, attempt, error.code);
    }
  }

  /** Whether a failure may be retried: never the caller's abort, only safe requests. */
  private mayRetry(request: OssRequest, error: OssClientError, attempt: number): boolean {
    if (request.retry === 'never' || attempt >= this.core.retry.attempts) return false;
    if (error instanceof NetworkError || error instanceof TimeoutError) return true;
    return error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
  }

  private async backoff(request: OssRequest, attempt: number, reason: string): Promise<void> {
    const delayMs = backoffDelay(this.core.retry, attempt, this.core.random);
    this.core.stats.retries += 1;
    this.core.emit({ type: 'retry', ...where(request), attempt, delayMs, reason });
    await sleep(delayMs, request.signal);
  }

  private retryNow(request: OssRequest, attempt: number, reason: string): void {
    this.core.stats.retries += 1;
    this.core.emit({ type: 'retry', ...where(request), attempt, delayMs: 0, reason });
  }

  /** Signs and sends once; a missing answer becomes a NetworkError, TimeoutError or AbortError. */
  private async exchange(request: OssRequest, attempt: number): Promise<OssResponse> {
    const { core } = this;
    if (request.signal?.aborted) throw abortError(request.signal, where(request));

    const credentials = await this.auth.current();
    const headers = this.sign(request, credentials);
    const url = this.url(request);
    const timeout = timeoutSignal(core.timeoutMs, request.signal);
    const started = core.now();

    core.stats.requests += 1;
    core.stats.bytesSent += request.body?.byteLength ?? 0;
    core.emit({ type: 'request', ...where(request), attempt });
    let answer: TransportResponse;
    try {
      const sending = core.transport({
        method: request.method,
        url,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: timeout.signal,
      });
      answer = await untilAborted(sending, timeout.signal);
    } catch (cause) {
      throw this.noAnswerError(request, cause, timeout.timedOut());
    } finally {
      timeout.clear();
    }

    core.stats.bytesReceived += answer.body.byteLength;
    const requestId = answer.headers['x-oss-request-id'];
    core.emit({
      type: 'response',
      ...where(request),
      status: answer.status,
      ...(requestId === undefined ? {} : { requestId }),
      durationMs: core.now() - started,
    });
    return { ...answer, requestId };
  }

  private noAnswerError(request: OssRequest, cause: unknown, timedOut: boolean): OssClientError {
    const context: ErrorContext = { ...where(request), cause };
    if (request.signal?.aborted) return abortError(request.signal, where(request));
    if (timedOut) {
      return new TimeoutError(
        'RequestTimeout',
        `${request.method} ${describe(request)}: no answer within ${this.core.timeoutMs} ms`,
        context,
      );
    }
    if (cause instanceof AbortError || cause instanceof CredentialsError) return cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new NetworkError(
      'NetworkError',
      `${request.method} ${describe(request)}: ${detail}`,
      context,
    );
  }

  private sign(
    request: OssRequest,
    credentials: Parameters<typeof signRequestV1>[1],
  ): Record<string, string> {
    const { core } = this;
    const signable = {
      method: request.method,
      ...(request.bucket === undefined ? {} : { bucket: request.bucket }),
      ...(request.key === undefined ? {} : { key: request.key }),
      query: request.query ?? {},
      headers: { ...request.headers },
    };
    const date = new Date(this.serverNow());
    if (core.signatureVersion === 'v4') {
      signable.headers['x-oss-content-sha256'] ??= 'UNSIGNED-PAYLOAD';
      return signRequestV4(signable, credentials, { region: core.region!, date });
    }
    return signRequestV1(signable, credentials, { date });
  }

  /** The request's URL: path-style `/bucket/key` or virtual-hosted `bucket.host/key`. */
  url(request: Pick<OssRequest, 'bucket' | 'key' | 'query'>): string {
    const { endpoint, pathStyle } = this.core;
    let origin = endpoint.origin;
    let path = '/';
    if (request.bucket !== undefined) {
      if (pathStyle) path = `/${request.bucket}/`;
      else origin = `${endpoint.protocol}//${request.bucket}.${endpoint.host}`;
    }
    if (request.key !== undefined) path += encodeKey(request.key);
    return origin + path + encodeQuery(request.query);
  }

  /** Builds the error of an answer, reading the XML body or, for HEAD, `x-oss-err`. */
  errorFor(request: OssRequest, response: OssResponse): OssClientError {
    let body: Uint8Array | string = response.body;
    const headerError = response.headers['x-oss-err'];
    if (body.byteLength === 0 && headerError !== undefined) {
      try {
        body = fromBase64(headerError);
      } catch {
        body = '';
      }
    }
    const document = parseErrorDocument(body);
    const details = { ...document?.details };
    const nextPosition = response.headers['x-oss-next-append-position'];
    if (nextPosition !== undefined) details.nextAppendPosition = nextPosition;
    const serverDate = response.headers.date;
    if (serverDate !== undefined) details.Date = serverDate;
    return errorForResponse(document?.code, document?.message, {
      ...where(request),
      status: response.status,
      requestId: response.requestId ?? document?.requestId,
      details,
    });
  }

  /** Takes the server's clock from the error (ServerTime) or the Date header; false if neither. */
  private correctClock(response: OssResponse, error: OssClientError): boolean {
    const serverText = error.details.ServerTime ?? response.headers.date;
    const serverTime = serverText === undefined ? Number.NaN : Date.parse(serverText);
    if (!Number.isFinite(serverTime)) return false;
    this.core.clockOffsetMs = serverTime - this.core.now();
    this.core.emit({ type: 'clock-skew', offsetMs: this.core.clockOffsetMs });
    return true;
  }
}

function where(request: Pick<OssRequest, 'method' | 'bucket' | 'key'>) {
  return {
    method: request.method,
    ...(request.bucket === undefined ? {} : { bucket: request.bucket }),
    ...(request.key === undefined ? {} : { key: request.key }),
  };
}

function describe(request: Pick<OssRequest, 'bucket' | 'key'>): string {
  if (request.bucket === undefined) return '/';
  return request.key === undefined ? request.bucket : `${request.bucket}/${request.key}`;
}

/** Percent-encodes each path segment of a key, keeping the slashes. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function encodeQuery(query: OssRequest['query']): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const encoded = encodeURIComponent(name);
    parts.push(
      value === null || value === '' ? encoded : `${encoded}=${encodeURIComponent(value)}`,
    );
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/**
 * Settles with `promise`, or rejects when `signal` fires first, so that a transport which
 * ignores its signal cannot hold a request past its timeout.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An AbortSignal that fires on the caller's signal or after `ms`, and says which. */
function timeoutSignal(ms: number, outer: AbortSignal | undefined) {
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort(new Error(`timeout after ${ms} ms`));
  }, ms);
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => fired,
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
