/**
 * A Testcontainers module for the mock-oss image: starts the server in a container, waits until
 * it answers, and hands back its endpoint, STS endpoint, credentials and role.
 *
 * Host networking is the default, because it is the one mode that works where Docker runs
 * without iptables (CI sandboxes): the server listens on a free loopback port picked before
 * the container starts, and tests talk to 127.0.0.1 only. {@link MockOssContainer.withHostNetwork}
 * `(false)` switches to the usual mapped port, for Docker Desktop.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import {
  AbstractStartedContainer,
  GenericContainer,
  type StartedTestContainer,
  Wait,
  type WaitStrategy,
} from 'testcontainers';

/** The image name the README's build command tags. */
export const MOCK_OSS_IMAGE = 'oss-media/mock-oss:latest';

/** The port the server listens on inside the container when it is not on the host network. */
export const MOCK_OSS_CONTAINER_PORT = 9000;

/**
 * The server's unsigned description of itself (credentials, region, roles, STS path): probed for
 * readiness, then read so that what the started container reports is what the server uses.
 */
const INFO_PATH = '/_mock/info';

/** How many free ports start() tries before giving up on a port race. */
const FREE_PORT_ATTEMPTS = 3;

/** Where role policies are copied inside the container. */
const POLICY_DIR = '/tmp/mock-oss-policies';

/** The root key pair of a mock-oss server. */
export interface MockOssCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

interface RoleSetting {
  arn: string;
  /** The policy document as JSON; none lets the server choose (it allows everything). */
  policyJson?: string;
}

/**
 * A mock-oss container, configured like the CLI.
 *
 * @example
 * const oss = await new MockOssContainer()
 *   .withCredentials('ak', 'sk')
 *   .withBucket('videos')
 *   .start();
 * const client = new OSS({
 *   endpoint: oss.getEndpoint(),
 *   ...oss.getCredentials(),
 *   bucket: 'videos',
 * });
 * // ...
 * await oss.stop();
 */
export class MockOssContainer extends GenericContainer {
  #credentials?: MockOssCredentials;
  #region?: string;
  #buckets: string[] = [];
  #roles: RoleSetting[] = [];
  #noAuth = false;
  #quiet = false;
  #corsAllowAll = false;
  #storageLimit?: number;
  #cnames: string[] = [];
  #dataDir = '';
  #hostNetwork = true;
  #port?: number;
  #reuseRequested = false;

  /** @param image an image built from packages/mock-oss/Dockerfile */
  constructor(image: string = MOCK_OSS_IMAGE) {
    super(image);
    this.withStartupTimeout(60_000);
  }

  /**
   * Sets the root key pair: it signs OSS requests and the AssumeRole call. Default: the CLI's
   * (`mock-access-key-id` / `mock-access-key-secret`).
   *
   * @throws {TypeError} when either part is empty
   */
  withCredentials(accessKeyId: string, accessKeySecret: string): this {
    if (!accessKeyId || !accessKeySecret) {
      throw new TypeError('withCredentials needs a non-empty access key id and secret');
    }
    this.#credentials = { accessKeyId, accessKeySecret };
    return this;
  }

  /** Creates a bucket at start; call once per bucket. */
  withBucket(name: string): this {
    if (!name || name.includes(',')) {
      throw new TypeError(`withBucket needs a bucket name, received ${JSON.stringify(name)}`);
    }
    this.#buckets.push(name);
    return this;
  }

  /** Sets the region the server reports and V4 signatures are scoped to (default: the CLI's). */
  withRegion(region: string): this {
    this.#region = region;
    return this;
  }

