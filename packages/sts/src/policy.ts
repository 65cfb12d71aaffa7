/**
 * Session policy documents: their shape, a grammar check, and a builder for the common media
 * cases (read, write, append, delete, list under one path of one bucket).
 */
import { StsError } from './errors.js';
import { isIpBlock } from './ip.js';

/** One statement of a policy document (protocol §10). */
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  /** Operator → condition key → accepted value(s): `{ StringLike: { 'oss:Prefix': 'a/*' } }` */
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A RAM/STS policy document. */
export interface PolicyDocument {
  Version: '1';
  Statement: PolicyStatement[];
}

/** Condition operators this package understands; `parsePolicy` rejects any other. */
export const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'IpAddress',
  'NotIpAddress',
]);

/** The most characters STS accepts in a serialized session policy. */
export const MAX_POLICY_LENGTH = 2048;

const STATEMENT_KEYS = new Set(['Effect', 'Action', 'Resource', 'Condition']);
const IP_OPERATORS = new Set(['IpAddress', 'NotIpAddress']);

function grammarError(message: string): StsError {
  return new StsError('InvalidParameter.PolicyGrammar', `policy grammar: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseNameList(value: unknown, where: string): string | string[] {
  if (typeof value === 'string') {
    if (value === '') throw grammarError(`${where} is an empty string`);
    return value;
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw grammarError(`${where} must be a string or a non-empty list of strings`);
  }
  for (const item of value) {
    if (typeof item !== 'string' || item === '') {
      throw grammarError(`${where} holds ${JSON.stringify(item)}, not a non-empty string`);
    }
  }
  return [...(value as string[])];
}

function parseCondition(value: unknown, where: string): PolicyStatement['Condition'] {
  if (!isRecord(value)) throw grammarError(`${where} must be an object`);
  const condition: NonNullable<PolicyStatement['Condition']> = {};
  for (const [operator, entries] of Object.entries(value)) {
    if (!CONDITION_OPERATORS.has(operator)) {
      throw grammarError(`${where} uses unknown operator ${JSON.stringify(operator)}`);
    }
    if (!isRecord(entries) || Object.keys(entries).length === 0) {
      throw grammarError(`${where}.${operator} must be a non-empty object`);
    }
    const parsed: Record<string, string | string[]> = {};
    for (const [key, accepted] of Object.entries(entries)) {
      const ok =
        typeof accepted === 'string' ||
        (Array.isArray(accepted) &&
          accepted.length > 0 &&
          accepted.every((v) => typeof v === 'string'));
      if (!ok) {
        throw grammarError(`${where}.${operator}.${key} must be a string or a list of strings`);
      }
      const values: string[] = Array.isArray(accepted) ? accepted : [accepted];
      if (IP_OPERATORS.has(operator) && !values.every(isIpBlock)) {
        throw grammarError(`${where}.${operator}.${key} must hold IP addresses or CIDR blocks`);
      }
      parsed[key] = Array.isArray(accepted) ? [...accepted] : accepted;
    }
    condition[operator] = parsed;
  }
  return condition;
}

function parseStatement(value: unknown, index: number): PolicyStatement {
  const where = `Statement[${index}]`;
  if (!isRecord(value)) throw grammarError(`${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.has(key)) {
      throw grammarError(`${where} has unsupported field ${JSON.stringify(key)}`);
    }
  }
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    throw grammarError(`${where}.Effect must be "Allow" or "Deny"`);
  }
  const statement: PolicyStatement = {
    Effect: value.Effect,
    Action: parseNameList(value.Action, `${where}.Action`),
    Resource: parseNameList(value.Resource, `${where}.Resource`),
  };
  if (value.Condition !== undefined) {
    statement.Condition = parseCondition(value.Condition, `${where}.Condition`);
  }
  return statement;
}

/**
 * Checks a policy document (JSON text or an already parsed value) against the grammar and
 * returns a fresh, typed copy. Statement fields other than Effect, Action, Resource and
 * Condition (NotAction, Principal, ...) are rejected, as are unknown condition operators: a
 * policy this package cannot evaluate faithfully must not be accepted silently.
 *
 * @throws {StsError} code `InvalidParameter.PolicyGrammar`, naming the offending part.
 * @example parsePolicy('{"Version":"1","Statement":[...]}')
 */
export function parsePolicy(input: string | unknown): PolicyDocument {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new StsError('InvalidParameter.PolicyGrammar', 'policy grammar: not valid JSON', {
        cause: error,
      });
    }
  }
  if (!isRecord(value)) throw grammarError('the document must be a JSON object');
  for (const key of Object.keys(value)) {
    if (key !== 'Version' && key !== 'Statement') {
      throw grammarError(`unsupported top-level field ${JSON.stringify(key)}`);
    }
  }
  if (value.Version !== '1') throw grammarError('Version must be "1"');
  if (!Array.isArray(value.Statement) || value.Statement.length === 0) {
    throw grammarError('Statement must be a non-empty list');
  }
  return { Version: '1', Statement: value.Statement.map(parseStatement) };
}

