import { describe, OssSignError } from './errors.js';
import { ALGORITHM_V4 } from './v4.js';

/** The parts of an Authorization header. */
export type ParsedAuthorization =
  | { version: 'v1'; accessKeyId: string; signature: string }
  | {
      version: 'v4';
      accessKeyId: string;
      day: string;
      region: string;
      product: string;
      additionalHeaders: string[];
      signature: string;
    };

/** The signing parameters of a presigned URL's query. */
export type ParsedPresign =
  | {
      version: 'v1';
      accessKeyId: string;
      expires: number;
      signature: string;
      securityToken?: string;
    }
  | {
      version: 'v4';
      accessKeyId: string;
      day: string;
      region: string;
      isoDate: string;
      expires: number;
      additionalHeaders: string[];
      signature: string;
      securityToken?: string;
    };

const invalid = (message: string) => new OssSignError('InvalidAuthorization', message);
const invalidQuery = (message: string) => new OssSignError('InvalidPresignedQuery', message);

/** `ak/yyyymmdd/region/product/aliyun_v4_request`; the key id is everything before the scope. */
function parseCredential(credential: string, fail: (m: string) => OssSignError) {
  const parts = credential.split('/');
  if (parts.length < 5) throw fail(`Credential has too few parts: ${JSON.stringify(credential)}`);
  const [day, region, product, terminator] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (accessKeyId === '') throw fail('Credential has no AccessKeyId');
  if (!/^\d{8}$/.test(day)) throw fail(`Credential date is not yyyymmdd: ${JSON.stringify(day)}`);
  if (region === '' || product === '') throw fail('Credential has an empty region or product');
  if (terminator !== 'aliyun_v4_request') {
    throw fail(`Credential does not end in aliyun_v4_request: ${JSON.stringify(terminator)}`);
  }
  return { accessKeyId, day, region, product };
}

function splitHeaderList(list: string | undefined): string[] {
  if (list === undefined) return [];
  return list
    .split(';')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * Splits an Authorization header into its parts: V1 `OSS ak:signature`, or V4 in either
 * spelling the SDKs use (`Credential=…,AdditionalHeaders=…,Signature=…` without spaces, or
 * with `, ` separators in any field order). It checks form only; verifying is the caller's job.
 *
 * @throws {OssSignError} code `InvalidAuthorization` when the header is malformed.
 * @example
 * parseAuthorization('OSS ak:c2ln') // { version: 'v1', accessKeyId: 'ak', signature: 'c2ln' }
 */
export function parseAuthorization(header: string): ParsedAuthorization {
  if (typeof header !== 'string') {
    throw new TypeError(`header must be a string, got ${describe(header)}`);
  }
  const text = header.trim();

  if (text.startsWith('OSS ')) {
    const m = /^OSS ([^:\s]+):(\S+)$/.exec(text);
    if (!m) throw invalid('V1 Authorization must be "OSS <AccessKeyId>:<Signature>"');
    return { version: 'v1', accessKeyId: m[1]!, signature: m[2]! };
  }
  if (!text.startsWith(`${ALGORITHM_V4} `)) {
    throw invalid('Authorization must start with "OSS " or "OSS4-HMAC-SHA256 "');
  }

  const fields = new Map<string, string>();
  for (const field of text.slice(ALGORITHM_V4.length + 1).split(',')) {
    const trimmed = field.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0)
      throw invalid(`V4 Authorization field is not name=value: ${JSON.stringify(trimmed)}`);
    const name = trimmed.slice(0, eq).trim();
    if (fields.has(name)) throw invalid(`V4 Authorization repeats ${name}`);
    fields.set(name, trimmed.slice(eq + 1).trim());
  }

  const credential = fields.get('Credential');
  const signature = fields.get('Signature');
  if (credential === undefined) throw invalid('V4 Authorization has no Credential');
  if (signature === undefined || !/^[0-9a-f]+$/i.test(signature)) {
    throw invalid('V4 Authorization has no hexadecimal Signature');
  }
  return {
    version: 'v4',
    ...parseCredential(credential, invalid),
    additionalHeaders: splitHeaderList(fields.get('AdditionalHeaders')),
    signature,
  };
}

function parseSeconds(value: string | undefined, name: string): number {
  if (value === undefined || !/^\d{1,15}$/.test(value)) {
    throw invalidQuery(`${name} must be a whole number of seconds, got ${describe(value)}`);
  }
  return Number(value);
}

function required(query: Record<string, string>, name: string): string {
  const value = query[name];
  if (value === undefined || value === '') throw invalidQuery(`presigned query has no ${name}`);
  return value;
}

/**
 * The signing parameters of a presigned URL's decoded query, or `undefined` when the query is
 * not presigned at all. V1 is recognized by `OSSAccessKeyId` or `Signature`, V4 by any
 * `x-oss-signature*` or `x-oss-credential` parameter. `expires` is absolute Unix seconds for
 * V1 and a lifetime in seconds from `isoDate` for V4, as on the wire.
 *
 * @throws {OssSignError} code `InvalidPresignedQuery` when it is presigned but incomplete.
 */
export function parsePresignedQuery(query: Record<string, string>): ParsedPresign | undefined {
  if (query === null || typeof query !== 'object') {
    throw new TypeError(`query must be an object, got ${describe(query)}`);
  }

  const isV4 =
    query['x-oss-signature-version'] !== undefined ||
    query['x-oss-signature'] !== undefined ||
    query['x-oss-credential'] !== undefined;
  if (isV4) {
    const version = required(query, 'x-oss-signature-version');
    if (version !== ALGORITHM_V4) throw invalidQuery(`unknown x-oss-signature-version ${version}`);
    const credential = parseCredential(required(query, 'x-oss-credential'), invalidQuery);
    const isoDate = required(query, 'x-oss-date');
    if (!/^\d{8}T\d{6}Z$/.test(isoDate)) throw invalidQuery('x-oss-date is not yyyymmddTHHMMSSZ');
    const signature = required(query, 'x-oss-signature');
    const securityToken = query['x-oss-security-token'];
    return {
      version: 'v4',
      accessKeyId: credential.accessKeyId,
      day: credential.day,
      region: credential.region,
      isoDate,
      expires: parseSeconds(query['x-oss-expires'], 'x-oss-expires'),
      additionalHeaders: splitHeaderList(query['x-oss-additional-headers']),
      signature,
      ...(securityToken === undefined ? {} : { securityToken }),
    };
  }

  if (query.OSSAccessKeyId === undefined && query.Signature === undefined) return undefined;
  const securityToken = query['security-token'];
  return {
    version: 'v1',
    accessKeyId: required(query, 'OSSAccessKeyId'),
    expires: parseSeconds(query.Expires, 'Expires'),
    signature: required(query, 'Signature'),
    ...(securityToken === undefined ? {} : { securityToken }),
  };
}
