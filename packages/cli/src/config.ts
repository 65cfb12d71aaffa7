import { CliError } from './errors.js';

/** Access keys as OSS and STS take them (permanent, or temporary with a security token). */
export interface AccessKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Where and as whom a command talks to OSS. */
export interface Connection {
  endpoint: string;
  credentials: AccessKeys;
  region: string;
}

/** The global flags every OSS command accepts (commander's camelCase names). */
export interface ConnectionFlags {
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  region?: string;
}

/** The environment variables the command line reads, in one place. */
export const ENV = {
  endpoint: 'OSS_ENDPOINT',
  accessKeyId: 'OSS_ACCESS_KEY_ID',
  accessKeySecret: 'OSS_ACCESS_KEY_SECRET',
  securityToken: 'OSS_SESSION_TOKEN',
  region: 'OSS_REGION',
  roleArn: 'OSS_ROLE_ARN',
  stsEndpoint: 'OSS_STS_ENDPOINT',
} as const;

const DEFAULT_REGION = 'cn-hangzhou';

/** Reads a non-empty environment variable. */
export function fromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Flags first, then the environment. The endpoint must be an http(s) URL; a bare host name
 * gets `https://`.
 *
 * @throws CliError 'MissingEndpoint' / 'MissingCredentials' / 'InvalidEndpoint' (exit code 2).
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const endpoint = flags.endpoint ?? fromEnv(ENV.endpoint, env);
  if (endpoint === undefined) {
    throw new CliError(
      'MissingEndpoint',
      `no endpoint: pass --endpoint or set ${ENV.endpoint} (run 'oss-media serve' for a local one)`,
      { exitCode: 2 },
    );
  }

  const accessKeyId = flags.accessKeyId ?? fromEnv(ENV.accessKeyId, env);
  const accessKeySecret = flags.accessKeySecret ?? fromEnv(ENV.accessKeySecret, env);
  if (accessKeyId === undefined || accessKeySecret === undefined) {
    throw new CliError(
      'MissingCredentials',
      `no credentials: pass --access-key-id and --access-key-secret or set ` +
        `${ENV.accessKeyId} and ${ENV.accessKeySecret}`,
      { exitCode: 2 },
    );
  }

  const credentials: AccessKeys = { accessKeyId, accessKeySecret };
  const securityToken = flags.securityToken ?? fromEnv(ENV.securityToken, env);
  if (securityToken !== undefined) credentials.securityToken = securityToken;

  const region = flags.region ?? fromEnv(ENV.region, env) ?? regionOf(endpoint) ?? DEFAULT_REGION;
  return { endpoint: normalizeEndpoint(endpoint), credentials, region };
}

/** `oss-cn-shanghai.aliyuncs.com` → `cn-shanghai`; undefined for other hosts. */
export function regionOf(endpoint: string): string | undefined {
  return /(?:^|\/\/|\.)oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com/.exec(endpoint)?.[1];
}

/**
 * Adds `https://` to a bare host and checks the result parses as a URL.
 *
 * @throws CliError 'InvalidEndpoint'.
 */
export function normalizeEndpoint(endpoint: string): string {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint);
  const withScheme = hasScheme ? endpoint : `https://${endpoint}`;
  const invalid = () =>
    new CliError(
      'InvalidEndpoint',
      `invalid endpoint '${endpoint}': expected an http(s) URL such as http://127.0.0.1:9000 ` +
        'or a host name such as oss-cn-hangzhou.aliyuncs.com',
      { exitCode: 2 },
    );
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid();
  }
  // Without a scheme, a bare word is a typo far more often than a host on the search domain;
  // with one (http://mock:9000 in a compose network) a single-label host is taken as given.
  const host = url.hostname;
  const dotted = host.includes('.') || host.includes(':') || host === 'localhost';
  if (host === '' || (!hasScheme && !dotted)) throw invalid();
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('InvalidEndpoint', `endpoint must be http or https: '${endpoint}'`, {
      exitCode: 2,
    });
  }
  return withScheme.replace(/\/+$/, '');
}
