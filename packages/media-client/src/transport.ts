/**
 * The transport is the only place bytes meet the network. It takes a fully signed request and
 * answers with the status, the headers and the whole body, or throws when no answer arrived
 * (reset, refused, aborted). Everything above it — signing, retries, error mapping — is
 * transport-agnostic, so tests can hand the client a plain async function.
 */

/** A signed request, ready to send. */
export interface TransportRequest {
  method: string;
  /** Absolute URL with the key and query already percent-encoded. */
  url: string;
  /** Header names in any case; values are strings. */
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Aborts the exchange (timeout or the caller's signal). */
  signal?: AbortSignal;
}

/** An answer, whatever its status. */
export interface TransportResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Sends one request. Throws only when no HTTP answer arrived; any status, 4xx and 5xx included,
 * is a response.
 *
 * @example
 * const logged: Transport = async (request) => {
 *   console.log(request.method, request.url);
 *   return fetchTransport()(request);
 * };
 */
export interface Transport {
  (request: TransportRequest): Promise<TransportResponse>;
  /** Releases pooled connections; the transport must not be used afterwards. */
  close?: () => Promise<void>;
}

/** Options of {@link fetchTransport}. */
export interface FetchTransportOptions {
  /** The fetch to use; `globalThis.fetch` at call time by default. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

const EMPTY = new Uint8Array(0);

/**
 * A transport on the Web `fetch`, which runs in browsers, workers, Deno, Bun and Node.
 *
 * @example
 * const client = createClient({ endpoint, auth, transport: fetchTransport() });
 */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  return async (request) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
    };
    if (request.body !== undefined && request.body.byteLength > 0) {
      init.body = request.body as Uint8Array<ArrayBuffer>;
    }
    if (request.signal !== undefined) init.signal = request.signal;

    const response = await doFetch(request.url, init);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const body = request.method === 'HEAD' ? EMPTY : new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers, body };
  };
}