// ---- building

/** Mode letters of `buildPolicy` and the OSS action each grants on objects. */
export const MODE_ACTIONS: Readonly<Record<string, string>> = {
  r: 'oss:GetObject',
  w: 'oss:PutObject',
  a: 'oss:PutObject',
  d: 'oss:DeleteObject',
};

const OBJECT_ACTION_ORDER = ['oss:GetObject', 'oss:PutObject', 'oss:DeleteObject'];
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const DOT_SEGMENT = /(^|[/\\])\.\.?([/\\]|$)/;

/** The object resource ARN of a key or key pattern. */
export function objectResource(bucket: string, key: string): string {
  return `acs:oss:*:*:${bucket}/${key}`;
}

/** The bucket resource ARN (listing, bucket configuration). */
export function bucketResource(bucket: string): string {
  return `acs:oss:*:*:${bucket}`;
}

/**
 * Normalizes a grant path: a path ending in `/` means everything below it (`path*`).
 *
 * @throws {TypeError} when the path is empty, starts with `/` or holds a `.`/`..` segment.
 */
export function normalizeGrantPath(path: string): string {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`path must be a non-empty string, received ${JSON.stringify(path)}`);
  }
  if (path.startsWith('/')) {
    throw new TypeError(`path must not start with "/" (object keys do not), received "${path}"`);
  }
  if (DOT_SEGMENT.test(path)) {
    throw new TypeError(`path must not contain "." or ".." segments, received "${path}"`);
  }
  return path.endsWith('/') ? `${path}*` : path;
}

function modeActions(mode: string): { objectActions: string[]; list: boolean } {
  if (typeof mode !== 'string' || mode === '') {
    throw new TypeError(`mode must be a non-empty string of letters "rwadl", received ${mode}`);
  }
  const granted = new Set<string>();
  let list = false;
  for (const letter of mode) {
    if (letter === 'l') list = true;
    else if (MODE_ACTIONS[letter] !== undefined) granted.add(MODE_ACTIONS[letter]);
    else {
      throw new RangeError(
        `mode "${mode}" holds unknown letter ${JSON.stringify(letter)}; use letters of "rwadl"`,
      );
    }
  }
  return { objectActions: OBJECT_ACTION_ORDER.filter((a) => granted.has(a)), list };
}

/**
 * A minimal session policy for one path of one bucket. Mode letters: `r` read (GetObject, which
 * also covers HEAD), `w` write and `a` append (both PutObject, which covers AppendObject), `d`
 * delete, `l` list (ListObjects on the bucket, limited by an `oss:Prefix` condition: StringLike
 * the path when it holds a wildcard, StringEquals otherwise). The path is an exact key or a
 * pattern with `*`/`?`; a path ending in `/` grants everything below it.
 *
 * @throws {TypeError} naming `bucket`, `path` or `mode` when one is malformed.
 * @throws {RangeError} when `mode` holds a letter other than `rwadl`.
 * @example buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' })
 */
export function buildPolicy(o: { bucket: string; path: string; mode: string }): PolicyDocument {
  if (typeof o.bucket !== 'string' || !BUCKET_NAME.test(o.bucket)) {
    throw new TypeError(
      'bucket must be 3..63 of [a-z0-9-], not starting or ending with "-"; ' +
        `received ${JSON.stringify(o.bucket)}`,
    );
  }
  const path = normalizeGrantPath(o.path);
  const { objectActions, list } = modeActions(o.mode);
  const statements: PolicyStatement[] = [];

  if (objectActions.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: objectActions,
      Resource: [objectResource(o.bucket, path)],
    });
  }

  if (list) {
    const operator = /[*?]/.test(path) ? 'StringLike' : 'StringEquals';
    statements.push({
      Effect: 'Allow',
      Action: ['oss:ListObjects'],
      Resource: [bucketResource(o.bucket)],
      Condition: { [operator]: { 'oss:Prefix': path } },
    });
  }

  return { Version: '1', Statement: statements };
}

/**
 * The JSON text sent as the `Policy` parameter.
 *
 * @throws {RangeError} naming `policy` when the text exceeds 2048 characters.
 */
export function serializePolicy(policy: PolicyDocument | string): string {
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
  if (text.length > MAX_POLICY_LENGTH) {
    throw new RangeError(
      `policy must be at most ${MAX_POLICY_LENGTH} characters once serialized, ` +
        `it has ${text.length}`,
    );
  }
  return text;
}
