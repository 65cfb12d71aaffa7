import { CliError } from './errors.js';

/** A parsed `oss://bucket/key` address. `key` is '' for the bucket itself. */
export interface OssAddress {
  bucket: string;
  key: string;
}

// The service's bucket naming rule: 3–63 of lower-case letters, digits and '-', not at the ends.
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Checks a bucket name given as a flag.
 *
 * @throws CliError code 'InvalidBucketName' (exit code 2).
 */
export function checkBucketName(name: string, flag = '--bucket'): string {
  if (!BUCKET_NAME.test(name)) {
    throw new CliError(
      'InvalidBucketName',
      `${flag}: invalid bucket name "${name}": a bucket name is 3-63 lower-case letters, ` +
        'digits and hyphens, starting and ending with a letter or digit',
      { exitCode: 2 },
    );
  }
  return name;
}

/**
 * Parses `oss://bucket/key`. The key is taken as written (not percent-decoded), because object
 * keys are opaque bytes and a `%` in one is legitimate.
 *
 * @throws CliError code 'InvalidOssUrl' (exit code 2) naming what is wrong.
 * @example
 * parseOssUrl('oss://media/videos/cam-1/a.mp4') // { bucket: 'media', key: 'videos/cam-1/a.mp4' }
 */
export function parseOssUrl(text: string, options: { requireKey?: boolean } = {}): OssAddress {
  const fail = (why: string): never => {
    throw new CliError('InvalidOssUrl', `invalid OSS address '${text}': ${why}`, { exitCode: 2 });
  };

  if (!text.startsWith('oss://')) fail('expected oss://bucket/key');
  const rest = text.slice('oss://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);

  if (bucket === '') fail('the bucket name is missing');
  if (!BUCKET_NAME.test(bucket)) {
    fail('a bucket name is 3-63 lower-case letters, digits and hyphens');
  }
  if (options.requireKey && key === '') fail('an object key is required after the bucket');
  if (key.length > 1023) fail('an object key is at most 1023 bytes');
  return { bucket, key };
}

/** Formats a bucket and key back into an `oss://` address. */
export function formatOssUrl(address: OssAddress): string {
  return `oss://${address.bucket}/${address.key}`;
}
