import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePolicy } from '@oss-media/sts';
import type { RoleConfig } from './accounts.js';
import { createMockOss } from './node.js';
import { isValidBucketName } from './parse.js';
import type { RequestLogEntry } from './request-log.js';
import type { Store } from './store/types.js';

const USAGE = `Usage: mock-oss [options]

An OSS + STS server for tests.

Options:
  --host HOST                 address to listen on (default 127.0.0.1)
  --port PORT                 port (default 9000; 0 picks a free one)
  --access-key-id ID          root AccessKeyId (default mock-access-key-id)
  --access-key-secret SECRET  root AccessKeySecret (default mock-access-key-secret)
  --region REGION             region, e.g. cn-hangzhou (default)
  --data-dir DIR              keep buckets and objects on disk in DIR
  --no-auth                   accept every request without checking signatures
  --bucket NAME               create a bucket at start (repeatable)
  --role ARN[=POLICY.json]    a RAM role for STS (repeatable; default: one allow-all role)
  --cname HOST=BUCKET         serve BUCKET for requests whose Host is HOST (repeatable)
  --storage-limit BYTES       refuse writes beyond this many stored bytes
  --cors-allow-all            buckets without CORS rules allow every origin
  --quiet                     no per-request log lines
  -h, --help                  this text
`;

/** Parsed command line. */
export interface CliOptions {
  host: string;
  port: number;
  accessKeyId?: string;
  accessKeySecret?: string;
  region?: string;
  dataDir?: string;
  noAuth: boolean;
  buckets: string[];
  roles: RoleConfig[];
  cname: Record<string, string>;
  storageLimit?: number;
  corsAllowAll: boolean;
  quiet: boolean;
}

/**
 * Parses the command line.
 * @throws Error with a message meant for the user (bad flag, invalid bucket name, unreadable
 *   policy file).
 */
export function parseCli(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9000' },
      'access-key-id': { type: 'string' },
      'access-key-secret': { type: 'string' },
      region: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-auth': { type: 'boolean', default: false },
      bucket: { type: 'string', multiple: true, default: [] },
      role: { type: 'string', multiple: true, default: [] },
      cname: { type: 'string', multiple: true, default: [] },
      'storage-limit': { type: 'string' },
      'cors-allow-all': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port number: ${values.port}`);
  const buckets = values.bucket as string[];
  for (const name of buckets) {
    if (!isValidBucketName(name))
      throw new Error(
        `invalid bucket name "${name}": use 3-63 of a-z, 0-9 and '-', ` +
          'starting and ending with a letter or digit',
      );
  }
  const options: CliOptions = {
    host: values.host as string,
    port,
    noAuth: values['no-auth'] === true,
    buckets,
    roles: (values.role as string[]).map(parseRole),
    cname: Object.fromEntries((values.cname as string[]).map(parseCname)),
    corsAllowAll: values['cors-allow-all'] === true,
    quiet: values.quiet === true,
  };
  if (values['access-key-id'] !== undefined) options.accessKeyId = values['access-key-id'];
  if (values['access-key-secret'] !== undefined)
    options.accessKeySecret = values['access-key-secret'];
  if (values.region !== undefined) options.region = values.region;
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values['storage-limit'] !== undefined) {
    const limit = Number(values['storage-limit']);
    if (!Number.isFinite(limit) || limit <= 0)
      throw new Error(`--storage-limit: not a byte count: ${values['storage-limit']}`);
    options.storageLimit = limit;
  }
  return options;
}

function parseRole(text: string): RoleConfig {
  const equals = text.indexOf('=');
  const arn = equals < 0 ? text : text.slice(0, equals);
  if (!/^acs:ram::\d+:role\/[A-Za-z0-9.@_-]+$/i.test(arn)) {
    throw new Error(`--role: not a role ARN (acs:ram::<uid>:role/<name>): ${arn}`);
  }
  if (equals < 0)
    return {
      arn,
      policy: {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      } as RoleConfig['policy'],
    };
  const file = text.slice(equals + 1);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--role: cannot read policy file ${file}: ${(error as Error).message}`);
  }
  try {
    return { arn, policy: parsePolicy(source) };
  } catch (error) {
    throw new Error(`--role: invalid policy in ${file}: ${(error as Error).message}`);
  }
}

