/**
 * The client: one endpoint, one set of options, shared counters; object, bucket and file
 * operations as methods. Each runtime entry builds it with its own default transport.
 */
import { crc64 } from '@oss-media/oss-sign';
import { type Auth, authState } from './auth.js';
import {
  type CreateBucketOptions,
  createBucket,
  deleteBucket,
  deleteBucketLifecycle,
  getBucketLifecycle,
  type LifecycleRule,
  type ListOptions,
  type ListPage,
  listObjectPages,
  type ObjectSummary,
  type PresignOptions,
  presignUrl,
  putBucketLifecycle,
} from './bucket.js';
import { type FileOptions, MediaFile, type OpenMode, type SourceResolver } from './media-file.js';
import {
  type AppendResult,
  appendObject,
  deleteObject,
  type GetResult,
  getObject,
  headObject,
  type ObjectStat,
  putObject,
  type WriteOptions,
  type WriteResult,
} from './objects.js';
import { type ClientCore, type ClientEvent, type ClientStats, Requester } from './request.js';
import { type RetryOptions, retryPolicy } from './retry.js';
import type { Transport } from './transport.js';

/** Options of a client. */
export interface ClientOptions {
  /** `https://oss-cn-hangzhou.aliyuncs.com`, or `http://127.0.0.1:9000` for a local server. */
  endpoint: string | URL;
  /** Static credentials, a credentials callback, or a credentials provider. */
  auth: Auth;
  /** The region, e.g. `cn-hangzhou`; required for V4 signatures. */
  region?: string;
  /** `v1` (default) or `v4`. */
  signatureVersion?: 'v1' | 'v4';
  /**
   * `/bucket/key` on the endpoint host instead of `bucket.host/key`; the default is true for
   * IP addresses and `localhost`, false otherwise.
   */
  pathStyle?: boolean;
  /** How requests are sent; fetch by default, an undici pool under the `node` condition. */
  transport?: Transport;
  retry?: RetryOptions;
  /** Per-request timeout in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Credentials from a callback are fetched again this long before they expire (60 000). */
  refreshMarginMs?: number;
  /** Receives every request, answer, retry and refresh; the client is silent otherwise. */
  onEvent?: (event: ClientEvent) => void;
  /** The local clock in epoch milliseconds (`Date.now` by default). */
  now?: () => number;
  /** Jitter source in [0, 1) (`Math.random` by default). */
  random?: () => number;
}

/** What a runtime entry supplies. */
export interface Runtime {
  defaultTransport: () => Transport;
  /** A faster CRC-64 than the JavaScript one, when the runtime has it. */
  crc64?: (data: Uint8Array, previous: bigint) => bigint;
  resolveSource: SourceResolver;
}

/**
 * A client of one OSS endpoint.
 *
 * @example
 * const client = createClient({
 *   endpoint: 'http://127.0.0.1:9000',
 *   auth: { accessKeyId, accessKeySecret },
 * });
 * const file = await client.open('videos', 'cam-42/today.ts', 'a');
 * await file.write(bytes);
 * await file.close();
 */
export class OssClient {
  readonly #core: ClientCore;
  readonly #requester: Requester;
  readonly #runtime: Runtime;
  readonly #refreshMarginMs: number;
  readonly #ownsTransport: boolean;

  /** Use `createClient()`. */
  constructor(options: ClientOptions, runtime: Runtime, core?: ClientCore) {
    this.#runtime = runtime;
    this.#refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.#ownsTransport = core === undefined && options.transport === undefined;
    this.#core = core ?? coreOf(options, runtime);
    this.#requester = this.#requesterFor(options.auth);
  }

  /** Counters since the client was created (shared by files and `withAuth` views). */
  get stats(): Readonly<ClientStats> {
    return this.#core.stats;
  }

  /** The request layer, for operations this class has no method for. */
  get requester(): Requester {
    return this.#requester;
  }

