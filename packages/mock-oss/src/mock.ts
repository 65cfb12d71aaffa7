import { Accounts, type RoleConfig } from './accounts.js';
import {
  ACTION_BY_OPERATION,
  PUBLIC_READ_OPERATIONS,
  PUBLIC_WRITE_OPERATIONS,
  resourceOf,
} from './actions.js';
import { authenticate, type Identity } from './auth/authenticate.js';
import { authorize } from './auth/authorize.js';
import { Clock } from './clock.js';
import { handleControl } from './control.js';
import { crc64 } from './digest.js';
import { OssError } from './errors.js';
import { type FaultAction, Faults } from './faults.js';
import {
  type BodyChunks,
  EMPTY_BODY,
  type MockRequest,
  type MockResponse,
  splitTarget,
} from './http.js';
import { newBucket } from './operations/bucket.js';
import { readSmallBody } from './operations/context.js';
import { corsHeaders, corsRules, matchCorsRule, preflight } from './operations/cors.js';
import { OPERATIONS } from './operations/index.js';
import { applyLifecycle } from './operations/lifecycle.js';
import {
  bucketOfHost,
  detectOperation,
  hostName,
  isValidBucketName,
  type OssRequest,
  parseQuery,
  resolveAddress,
} from './parse.js';
import { RequestIds } from './request-id.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { asOssError, errorResponse, httpDate } from './respond.js';
import { MemoryStore } from './store/memory.js';
import type { BucketRecord, Store } from './store/types.js';
import { handleStsRequest, isStsRequest } from './sts/handler.js';

/** A bucket to create at start. */
export interface BucketOption {
  name: string;
  acl?: BucketRecord['acl'];
}