  /**
   * Adds a role that STS can hand out. Without a policy the role allows everything. The first
   * role added is the one {@link StartedMockOssContainer.getRoleArn} returns; with none, the
   * server creates one allow-everything role.
   *
   * @param arn `acs:ram::<uid>:role/<name>`
   * @param policy a policy document (object or JSON text)
   */
  withRole(arn: string, policy?: object | string): this {
    if (!/^acs:ram::\d+:role\/[^,=]+$/.test(arn)) {
      throw new TypeError(`withRole needs acs:ram::<uid>:role/<name>, received ${arn}`);
    }
    const policyJson = typeof policy === 'string' ? policy : JSON.stringify(policy);
    this.#roles.push(policy === undefined ? { arn } : { arn, policyJson });
    return this;
  }

  /** Accepts every request, signed or not. */
  withNoAuth(): this {
    this.#noAuth = true;
    return this;
  }

  /** Lets buckets without CORS rules answer every origin, for browser tests. */
  withCorsAllowAll(): this {
    this.#corsAllowAll = true;
    return this;
  }

  /** Caps the stored bytes; writes beyond the cap are refused with the service's error. */
  withStorageLimit(bytes: number): this {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new RangeError(`withStorageLimit needs a positive byte count, received ${bytes}`);
    }
    this.#storageLimit = bytes;
    return this;
  }

  /** Serves `bucket` for requests whose Host is `host` (CNAME-style access). */
  withCname(host: string, bucket: string): this {
    if (!host || !bucket || /[,=]/.test(host) || bucket.includes(',')) {
      throw new TypeError(`withCname needs a host and a bucket, received ${host} and ${bucket}`);
    }
    this.#cnames.push(`${host}=${bucket}`);
    return this;
  }

  /** Stops the server from printing a line per request (startup lines are still printed). */
  withQuiet(): this {
    this.#quiet = true;
    return this;
  }

  /**
   * Keeps buckets and objects on disk inside the container (the image's `/data` volume by
   * default) instead of in memory; bind-mount a host directory there to keep them across runs.
   */
  withDataDir(path = '/data'): this {
    this.#dataDir = path;
    return this;
  }

  /**
   * Chooses the host port. On the host network it is the port the server binds on 127.0.0.1;
   * otherwise the host side of the mapping. Default: a free port picked at start, or, with
   * {@link withReuse}, a port derived from the configuration so that the next run finds the same
   * container again.
   */
  withPort(port: number): this {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new RangeError(`withPort needs a TCP port, received ${port}`);
    }
    this.#port = port;
    return this;
  }

  /**
   * Host networking (the default) or a mapped port. Turn it off where host networking is not
   * available to containers, as on Docker Desktop. The mapped-port mode is not exercised by this
   * repository's tests, whose machines run Docker without iptables.
   */
  withHostNetwork(enabled = true): this {
    this.#hostNetwork = enabled;
    return this;
  }

  /**
   * Keeps the container running after the test run and hands it to the next run started with
   * the same configuration. Testcontainers' reuse applies: the configuration, port included,
   * must be identical, and the Ryuk reaper must not remove the container.
   */
  override withReuse(): this {
    this.#reuseRequested = true;
    return super.withReuse();
  }

  /**
   * Starts the container and waits until the server answers HTTP.
   *
   * @throws {Error} when the container exits or does not answer within the startup timeout
   *   (the message carries the end of the container's log)
   */
  override async start(): Promise<StartedMockOssContainer> {
    this.#configure();
    if (!this.#hostNetwork) return this.#startListeningOn(MOCK_OSS_CONTAINER_PORT);
    if (this.#port !== undefined) return this.#startListeningOn(this.#port);
    if (this.#reuseRequested) return this.#startListeningOn(this.#stablePort());

    // A port found free can be taken by another process before the server binds it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#startListeningOn(await freePort());
      } catch (error) {
        if (attempt >= FREE_PORT_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
      }
    }
  }

  /** Everything but the address, which a retry may change. */
  #configure(): void {
    const roleArgs = this.#roles.map((role, index) => this.#roleArgument(role, index));

    // Empty values leave the CLI's defaults in force.
    this.withEnvironment({
      MOCK_OSS_ACCESS_KEY_ID: this.#credentials?.accessKeyId ?? '',
      MOCK_OSS_ACCESS_KEY_SECRET: this.#credentials?.accessKeySecret ?? '',
      MOCK_OSS_REGION: this.#region ?? '',
      MOCK_OSS_DATA_DIR: this.#dataDir,
      MOCK_OSS_BUCKETS: this.#buckets.join(','),
      MOCK_OSS_ROLES: roleArgs.join(','),
      MOCK_OSS_NO_AUTH: String(this.#noAuth),
      MOCK_OSS_QUIET: String(this.#quiet),
      MOCK_OSS_CORS_ALLOW_ALL: String(this.#corsAllowAll),
      MOCK_OSS_STORAGE_LIMIT: this.#storageLimit === undefined ? '' : String(this.#storageLimit),
      MOCK_OSS_CNAMES: this.#cnames.join(','),
    });

    if (this.#hostNetwork) {
      this.withNetworkMode('host');
    } else {
      this.withExposedPorts(
        this.#port === undefined
          ? MOCK_OSS_CONTAINER_PORT
          : { container: MOCK_OSS_CONTAINER_PORT, host: this.#port },
      );
    }
  }

  /** Starts the server on `port` (inside the container, which is the host's on host network). */
  async #startListeningOn(port: number): Promise<StartedMockOssContainer> {
    this.withEnvironment({
      MOCK_OSS_HOST: this.#hostNetwork ? '127.0.0.1' : '0.0.0.0',
      MOCK_OSS_PORT: String(port),
    });
    this.withWaitStrategy(
      this.#hostNetwork
        ? new LoopbackAnswerWaitStrategy(`http://127.0.0.1:${port}${INFO_PATH}`)
        : Wait.forHttp(INFO_PATH, MOCK_OSS_CONTAINER_PORT).forStatusCode(200),
    );

    const started = await super.start();
    const endpoint = this.#hostNetwork
      ? `http://127.0.0.1:${port}`
      : `http://${started.getHost()}:${started.getMappedPort(MOCK_OSS_CONTAINER_PORT)}`;
    try {
      const info = await readServerInfo(endpoint);
      return new StartedMockOssContainer(started, { ...info, buckets: [...this.#buckets] });
    } catch (error) {
      await started.stop();
      throw error;
    }
  }

  /** `ARN` or `ARN=/path/of/policy.json`, copying the policy into the container. */
  #roleArgument(role: RoleSetting, index: number): string {
    if (role.policyJson === undefined) return role.arn;

    // The content hash is part of the name so that a changed policy also changes the
    // configuration that reuse compares.
    const digest = createHash('sha256').update(role.policyJson).digest('hex').slice(0, 12);
    const target = `${POLICY_DIR}/${index}-${digest}.json`;
    this.withCopyContentToContainer([{ content: role.policyJson, target, mode: 0o644 }]);
    return `${role.arn}=${target}`;
  }

  /** A port in 20000–29999 that depends only on the configuration. */
  #stablePort(): number {
    const configuration = JSON.stringify([
      this.#credentials,
      this.#region,
      this.#buckets,
      this.#roles,
      this.#noAuth,
      this.#quiet,
      this.#dataDir,
      this.#corsAllowAll,
      this.#storageLimit,
      this.#cnames,
    ]);
    const digest = createHash('sha256').update(configuration).digest();
    return 20_000 + (digest.readUInt32BE(0) % 10_000);
  }
}

/** What a test needs to know about a running mock-oss. */
interface StartedSettings {
  endpoint: string;
  credentials: MockOssCredentials;
  region: string;
  roleArns: string[];
  stsEndpointPath: string;
  buckets: string[];
}

/**
 * The settings the server reports about itself.
 *
 * @throws {Error} when the answer is not the JSON the server's control endpoint gives
 */
async function readServerInfo(endpoint: string): Promise<Omit<StartedSettings, 'buckets'>> {
  const response = await fetch(`${endpoint}${INFO_PATH}`, { signal: AbortSignal.timeout(5_000) });
  const body = await response.text();
  const info = (response.ok ? JSON.parse(body) : {}) as Partial<StartedSettings>;
  const valid =
    typeof info.credentials?.accessKeyId === 'string' &&
    typeof info.credentials.accessKeySecret === 'string' &&
    typeof info.region === 'string' &&
    Array.isArray(info.roleArns) &&
    info.roleArns.length > 0;
  if (!valid) {
    throw new Error(
      `mock-oss answered ${response.status} on ${INFO_PATH}, not its settings: ${body}`,
    );
  }
  return {
    endpoint,
    credentials: {
      accessKeyId: info.credentials!.accessKeyId,
      accessKeySecret: info.credentials!.accessKeySecret,
    },
    region: info.region!,
    roleArns: info.roleArns!,
    stsEndpointPath: info.stsEndpointPath ?? '/sts',
  };
}

/** A running mock-oss container. */
export class StartedMockOssContainer extends AbstractStartedContainer {
  readonly #settings: StartedSettings;

  constructor(started: StartedTestContainer, settings: StartedSettings) {
    super(started);
    this.#settings = settings;
  }

  /** The OSS endpoint, e.g. `http://127.0.0.1:41234` (path-style and virtual-host addressing). */
  getEndpoint(): string {
    return this.#settings.endpoint;
  }

  /** The STS endpoint for AssumeRole, on the same port: `<endpoint>/sts`. */
  getStsEndpoint(): string {
    return `${this.#settings.endpoint}${this.#settings.stsEndpointPath}`;
  }

  /** The root key pair the server uses. */
  getCredentials(): MockOssCredentials {
    return { ...this.#settings.credentials };
  }

  /** The region the server uses. */
  getRegion(): string {
    return this.#settings.region;
  }

  /** The first configured role, or the server's allow-everything role when none was. */
  getRoleArn(): string {
    return this.#settings.roleArns[0]!;
  }

  /** Every role STS can hand out, in the order configured. */
  getRoleArns(): string[] {
    return [...this.#settings.roleArns];
  }

  /** The buckets created at start. */
  getBuckets(): string[] {
    return [...this.#settings.buckets];
  }
}

interface InspectableContainer {
  inspect(): Promise<{ State: { Running: boolean; ExitCode: number } }>;
  logs(options: { stdout: true; stderr: true; tail: number }): Promise<Uint8Array>;
}

/**
 * Ready when the server answers any HTTP status on a loopback URL (the port-based strategies of
 * Testcontainers need a mapped port, which host networking does not have). Fails fast, with the
 * end of the log, when the container stops first: a taken port, a bad setting.
 */
class LoopbackAnswerWaitStrategy implements WaitStrategy {
  readonly #url: string;
  #startupTimeoutMs = 60_000;
  #startupTimeoutSet = false;

  constructor(url: string) {
    this.#url = url;
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.#startupTimeoutMs = startupTimeoutMs;
    this.#startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.#startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.#startupTimeoutMs;
  }

  async waitUntilReady(container: InspectableContainer): Promise<void> {
    const deadline = Date.now() + this.#startupTimeoutMs;

    for (;;) {
      if (await answers(this.#url)) return;

      const state = (await container.inspect()).State;
      if (!state.Running) {
        throw new Error(
          `mock-oss exited with code ${state.ExitCode} before answering on ${this.#url}:\n` +
            (await logTail(container)),
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `mock-oss did not answer on ${this.#url} within ${this.#startupTimeoutMs} ms:\n` +
            (await logTail(container)),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function logTail(container: InspectableContainer): Promise<string> {
  try {
    const raw = await container.logs({ stdout: true, stderr: true, tail: 20 });
    return demultiplex(raw);
  } catch {
    return '(no log available)';
  }
}

/** Docker's log stream frames each chunk with an 8-byte header when no TTY is attached. */
function demultiplex(raw: Uint8Array): string {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = new DataView(raw.buffer, raw.byteOffset + offset + 4, 4).getUint32(0);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A TCP port nothing listens on at this moment, on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}