  /** A view of this client that signs with other credentials; it shares transport and stats. */
  withAuth(auth: Auth): OssClient {
    return new OssClient(
      { endpoint: this.#core.endpoint, auth, refreshMarginMs: this.#refreshMarginMs },
      this.#runtime,
      this.#core,
    );
  }

  /**
   * Opens an object as a file (see {@link OpenMode}); `auth` overrides the client's for it.
   *
   * @throws {ObjectNotAppendableError} mode `a` on an object that is not appendable.
   */
  open(
    bucket: string,
    key: string,
    mode: OpenMode,
    auth?: Auth,
    options: FileOptions = {},
  ): Promise<MediaFile> {
    const requester = auth === undefined ? this.#requester : this.#requesterFor(auth);
    return MediaFile.open(
      { requester, resolveSource: this.#runtime.resolveSource },
      bucket,
      key,
      mode,
      options,
    );
  }

  /** HeadObject. @throws {NotFoundError} */
  headObject(bucket: string, key: string, options?: { signal?: AbortSignal }): Promise<ObjectStat> {
    return headObject(this.#requester, bucket, key, options);
  }

  /** GetObject, whole or a range `[start, end]`. @throws {NotFoundError} */
  getObject(
    bucket: string,
    key: string,
    options?: Parameters<typeof getObject>[3],
  ): Promise<GetResult> {
    return getObject(this.#requester, bucket, key, options);
  }

  /** PutObject: replaces the object. */
  putObject(
    bucket: string,
    key: string,
    body: Uint8Array,
    options?: WriteOptions,
  ): Promise<WriteResult> {
    return putObject(this.#requester, bucket, key, body, options);
  }

  /**
   * One raw AppendObject, without the exactly-once bookkeeping of a file opened in mode `a`.
   * @throws {PositionMismatchError}
   */
  appendObject(
    bucket: string,
    key: string,
    position: number,
    body: Uint8Array,
    options?: WriteOptions,
  ): Promise<AppendResult> {
    return appendObject(this.#requester, bucket, key, position, body, options);
  }

  /** DeleteObject (a missing object is not an error). */
  deleteObject(bucket: string, key: string, options?: { signal?: AbortSignal }): Promise<void> {
    return deleteObject(this.#requester, bucket, key, options);
  }

  /** PutBucket with an optional ACL. @throws {ConflictError} BucketAlreadyExists */
  createBucket(bucket: string, options?: CreateBucketOptions): Promise<void> {
    return createBucket(this.#requester, bucket, options);
  }

  /** DeleteBucket. @throws {ConflictError} BucketNotEmpty */
  deleteBucket(bucket: string, options?: { signal?: AbortSignal }): Promise<void> {
    return deleteBucket(this.#requester, bucket, options);
  }

  /** PutBucketLifecycle: replaces the bucket's rules. */
  putBucketLifecycle(bucket: string, rules: readonly LifecycleRule[]): Promise<void> {
    return putBucketLifecycle(this.#requester, bucket, rules);
  }

  /** GetBucketLifecycle. @throws {NotFoundError} NoSuchLifecycle */
  getBucketLifecycle(bucket: string): Promise<LifecycleRule[]> {
    return getBucketLifecycle(this.#requester, bucket);
  }

  /** DeleteBucketLifecycle. */
  deleteBucketLifecycle(bucket: string): Promise<void> {
    return deleteBucketLifecycle(this.#requester, bucket);
  }

  /** Every page of a ListObjectsV2 listing. */
  listObjectPages(bucket: string, options?: ListOptions): AsyncGenerator<ListPage> {
    return listObjectPages(this.#requester, bucket, options);
  }

  /**
   * Every object of a listing, across pages.
   *
   * @example
   * for await (const object of client.listObjects('videos', { prefix: 'cam-42/' })) {
   *   console.log(object.key, object.size, object.type);
   * }
   */
  async *listObjects(bucket: string, options?: ListOptions): AsyncGenerator<ObjectSummary> {
    for await (const page of this.listObjectPages(bucket, options)) yield* page.objects;
  }

  /** A presigned GET URL, for playback. */
  presignGetUrl(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return presignUrl(this.#requester, 'GET', bucket, key, options);
  }

  /** A presigned PUT URL, for browser uploads (sign the Content-Type the browser sends). */
  presignPutUrl(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return presignUrl(this.#requester, 'PUT', bucket, key, options);
  }

  /** Closes the connections of a transport the client created itself. */
  async close(): Promise<void> {
    if (this.#ownsTransport) await this.#core.transport.close?.();
  }

  #requesterFor(auth: Auth): Requester {
    const core = this.#core;
    const state = authState(auth, {
      now: () => core.now() + core.clockOffsetMs,
      marginMs: this.#refreshMarginMs,
      onRefresh: (reason) => {
        core.stats.refreshes += 1;
        core.emit({ type: 'refresh', reason });
      },
    });
    return new Requester(core, state);
  }
}

function coreOf(options: ClientOptions, runtime: Runtime): ClientCore {
  const endpoint = new URL(String(options.endpoint));
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new TypeError(`endpoint: expected an http(s) URL, got ${String(options.endpoint)}`);
  }
  const signatureVersion = options.signatureVersion ?? 'v1';
  if (signatureVersion === 'v4' && !options.region) {
    throw new TypeError('region: required with signatureVersion v4');
  }
  const onEvent = options.onEvent;
  return {
    transport: options.transport ?? runtime.defaultTransport(),
    endpoint,
    pathStyle: options.pathStyle ?? isLocalHost(endpoint.hostname),
    signatureVersion,
    region: options.region,
    retry: retryPolicy(options.retry),
    timeoutMs: options.timeoutMs ?? 60_000,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    crc64: runtime.crc64 ?? crc64,
    clockOffsetMs: 0,
    stats: {
      requests: 0,
      retries: 0,
      refreshes: 0,
      reconciliations: 0,
      bytesSent: 0,
      bytesReceived: 0,
    },
    emit: onEvent === undefined ? () => {} : (event) => onEvent(event),
  };
}

function isLocalHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[')
  );
}

/** Options of the top-level `open()`: a client's options plus the object and mode. */
export interface OpenOptions extends ClientOptions, FileOptions {
  bucket: string;
  key: string;
  mode: OpenMode;
}

/** Opens a file on a client of its own, closed with the file. */
export async function openWith(options: OpenOptions, runtime: Runtime): Promise<MediaFile> {
  const client = new OssClient(options, runtime);
  const { bucket, key, mode } = options;
  const fileOptions: FileOptions = {};
  if (options.contentType !== undefined) fileOptions.contentType = options.contentType;
  if (options.metadata !== undefined) fileOptions.metadata = options.metadata;
  if (options.signal !== undefined) fileOptions.signal = options.signal;
  try {
    return await MediaFile.open(
      {
        requester: client.requester,
        resolveSource: runtime.resolveSource,
        onClose: () => client.close(),
      },
      bucket,
      key,
      mode,
      fileOptions,
    );
  } catch (error) {
    await client.close();
    throw error;
  }
}