function parseCname(text: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0 || equals === text.length - 1)
    throw new Error(`--cname: expected HOST=BUCKET, got ${text}`);
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/** One log line per request: time, status, operation, method, path, error code. */
export function formatLogLine(entry: RequestLogEntry): string {
  const time = new Date(entry.time).toISOString();
  const error = entry.errorCode ? ` ${entry.errorCode}` : '';
  return `${time} ${entry.status} ${entry.operation} ${entry.method} ${entry.path}${error}`;
}

/** Runs the CLI; resolves when the server has stopped (after SIGINT or SIGTERM). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let cli: CliOptions | 'help';
  try {
    cli = parseCli(argv);
  } catch (error) {
    process.stderr.write(`mock-oss: ${(error as Error).message} (see mock-oss --help)\n`);
    return 2;
  }
  if (cli === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  try {
    return await serve(cli);
  } catch (error) {
    process.stderr.write(`mock-oss: ${describeFailure(error, cli)}\n`);
    return 1;
  }
}

/**
 * One line for a failure to start: the common socket errors in words, otherwise the error's
 * own message (never a stack).
 */
export function describeFailure(error: unknown, cli: Pick<CliOptions, 'host' | 'port'>): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `port ${cli.port} on ${cli.host}`;
  if (code === 'EADDRINUSE') return `${where} is already in use`;
  if (code === 'EACCES') return `${where}: permission denied (ports below 1024 need privileges)`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `cannot listen on ${cli.host}: no such local address`;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

async function serve(cli: CliOptions): Promise<number> {
  let store: Store | undefined;
  if (cli.dataDir !== undefined) {
    const { DiskStore } = await import('./store/disk.js');
    store = await DiskStore.open(cli.dataDir);
  }
  const quiet = cli.quiet;
  const mock = createMockOss({
    ...(cli.accessKeyId !== undefined ? { accessKeyId: cli.accessKeyId } : {}),
    ...(cli.accessKeySecret !== undefined ? { accessKeySecret: cli.accessKeySecret } : {}),
    ...(cli.region !== undefined ? { region: cli.region } : {}),
    ...(cli.roles.length > 0 ? { roles: cli.roles } : {}),
    ...(store ? { store } : {}),
    ...(cli.storageLimit !== undefined ? { storageLimit: cli.storageLimit } : {}),
    noAuth: cli.noAuth,
    buckets: cli.buckets,
    cname: cli.cname,
    cors: cli.corsAllowAll ? 'allow-all' : 'bucket',
    onRequest: quiet ? undefined : (entry) => process.stdout.write(`${formatLogLine(entry)}\n`),
  } as Parameters<typeof createMockOss>[0]);
  await mock.ready;
  let server: Awaited<ReturnType<typeof mock.listen>>;
  try {
    server = await mock.listen({ host: cli.host, port: cli.port });
  } catch (error) {
    await mock.close();
    throw error;
  }

  process.stdout.write(
    [
      `mock-oss listening`,
      `  OSS endpoint:      ${server.url}`,
      `  STS endpoint:      ${server.stsUrl}`,
      `  region:            ${mock.region}`,
      `  AccessKeyId:       ${mock.credentials.accessKeyId}`,
      `  AccessKeySecret:   ${mock.credentials.accessKeySecret}`,
      `  auth:              ${cli.noAuth ? 'off (--no-auth)' : 'signatures checked'}`,
      `  storage:           ${cli.dataDir ?? 'memory'}`,
      `  buckets:           ${cli.buckets.join(', ') || '(none)'}`,
      ...mock.roleArns.map(
        (arn, index) => `  ${index === 0 ? 'role ARNs:        ' : '                   '} ${arn}`,
      ),
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await mock.close();
  if (!quiet) process.stdout.write('mock-oss stopped\n');
  return 0;
}
