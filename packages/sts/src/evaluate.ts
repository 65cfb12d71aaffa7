/**
 * Policy evaluation as OSS applies it to a request made with temporary credentials (protocol
 * §10): default deny, an explicit Deny wins, and the credentials' rights are the intersection
 * of every policy given (the role's policy and the session policy).
 *
 * Keys and dot segments. OSS object keys are opaque: `a/../b` is a key of its own, never
 * resolved, and resources are matched literally. A wildcard, however, must not become a way
 * out of its prefix for anything downstream that does resolve paths (file systems, URL
 * parsers, HLS players). So in an Allow statement a wildcard never stands for a character of a
 * `.` or `..` segment (separators `/` and `\`): such segments match only where the pattern
 * spells them out literally, and `videos/cam-42/*` does not match `videos/cam-42/../cam-43/x`.
 * In a Deny statement a value with dot segments is matched both as written and with its dot
 * segments resolved, and either match counts. This applies to Resource and to the
 * `StringLike` family of conditions.
 */
import { ipInBlock, parseIp } from './ip.js';
import type { PolicyDocument, PolicyStatement } from './policy.js';

/** What is being done: the OSS action, the resource ARN, and the request's condition keys. */
export interface AuthorizationRequest {
  /** e.g. `oss:PutObject` (matched case-insensitively). */
  action: string;
  /** e.g. `acs:oss:*:*:media/videos/cam-42/1.ts` with the key raw (decoded). */
  resource: string;
  /**
   * Condition keys (case-insensitive): `oss:Prefix` for listings, `acs:SourceIp` for the
   * `IpAddress` operators, ...
   */
  conditions?: Record<string, string>;
}

/** Outcome of one policy: an explicit Deny, an Allow, or no matching statement. */
export type PolicyDecision = 'deny' | 'allow' | 'implicit-deny';

const DOT_SEGMENT = /(^|[/\\])\.\.?([/\\]|$)/;
const WILDCARD = /[*?]/;
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Glob match where `*` is any run of characters (including `/`) and `?` exactly one.
 * Linear backtracking over the last `*`, so hostile patterns cannot blow up.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p0 = ignoreCase ? pattern.toLowerCase() : pattern;
  const v0 = ignoreCase ? value.toLowerCase() : value;

  // Literal head and tail settle most mismatches without the backtracking loop.
  const first = p0.search(WILDCARD);
  if (first === -1) return p0 === v0;
  const last = Math.max(p0.lastIndexOf('*'), p0.lastIndexOf('?'));
  if (!v0.startsWith(p0.slice(0, first)) || !v0.endsWith(p0.slice(last + 1))) return false;

  // Code units suffice unless a `?` could meet a surrogate pair, which is one character.
  const byCodePoint = p0.includes('?') && SURROGATE.test(v0);
  const p: ArrayLike<string> = byCodePoint ? Array.from(p0) : p0;
  const v: ArrayLike<string> = byCodePoint ? Array.from(v0) : v0;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let starMatchEnd = 0;

  while (vi < v.length) {
    const c: string | undefined = p[pi];
    if (c === '*') {
      if (pi === p.length - 1) return true; // a trailing `*` takes whatever is left
      starAt = pi++;
      starMatchEnd = vi;
    } else if (c !== undefined && (c === '?' || c === v[vi])) {
      pi++;
      vi++;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++starMatchEnd;
    } else {
      return false;
    }
  }

  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * The value with `.` and `..` segments resolved (`\\` read as `/`). With `keepFirst`, `..`
 * never removes the first segment (an ARN's `acs:oss:*:*:<bucket>`).
 */
export function resolveDotSegments(value: string, keepFirst = false): string {
  const out: string[] = [];
  const segments = value.replaceAll('\\', '/').split('/');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '.') {
      if (last) out.push('');
      return;
    }
    if (segment === '..') {
      if (out.length > (keepFirst ? 1 : 0)) out.pop();
      if (last) out.push('');
      return;
    }
    out.push(segment);
  });
  return out.join('/');
}

/** Marks the characters of `value` that belong to a `.` or `..` segment. */
function dotSegmentMask(value: string[]): boolean[] {
  const mask = new Array<boolean>(value.length).fill(false);
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && value[i] !== '/' && value[i] !== '\\') continue;
    const length = i - start;
    if ((length === 1 || length === 2) && value.slice(start, i).every((c) => c === '.')) {
      mask.fill(true, start, i);
    }
    start = i + 1;
  }
  return mask;
}

/**
 * Glob match in which wildcards may not stand for masked characters. Dynamic programming over
 * (pattern, value) positions; only used for the rare values that have dot segments.
 */
function maskedWildcardMatch(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  const v = Array.from(value);
  const masked = dotSegmentMask(v);
  // row[j]: pattern prefix matches the first j characters of the value
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;

  for (const c of p) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    if (c === '*') {
      next[0] = row[0] === true;
      for (let j = 1; j <= v.length; j++) {
        next[j] = row[j] === true || (next[j - 1] === true && !masked[j - 1]);
      }
    } else {
      for (let j = 1; j <= v.length; j++) {
        const fits = c === '?' ? !masked[j - 1] : c === v[j - 1];
        next[j] = row[j - 1] === true && fits;
      }
    }
    row = next;
  }
  return row[v.length] === true;
}

