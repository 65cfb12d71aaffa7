import { buildPolicy, getToken, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS } from '@oss-media/sts';
import { type ConnectionFlags, ENV, fromEnv, resolveConnection } from '../config.js';
import { CliError, describeError } from '../errors.js';
import { type Io, println } from '../io.js';

/** The flags of `oss-media token`. */
export interface TokenFlags extends ConnectionFlags {
  bucket: string;
  path: string;
  mode: string;
  duration: number;
  roleArn?: string;
  stsEndpoint?: string;
  env?: boolean;
}

const PUBLIC_STS = 'https://sts.aliyuncs.com';

/**
 * The STS endpoint: the flag, then OSS_STS_ENDPOINT, then `<endpoint>/sts` when the OSS
 * endpoint is not Alibaba Cloud's (the mock serves STS there), else the public endpoint.
 */
export function stsEndpointFor(
  flag: string | undefined,
  ossEndpoint: string,
  env: NodeJS.ProcessEnv,
): string {
  const explicit = flag ?? fromEnv(ENV.stsEndpoint, env);
  if (explicit !== undefined) return explicit;
  return /\.aliyuncs\.com(?::\d+)?(?:\/|$)/.test(ossEndpoint) ? PUBLIC_STS : `${ossEndpoint}/sts`;
}

/** `oss-media token --bucket --path --mode --duration`: AssumeRole, printed as JSON. */
export async function tokenCommand(options: TokenFlags, io: Io): Promise<void> {
  checkTokenFlags(options);
  const connection = resolveConnection(options, io.env);
  const roleArn = options.roleArn ?? fromEnv(ENV.roleArn, io.env);
  if (roleArn === undefined) {
    throw new CliError('MissingRoleArn', `no role: pass --role-arn or set ${ENV.roleArn}`, {
      exitCode: 2,
    });
  }

  const token = await getToken({
    credentials: connection.credentials,
    roleArn,
    bucket: options.bucket,
    path: options.path,
    mode: options.mode,
    durationSeconds: options.duration,
    endpoint: stsEndpointFor(options.stsEndpoint, connection.endpoint, io.env),
  });

  if (options.env) {
    println(io.stdout, `export ${ENV.accessKeyId}='${token.accessKeyId}'`);
    println(io.stdout, `export ${ENV.accessKeySecret}='${token.accessKeySecret}'`);
    println(io.stdout, `export ${ENV.securityToken}='${token.securityToken ?? ''}'`);
    return;
  }
  const output = {
    accessKeyId: token.accessKeyId,
    accessKeySecret: token.accessKeySecret,
    securityToken: token.securityToken,
    expiration: token.expiration.toISOString(),
    bucket: options.bucket,
    path: options.path,
    mode: options.mode,
    policy: token.policy,
  };
  println(io.stdout, JSON.stringify(output, null, 2));
}

/**
 * Checks the flags that need no service before anything is sent: bad usage exits 2.
 *
 * @throws CliError 'InvalidDuration' / 'InvalidPolicy' (exit code 2).
 */
export function checkTokenFlags(
  options: Pick<TokenFlags, 'bucket' | 'path' | 'mode' | 'duration'>,
) {
  checkDuration('--duration', options.duration);
  try {
    buildPolicy({ bucket: options.bucket, path: options.path, mode: options.mode });
  } catch (error) {
    throw new CliError('InvalidPolicy', describeError(error), { exitCode: 2 });
  }
}

/**
 * Checks a token lifetime against what STS allows.
 *
 * @throws CliError 'InvalidDuration' (exit code 2) naming the flag.
 */
export function checkDuration(flag: string, seconds: number): void {
  if (
    !Number.isInteger(seconds) ||
    seconds < MIN_DURATION_SECONDS ||
    seconds > MAX_DURATION_SECONDS
  ) {
    throw new CliError(
      'InvalidDuration',
      `${flag} must be ${MIN_DURATION_SECONDS}..${MAX_DURATION_SECONDS} seconds, got ${seconds}`,
      { exitCode: 2 },
    );
  }
}