/** Options of {@link createMockOss}. */
export interface MockOssOptions {
  /** Root key pair. Default `mock-access-key-id` / `mock-access-key-secret`. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Region without the `oss-` prefix. Default `cn-hangzhou`. */
  region?: string;
  /** The `<uid>` in role ARNs. */
  accountId?: string;
  /** RAM roles for STS; none → one role that allows everything. */
  roles?: RoleConfig[];
  /** Accept every request as the root account (no signature checks). */
  noAuth?: boolean;
  /** Buckets that exist at start and after `reset()`. */
  buckets?: Array<string | BucketOption>;
  /** Host names (without port) that mean path-style addressing, besides IPs and `localhost`. */
  pathStyleHosts?: string[];
  /** Host name → bucket, for CNAME-style access. */
  cname?: Record<string, string>;
  /** Where objects live. Default: a new MemoryStore. */
  store?: Store;
  /** Most bytes of object data to hold; writes beyond it answer 507 InsufficientStorage. */
  storageLimit?: number;
  /** `allow-all`: buckets without a CORS configuration allow every origin. Default `bucket`. */
  cors?: 'bucket' | 'allow-all';
  /** How many requests the log keeps. Default 10 000. */
  requestLogLimit?: number;
  /** Randomness for probabilistic faults (tests pass a seeded one). */
  random?: () => number;
  /** CRC-64 implementation (the Node entry passes a native one when available). */
  crc64?: (data: Uint8Array, previous: bigint) => bigint;
  /** Called after each request (the CLI prints a line from it). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** The server, without sockets. */
export interface MockOss {
  /**
   * Answers a WHATWG Request; rejects (like a network error) when a fault drops the response.
   * A WHATWG URL has already resolved `.` and `..` segments (also `%2E%2E`), so a key such as
   * `a/../b` cannot reach the mock through `handle()`; use the listener or `dispatch()`, which
   * keep the path exactly as sent.
   */
  handle(request: Request): Promise<Response>;
  /** The same, on the plain request shape the Node listener uses. */
  dispatch(request: MockRequest): Promise<MockResponse>;
  /**
   * The answer to bytes an HTTP parser could not read as a request (the listener calls it from
   * node:http's `clientError`): the service's XML error with a request id, logged like any other
   * request with operation `Unparsable`. `malformed` is 400 InvalidArgument, `header-overflow`
   * 431 RequestHeaderFieldsTooLarge, `timeout` 400 RequestTimeout.
   */
  refuseUnparsable(reason: UnparsableReason): MockResponse;
  /** The root key pair. */
  readonly credentials: { accessKeyId: string; accessKeySecret: string };
  readonly region: string;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly requests: RequestLog;
  readonly accounts: Accounts;
  readonly store: Store;
  /** Path of the STS endpoint on the same origin: `/sts`. */
  readonly stsEndpointPath: string;
  /** The role ARNs STS accepts. */
  readonly roleArns: string[];
  /** Resolves once the start buckets exist. */
  readonly ready: Promise<void>;
  /**
   * Forgets objects, buckets (recreating the start buckets), faults, the log, issued tokens
   * and the clock offset.
   */
  reset(): Promise<void>;
  /** Creates a bucket directly (no request). */
  createBucket(name: string, acl?: BucketRecord['acl']): Promise<void>;
  /** Releases the store. */
  close(): Promise<void>;
}

/** Why the HTTP layer could not read a request; see {@link MockOss.refuseUnparsable}. */
export type UnparsableReason = 'malformed' | 'header-overflow' | 'timeout';

/** Default root AccessKeyId. */
export const DEFAULT_ACCESS_KEY_ID = 'mock-access-key-id';
/** Default root AccessKeySecret. */
export const DEFAULT_ACCESS_KEY_SECRET = 'mock-access-key-secret';
/** Default region. */
export const DEFAULT_REGION = 'cn-hangzhou';
/** Where the STS endpoint lives on the server's origin. */
export const STS_ENDPOINT_PATH = '/sts';

const HOST_ID_SUFFIX = 'aliyuncs.com';
// Lifecycle sweeps are O(objects); between clock changes one per second per bucket is plenty.
const LIFECYCLE_SWEEP_INTERVAL_MS = 1000;

/**
 * Creates the mock OSS + STS server core: a request handler usable without sockets.
 *
 * @throws TypeError for invalid options (empty keys, malformed roles, invalid bucket names).
 * @example
 * const oss = createMockOss({ buckets: ['media'] });
 * const put = new Request('http://127.0.0.1/media/a.txt', { method: 'PUT', body: 'hi' });
 * const res = await oss.handle(put);
 */
export function createMockOss(options: MockOssOptions = {}): MockOss {
  const region = (options.region ?? DEFAULT_REGION).replace(/^oss-/, '');
  const accounts = new Accounts({
    accessKeyId: options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
    accessKeySecret: options.accessKeySecret ?? DEFAULT_ACCESS_KEY_SECRET,
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
  });
  const store = options.store ?? new MemoryStore();
  const clock = new Clock();
  const faults = new Faults(options.random);
  const requests = new RequestLog(options.requestLogLimit);
  const ids = new RequestIds();
  const addressing = {
    pathStyleHosts: new Set((options.pathStyleHosts ?? []).map((host) => host.toLowerCase())),
    cname: new Map(
      Object.entries(options.cname ?? {}).map(([host, bucket]) => [host.toLowerCase(), bucket]),
    ),
  };
  const startBuckets = (options.buckets ?? []).map((item) =>
    typeof item === 'string' ? { name: item } : item,
  );
  for (const bucket of startBuckets) {
    if (!isValidBucketName(bucket.name)) throw new TypeError(`invalid bucket name: ${bucket.name}`);
  }
  const lifecycleSwept = new Map<string, number>();
  const crcFunction = options.crc64 ?? crc64;

  async function createBucket(name: string, acl: BucketRecord['acl'] = 'private'): Promise<void> {
    if (!isValidBucketName(name)) throw new TypeError(`invalid bucket name: ${name}`);
    if (!store.getBucket(name)) await store.putBucket(newBucket(name, clock.now(), region, acl));
  }
  async function createStartBuckets(): Promise<void> {
    for (const bucket of startBuckets) await createBucket(bucket.name, bucket.acl);
  }
  const ready = createStartBuckets();

  clock.onChange(() => lifecycleSwept.clear());

  const server: MockOss = {
    handle: (request) => handleWhatwg(server, request),
    dispatch,
    refuseUnparsable,
    credentials: accounts.root,
    region,
    clock,
    faults,
    requests,
    accounts,
    store,
    stsEndpointPath: STS_ENDPOINT_PATH,
    get roleArns() {
      return [...accounts.roles.keys()];
    },
    ready,
    async reset() {
      await ready;
      await store.clear();
      faults.clear();
      requests.clear();
      accounts.reset();
      clock.reset();
      lifecycleSwept.clear();
      await createStartBuckets();
    },
    createBucket,
    close: () => store.close(),
  };

  async function dispatch(raw: MockRequest): Promise<MockResponse> {
    await ready;
    const requestId = ids.next();
    const arrived = clock.now();
    const entry: RequestLogEntry = {
      time: arrived,
      requestId,
      method: raw.method,
      path: raw.rawQuery === '' ? raw.path : `${raw.path}?${raw.rawQuery}`,
      headers: raw.headers,
      operation: 'Unknown',
      status: 0,
    };
    const hostId = hostIdOf(raw.headers.host, region);
    let response: MockResponse;
    try {
      response = await route(raw, entry, requestId, hostId);
    } catch (error) {
      const ossError = asOssError(error);
      response = errorResponse(ossError, { requestId, hostId, method: raw.method });
      entry.errorCode = ossError.code;
    }
    if (announcesMissingBody(raw.method, response)) response.headers['content-length'] = '0';
    response.headers['x-oss-request-id'] ??= requestId;
    response.headers.date ??= httpDate(clock.now());
    response.headers.server ??= 'AliyunOSS';
    entry.status = response.status;
    requests.record(entry);
    options.onRequest?.(entry);
    return response;
  }

  function refuseUnparsable(reason: UnparsableReason): MockResponse {
    const requestId = ids.next();
    const error = unparsableError(reason);
    const response = errorResponse(error, {
      requestId,
      hostId: hostIdOf(undefined, region),
      method: 'GET',
    });
    Object.assign(response.headers, {
      'x-oss-request-id': requestId,
      date: httpDate(clock.now()),
      server: 'AliyunOSS',
    });
    const entry: RequestLogEntry = {
      time: clock.now(),
      requestId,
      method: '',
      path: '',
      headers: {},
      operation: 'Unparsable',
      status: response.status,
      errorCode: error.code,
    };
    requests.record(entry);
    options.onRequest?.(entry);
    return response;
  }

  async function route(
    raw: MockRequest,
    entry: RequestLogEntry,
    requestId: string,
    hostId: string,
  ): Promise<MockResponse> {
    if (raw.path === '/_mock' || raw.path.startsWith('/_mock/')) {
      entry.operation = 'MockControl';
      return handleControl(raw, server);
    }
    const stsQuery = mayBeSts(raw) ? new URLSearchParams(raw.rawQuery) : undefined;
    if (
      stsQuery &&
      isStsRequest({
        method: raw.method,
        path: raw.path,
        query: stsQuery,
        headers: raw.headers,
        hostNamesBucket: bucketOfHost(raw.headers.host, addressing) !== undefined,
      })
    ) {
      entry.operation = 'AssumeRole';
      const body = await readSmallBody(raw.body, 64 * 1024);
      const answer = handleStsRequest(
        { method: raw.method, path: raw.path, query: stsQuery, headers: raw.headers, body },
        { now: clock.now(), accounts, noAuth: options.noAuth === true, nonces: accounts.nonces },
      );
      const bytes = new TextEncoder().encode(answer.body);
      // One id per request: the JSON RequestId (an upper-case UUID, as STS writes it) is also
      // the x-oss-request-id and the log's, so a failure can be traced from any of them.
      const stsRequestId = answer.headers['x-acs-request-id'] ?? requestId;
      entry.requestId = stsRequestId;
      const headers = {
        ...answer.headers,
        'x-oss-request-id': stsRequestId,
        'content-length': String(bytes.byteLength),
      };
      return { status: answer.status, headers, body: bytes };
    }

    const request = parseRequest(raw);
    entry.operation = request.operation;
    if (request.bucket !== undefined) entry.bucket = request.bucket;
    if (request.key !== undefined) entry.key = request.key;

    const fired = faults.take(request);
    if (fired.length > 0) entry.faults = fired.map((action) => action.type);
    await applyLatency(fired);
    const errorFault = fired.find((action) => action.type === 'error');
    if (errorFault && errorFault.type === 'error') {
      const error = new OssError(
        errorFault.code,
        errorFault.message ?? `Injected fault: ${errorFault.code}`,
      );
      entry.errorCode = error.code;
      const response = errorResponse(error, { requestId, hostId, method: raw.method });
      if (errorFault.status !== undefined) response.status = errorFault.status;
      return withCors(response, request);
    }

    let response: MockResponse;
    try {
      response = await runOperation(request, raw, entry.time);
    } catch (error) {
      const ossError = asOssError(error);
      entry.errorCode = ossError.code;
      response = errorResponse(ossError, { requestId, hostId, method: raw.method });
    }
    response = withCors(response, request);
    const fate = fateOf(fired);
    if (fate) response.fate = fate;
    return response;
  }

  function parseRequest(raw: MockRequest): OssRequest {
    const method = raw.method.toUpperCase();
    const { bucket, key } = resolveAddress(raw, addressing);
    const query = parseQuery(raw.rawQuery);
    const operation = detectOperation(method, bucket, key, query, raw.headers);
    const request: OssRequest = { method, query, headers: raw.headers, operation };
    if (bucket !== undefined) request.bucket = bucket;
    if (key !== undefined) request.key = key;
    return request;
  }

  async function runOperation(
    request: OssRequest,
    raw: MockRequest,
    now: number,
  ): Promise<MockResponse> {
    const { operation, bucket, key } = request;
    if (operation === 'PreflightCORS') {
      return preflight(
        bucket === undefined ? undefined : store.getBucket(bucket),
        request.headers,
        options.cors === 'allow-all',
      );
    }
    const run = OPERATIONS[operation];
    if (!run) {
      throw new OssError(
        'NotImplemented',
        'A header you provided implies functionality that is not implemented.',
      );
    }

    const bucketRecord = bucket === undefined ? undefined : store.getBucket(bucket);
    if (bucket !== undefined && !bucketRecord && operation !== 'PutBucket') {
      throw new OssError('NoSuchBucket', 'The specified bucket does not exist.', {
        BucketName: bucket,
      });
    }
    if (bucketRecord?.lifecycle) await sweepLifecycle(bucketRecord.name, now);

    const identity = authenticate(
      {
        method: request.method,
        ...(bucket !== undefined ? { bucket } : {}),
        ...(key !== undefined ? { key } : {}),
        query: request.query,
        headers: request.headers,
      },
      { now, accounts, region, noAuth: options.noAuth === true },
    );
    checkPermission(identity, request, bucketRecord);

    return run({
      request,
      body: raw.body,
      store,
      now,
      region,
      ownerId: accounts.accountId,
      storageLimit: options.storageLimit ?? Number.POSITIVE_INFINITY,
      crc64: crcFunction,
      authorizeAlso(action, resource) {
        if (identity.kind === 'anonymous') {
          const [sourceBucket, ...rest] = resource.replace('acs:oss:*:*:', '').split('/');
          const record = sourceBucket ? store.getBucket(sourceBucket) : undefined;
          const object = record ? store.head(record.name, rest.join('/')) : undefined;
          if (record?.acl !== 'private' && record !== undefined) return;
          if (object?.acl.startsWith('public-read')) return;
        }
        authorize(identity, action, resource);
      },
    });
  }

  function checkPermission(
    identity: Identity,
    request: OssRequest,
    bucket: BucketRecord | undefined,
  ): void {
    const { operation } = request;
    if (identity.kind === 'anonymous' && bucket && allowsAnonymous(bucket, request)) return;
    const action = ACTION_BY_OPERATION[operation] as string;
    const resource = resourceOf(request.bucket, request.key);
    if (operation === 'ListObjects' || operation === 'ListObjectsV2') {
      authorize(identity, action, resource, {
        'oss:Prefix': request.query.prefix ?? '',
        'oss:Delimiter': request.query.delimiter ?? '',
      });
      return;
    }
    authorize(identity, action, resource);
  }

  function allowsAnonymous(bucket: BucketRecord, request: OssRequest): boolean {
    const objectAcl =
      request.key === undefined ? undefined : store.head(bucket.name, request.key)?.acl;
    const acl = objectAcl === undefined || objectAcl === 'default' ? bucket.acl : objectAcl;
    if (acl === 'public-read-write')
      return (
        PUBLIC_READ_OPERATIONS.has(request.operation) ||
        PUBLIC_WRITE_OPERATIONS.has(request.operation)
      );
    if (acl === 'public-read') return PUBLIC_READ_OPERATIONS.has(request.operation);
    return false;
  }

  async function sweepLifecycle(bucket: string, now: number): Promise<void> {
    const last = lifecycleSwept.get(bucket);
    if (last !== undefined && now - last < LIFECYCLE_SWEEP_INTERVAL_MS && now >= last) return;
    lifecycleSwept.set(bucket, now);
    await applyLifecycle(store, bucket, now);
  }

  function withCors(response: MockResponse, request: OssRequest): MockResponse {
    const origin = request.headers.origin;
    if (origin === undefined || request.operation === 'PreflightCORS') return response;
    const bucket = request.bucket === undefined ? undefined : store.getBucket(request.bucket);
    const rules = corsRules(bucket, options.cors === 'allow-all');
    const rule = rules && matchCorsRule(rules, origin, request.method, []);
    if (rule) Object.assign(response.headers, corsHeaders(rule, origin));
    return response;
  }

  return server;
}

function unparsableError(reason: UnparsableReason): OssError {
  if (reason === 'header-overflow') {
    return new OssError(
      'RequestHeaderFieldsTooLarge',
      'The request headers are larger than the server accepts.',
    );
  }
  if (reason === 'timeout') {
    return new OssError('RequestTimeout', 'The request was not completed in time.');
  }
  return new OssError('InvalidArgument', 'The request is not a valid HTTP/1.1 request.');
}

/**
 * A cheap test that rules out STS for almost every OSS request, so the hot path skips building
 * URLSearchParams; isStsRequest makes the real decision.
 */
function mayBeSts(raw: MockRequest): boolean {
  return (
    raw.path.startsWith('/sts') ||
    raw.rawQuery.includes('Action') ||
    raw.headers['x-acs-action'] !== undefined ||
    (raw.path === '/' && raw.method.toUpperCase() === 'POST')
  );
}

/**
 * True for a bodyless answer whose Content-Length promises bytes: over HTTP the client would wait
 * for them until it times out, so such an answer is sent as empty instead of hanging.
 */
function announcesMissingBody(method: string, response: MockResponse): boolean {
  if (response.body !== undefined || response.status === 204 || response.status === 304) {
    return false;
  }
  const length = response.headers['content-length'];
  return length !== undefined && length !== '0' && method.toUpperCase() !== 'HEAD';
}

async function applyLatency(actions: FaultAction[]): Promise<void> {
  let ms = 0;
  for (const action of actions) if (action.type === 'latency') ms += action.ms;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

function fateOf(actions: FaultAction[]): MockResponse['fate'] {
  if (actions.some((action) => action.type === 'drop-response')) return 'drop';
  if (actions.some((action) => action.type === 'close-mid-body')) return 'cut-mid-body';
  return undefined;
}

function hostIdOf(host: string | undefined, region: string): string {
  const name = hostName(host);
  return name === '' ? `oss-${region}.${HOST_ID_SUFFIX}` : name;
}

/** The error thrown by `handle()` when a fault drops the connection. */
export class ConnectionDroppedError extends TypeError {
  readonly code = 'ECONNRESET';
  constructor(message = 'mock-oss: the connection was closed without a response (fault)') {
    super(message);
    this.name = 'ConnectionDroppedError';
  }
}

/**
 * The `handle()` adapter. Known limit: `request.url` went through the WHATWG URL parser when the
 * Request was made, which resolves dot segments (`a/../b` → `b`, `%2E%2E` too) and leaves no way
 * to recover the path as written. OSS keys are opaque and keep such segments, so a request for
 * such a key is signed for one key and arrives for another (SignatureDoesNotMatch). The Node
 * listener and `dispatch()` take the raw path and are not affected.
 */
async function handleWhatwg(server: MockOss, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers.host ??= url.host;
  const target = splitTarget(url.pathname + url.search);
  const response = await server.dispatch({
    method: request.method,
    path: target.path,
    rawQuery: target.rawQuery,
    headers,
    body: request.body ? streamChunks(request.body) : EMPTY_BODY,
  });
  if (response.fate === 'drop') throw new ConnectionDroppedError();

  const noBody = request.method === 'HEAD' || response.status === 204 || response.status === 304;
  const body =
    noBody || response.body === undefined
      ? null
      : toStream(response.body, response.fate === 'cut-mid-body');
  return new Response(body as BodyInit | null, {
    status: response.status,
    headers: response.headers,
  });
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function toStream(
  body: Uint8Array | string | BodyChunks,
  cut: boolean,
): ReadableStream<Uint8Array> | Uint8Array | string {
  if (!cut && (typeof body === 'string' || body instanceof Uint8Array)) return body;
  if (!cut && Array.isArray(body) && body.length === 1) return body[0] as Uint8Array;
  const chunks =
    typeof body === 'string'
      ? [new TextEncoder().encode(body)]
      : body instanceof Uint8Array
        ? [body]
        : body;
  return cut ? cutStream(chunks) : iterableStream(chunks);
}

function iterableStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): ReadableStream<Uint8Array> {
  const iterator = (
    Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()
  ) as AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** Sends about half of the body, then fails the stream as a reset connection would. */
function cutStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const all: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of chunks) {
        all.push(chunk);
        total += chunk.byteLength;
      }
      let budget = Math.floor(total / 2);
      for (const chunk of all) {
        if (budget <= 0) break;
        const part = chunk.subarray(0, Math.min(budget, chunk.byteLength));
        controller.enqueue(part);
        budget -= part.byteLength;
      }
      controller.error(
        new ConnectionDroppedError('mock-oss: the connection was closed mid-body (fault)'),
      );
    },
  });
}