/** Whether `pattern` matches `value` under the dot-segment rule of the module comment. */
function likeMatch(
  pattern: string,
  value: string,
  effect: PolicyStatement['Effect'],
  isResource: boolean,
  valueHasDotSegment = DOT_SEGMENT.test(value),
): boolean {
  if (!valueHasDotSegment || !WILDCARD.test(pattern)) return wildcardMatch(pattern, value);
  if (effect === 'Allow') {
    // The masked match only narrows the plain one, which settles most misses cheaply.
    return wildcardMatch(pattern, value) && maskedWildcardMatch(pattern, value);
  }
  return (
    wildcardMatch(pattern, value) || wildcardMatch(pattern, resolveDotSegments(value, isResource))
  );
}

/** A request with what every statement asks of it computed once. */
interface PreparedRequest {
  actionLower: string;
  resource: string;
  resourceHasDotSegment: boolean;
  conditions: Record<string, string> | undefined;
}

function prepare(request: AuthorizationRequest): PreparedRequest {
  return {
    actionLower: request.action.toLowerCase(),
    resource: request.resource,
    resourceHasDotSegment: DOT_SEGMENT.test(request.resource),
    conditions: request.conditions,
  };
}

function actionMatches(pattern: string, actionLower: string): boolean {
  if (!WILDCARD.test(pattern)) {
    return pattern.length === actionLower.length && pattern.toLowerCase() === actionLower;
  }
  return wildcardMatch(pattern.toLowerCase(), actionLower);
}

function toList(value: string | string[] | undefined): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value : [];
}

function lookupCondition(
  conditions: Record<string, string> | undefined,
  key: string,
): string | undefined {
  if (conditions === undefined) return undefined;
  if (Object.hasOwn(conditions, key)) return conditions[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(conditions)) {
    if (name.toLowerCase() === lower) return value;
  }
  return undefined;
}

/**
 * Whether one operator holds for one key. A missing key, an unknown operator, an address that
 * does not parse, or an ambiguous dot-segment value resolves against access: unsatisfied in an
 * Allow, satisfied in a Deny.
 */
function conditionHolds(
  operator: string,
  accepted: string[],
  value: string | undefined,
  effect: PolicyStatement['Effect'],
): boolean {
  const againstAccess = effect === 'Deny';
  if (value === undefined) return againstAccess;

  switch (operator) {
    case 'StringEquals':
      return accepted.includes(value);
    case 'StringNotEquals':
      return !accepted.includes(value);
    case 'StringEqualsIgnoreCase':
      return accepted.some((a) => a.toLowerCase() === value.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !accepted.some((a) => a.toLowerCase() === value.toLowerCase());
    case 'StringLike':
      return accepted.some((a) => likeMatch(a, value, effect, false));
    case 'StringNotLike':
      // The opposite bias: a NotLike in an Allow fails when either reading could match.
      return !accepted.some((a) =>
        likeMatch(a, value, effect === 'Allow' ? 'Deny' : 'Allow', false),
      );
    case 'IpAddress':
      if (parseIp(value) === undefined) return againstAccess;
      return accepted.some((block) => ipInBlock(value, block));
    case 'NotIpAddress':
      if (parseIp(value) === undefined) return againstAccess;
      return !accepted.some((block) => ipInBlock(value, block));
    default:
      return againstAccess;
  }
}

function matchesPrepared(statement: PolicyStatement, request: PreparedRequest): boolean {
  const effect = statement.Effect;
  const actionOk = toList(statement.Action).some((a) => actionMatches(a, request.actionLower));
  if (!actionOk) return false;

  const resourceOk = toList(statement.Resource).some((r) =>
    likeMatch(r, request.resource, effect, true, request.resourceHasDotSegment),
  );
  if (!resourceOk) return false;

  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, accepted] of Object.entries(entries)) {
      const value = lookupCondition(request.conditions, key);
      if (!conditionHolds(operator, toList(accepted), value, effect)) return false;
    }
  }
  return true;
}

/** Whether a statement applies to the request (its effect aside). */
export function statementMatches(
  statement: PolicyStatement,
  request: AuthorizationRequest,
): boolean {
  return matchesPrepared(statement, prepare(request));
}

function decide(policy: PolicyDocument, request: PreparedRequest): PolicyDecision {
  const statements = Array.isArray(policy?.Statement) ? policy.Statement : [];
  let allowed = false;
  for (const statement of statements) {
    if (!matchesPrepared(statement, request)) continue;
    if (statement.Effect === 'Deny') return 'deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/**
 * One policy's decision for a request: `deny` when a Deny statement matches, else `allow`
 * when an Allow statement matches, else `implicit-deny`.
 *
 * @example evaluatePolicy(policy, { action: 'oss:GetObject', resource }) // 'allow'
 */
export function evaluatePolicy(
  policy: PolicyDocument,
  request: AuthorizationRequest,
): PolicyDecision {
  return decide(policy, prepare(request));
}

/**
 * True only when every policy allows the request and none denies it. No policies at all is a
 * deny. Pure: no clock, no I/O.
 *
 * @example
 * evaluatePolicies([rolePolicy, sessionPolicy], {
 *   action: 'oss:PutObject', resource: 'acs:oss:*:*:media/videos/cam-42/1.ts',
 * })
 */
export function evaluatePolicies(
  policies: PolicyDocument[],
  request: AuthorizationRequest,
): boolean {
  if (policies.length === 0) return false;
  const prepared = prepare(request);
  return policies.every((policy) => decide(policy, prepared) === 'allow');
}
