/**
 * Who exists in the mock: the root key pair, the RAM roles STS can hand out, and the temporary
 * credentials it issued.
 *
 * Temporary credentials are not stored: the security token carries the session (see
 * `auth/security-token.ts`) and the temporary secret is derived from the key id, both under a
 * key derived from the root secret. So a restarted server with the same root key pair keeps
 * accepting unexpired tokens. `reset()` revokes every token issued so far by bumping a
 * generation counter; that counter is not persisted, so after a restart tokens issued before an
 * earlier reset become valid again until they expire (a known, harmless shortcoming).
 */
import { hmacSha256, sha256, utf8 } from '@oss-media/oss-sign';
import type { PolicyDocument } from '@oss-media/sts';
import { parsePolicy } from '@oss-media/sts';
import {
  decodeSecurityToken,
  encodeSecurityToken,
  type SessionClaims,
  securityTokenKey,
} from './auth/security-token.js';
import { policyGrammarError, StsServiceError } from './sts/errors.js';

/** A RAM role: its ARN, the policy that bounds every session, its longest session. */
export interface RoleConfig {
  /** `acs:ram::<accountId>:role/<name>`. */
  arn: string;
  policy: PolicyDocument;
  /** Seconds, 3600..43200 (the service's range); 3600 when absent. */
  maxSessionDuration?: number;
}

/** Options of {@link Accounts}. */
export interface AccountsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** None: one role, `acs:ram::<accountId>:role/mock-oss-full-access`, that allows everything. */
  roles?: RoleConfig[];
  /** The `<uid>` of role ARNs; `1234567890123456` by default. */
  accountId?: string;
}

/** What AssumeRole hands out. */
export interface IssuedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Whole seconds, as the service reports it. */
  expiration: Date;
  /** `<roleId>:<sessionName>`. */
  assumedRoleId: string;
  /** `acs:ram::<uid>:assumed-role/<roleName>/<sessionName>`. */
  arn: string;
}

/** A verified temporary credential: its secret and the policies that bound it. */
export interface TemporarySession {
  accessKeyId: string;
  accessKeySecret: string;
  roleArn: string;
  sessionName: string;
  /** The role's policy, then the session policy when there is one. */
  policies: PolicyDocument[];
  expiration: Date;
}

/** The outcome of looking up an AccessKeyId (and its security token, if any). */
export type KeyResolution =
  | { status: 'root'; accessKeySecret: string }
  | { status: 'temporary'; session: TemporarySession }
  | { status: 'unknown-key' }
  | { status: 'expired-token'; expiration: Date }
  /** `reason`: `malformed` (forged, altered, revoked or role removed) or `key-mismatch`. */
  | { status: 'invalid-token'; reason: 'malformed' | 'key-mismatch' };

/** The account id used in role ARNs when none is configured. */
export const DEFAULT_ACCOUNT_ID = '1234567890123456';

/** Name of the role created when none is configured. */
export const DEFAULT_ROLE_NAME = 'mock-oss-full-access';

/** The policy of the default role: everything allowed. */
export const ALLOW_ALL_POLICY: PolicyDocument = {
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** The shortest session STS issues, in seconds. */
export const MIN_SESSION_DURATION = 900;
/** The session length when AssumeRole names no DurationSeconds, in seconds. */
export const DEFAULT_SESSION_DURATION = 3600;
/** The longest session a role may allow, in seconds (a role's own maximum may be lower). */
export const MAX_ROLE_SESSION_DURATION = 43200;

const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9.\-_]{1,64})$/;
const ROLE_SESSION_NAME = /^[A-Za-z0-9.@\-_]{2,64}$/;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DECODED_CACHE_LIMIT = 1024;

/**
 * The accounts of one mock server.
 *
 * @example
 * const accounts = new Accounts({ accessKeyId: 'ak', accessKeySecret: 'sk' });
 * const creds = accounts.issue({
 *   roleArn: [...accounts.roles.values()][0]!.arn, sessionName: 'cam-1',
 *   durationSeconds: 900, now: Date.now(),
 * });
 */
export class Accounts {
  /** The permanent key pair; it signs OSS requests and calls AssumeRole. */
  readonly root: { accessKeyId: string; accessKeySecret: string };
  /** The `<uid>` of role ARNs. */
  readonly accountId: string;
  /**
   * SignatureNonce values STS has seen; the server's STS context should pass this set so that
   * `reset()` clears it too. Not pruned: a mock's lifetime is short.
   */
  readonly nonces = new Set<string>();

  readonly #roles = new Map<string, RoleConfig>();
  readonly #tokenKey: Uint8Array;
  readonly #sessions = new Map<string, TemporarySession | undefined>();
  #generation = 0;

  /**
   * @throws {TypeError} when the key pair is empty, or a role is malformed (the message names it).
   * @throws {StsServiceError} `InvalidParameter.PolicyGrammar` for a role policy that does not
   *   follow the grammar.
   */
  constructor(options: AccountsOptions) {
    if (!options.accessKeyId || !options.accessKeySecret) {
      throw new TypeError('accessKeyId and accessKeySecret must be non-empty strings');
    }
    this.root = { accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret };
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d+$/.test(this.accountId)) {
      throw new TypeError(`accountId must be digits, received ${JSON.stringify(this.accountId)}`);
    }
    this.#tokenKey = securityTokenKey(options.accessKeySecret);

    const roles = [...(options.roles ?? [])];
    if (roles.length === 0) {
      roles.push({ arn: this.roleArn(DEFAULT_ROLE_NAME), policy: ALLOW_ALL_POLICY });
    }
    for (const role of roles) this.addRole(role);
  }

  /** The configured roles, by ARN as configured. */
  get roles(): ReadonlyMap<string, RoleConfig> {
    const byArn = new Map<string, RoleConfig>();
    for (const role of this.#roles.values()) byArn.set(role.arn, role);
    return byArn;
  }

  /** The ARN of a role of this account. */
  roleArn(name: string): string {
    return `acs:ram::${this.accountId}:role/${name}`;
  }

  /**
   * Adds (or replaces) a role. Its policy is checked against the grammar.
   *
   * @throws {TypeError} for a malformed ARN or maximum session duration.
   * @throws {StsServiceError} `InvalidParameter.PolicyGrammar`.
   */
  addRole(role: RoleConfig): void {
    if (typeof role.arn !== 'string' || !ROLE_ARN.test(role.arn)) {
      throw new TypeError(
        `role arn must look like acs:ram::<uid>:role/<name>, received ${JSON.stringify(role.arn)}`,
      );
    }
    const max = role.maxSessionDuration ?? DEFAULT_SESSION_DURATION;
    if (
      !Number.isInteger(max) ||
      max < DEFAULT_SESSION_DURATION ||
      max > MAX_ROLE_SESSION_DURATION
    ) {
      throw new TypeError(`maxSessionDuration of ${role.arn} must be an integer in 3600..43200`);
    }
    const policy = checkedPolicy(role.policy);
    this.#roles.set(role.arn.toLowerCase(), { arn: role.arn, policy, maxSessionDuration: max });
    this.#sessions.clear();
  }

  /** The role with this ARN; role names are case-insensitive, as in RAM. */
  findRole(arn: string): RoleConfig | undefined {
    return this.#roles.get(arn.toLowerCase());
  }

  /**
   * Issues temporary credentials for a role (what AssumeRole returns).
   *
   * @throws {StsServiceError} `InvalidParameter.RoleArn`, `EntityNotExist.Role`,
   *   `InvalidParameter.RoleSessionName`, `InvalidParameter.DurationSeconds`,
   *   `InvalidParameter.PolicyGrammar`.
   */
  issue(o: {
    roleArn: string;
    sessionName: string;
    policy?: PolicyDocument;
    durationSeconds: number;
    now: number;
  }): IssuedCredentials {
    const role = this.#roleFor(o.roleArn);
    checkSessionName(o.sessionName);
    checkDuration(o.durationSeconds, role.maxSessionDuration ?? DEFAULT_SESSION_DURATION);
    const policy = o.policy === undefined ? undefined : checkedPolicy(o.policy);

    const issuedAt = Math.floor(o.now / 1000);
    const accessKeyId = `STS.${randomKeyText(24)}`;
    const claims: SessionClaims = {
      accessKeyId,
      roleArn: role.arn,
      sessionName: o.sessionName,
      issuedAt,
      expiration: issuedAt + o.durationSeconds,
      generation: this.#generation,
    };
    if (policy !== undefined) claims.policy = JSON.stringify(policy);

    const roleName = role.arn.slice(role.arn.lastIndexOf('/') + 1);
    return {
      accessKeyId,
      accessKeySecret: this.#temporarySecret(accessKeyId),
      securityToken: encodeSecurityToken(claims, this.#tokenKey),
      expiration: new Date(claims.expiration * 1000),
      assumedRoleId: `${roleId(role.arn)}:${o.sessionName}`,
      arn: `acs:ram::${this.accountId}:assumed-role/${roleName}/${o.sessionName}`,
    };
  }

  /**
   * Looks up the secret of an AccessKeyId. A security token, when given, must verify, belong to
   * this key id, be of the current generation, name an existing role and not be expired at
   * `now` (ms). A temporary key id without a token is unknown, as on the service.
   */
  resolve(accessKeyId: string, securityToken: string | undefined, now: number): KeyResolution {
    if (securityToken === undefined || securityToken === '') {
      return accessKeyId === this.root.accessKeyId
        ? { status: 'root', accessKeySecret: this.root.accessKeySecret }
        : { status: 'unknown-key' };
    }

    const session = this.#session(securityToken);
    if (session === undefined) return { status: 'invalid-token', reason: 'malformed' };
    if (session.accessKeyId !== accessKeyId) {
      return { status: 'invalid-token', reason: 'key-mismatch' };
    }
    if (now >= session.expiration.getTime()) {
      return { status: 'expired-token', expiration: session.expiration };
    }
    return { status: 'temporary', session };
  }

  /** Forgets issued credentials (their tokens stop verifying) and seen nonces. */
  reset(): void {
    this.#generation++;
    this.#sessions.clear();
    this.nonces.clear();
  }

  #roleFor(arn: string): RoleConfig {
    if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) {
      throw new StsServiceError(
        'InvalidParameter.RoleArn',
        'The parameter RoleArn is wrongly formed.',
      );
    }
    const role = this.findRole(arn);
    if (role === undefined) {
      throw new StsServiceError('EntityNotExist.Role', `The specified Role not exists: ${arn}.`);
    }
    return role;
  }

  #temporarySecret(accessKeyId: string): string {
    const a = hmacSha256(this.#tokenKey, `secret\n${accessKeyId}\n1`);
    const b = hmacSha256(this.#tokenKey, `secret\n${accessKeyId}\n2`);
    const bytes = new Uint8Array(44);
    bytes.set(a);
    bytes.set(b.subarray(0, 12), 32);
    return keyText(bytes);
  }

  /** Decodes and checks a token once; later requests with the same token hit the cache. */
  #session(token: string): TemporarySession | undefined {
    if (this.#sessions.has(token)) return this.#sessions.get(token);
    const session = this.#decodeSession(token);
    if (this.#sessions.size >= DECODED_CACHE_LIMIT) this.#sessions.clear();
    this.#sessions.set(token, session);
    return session;
  }

  #decodeSession(token: string): TemporarySession | undefined {
    const claims = decodeSecurityToken(token, this.#tokenKey);
    if (claims === undefined || claims.generation !== this.#generation) return undefined;
    const role = this.findRole(claims.roleArn);
    if (role === undefined) return undefined;

    const policies = [role.policy];
    if (claims.policy !== undefined) {
      try {
        policies.push(parsePolicy(claims.policy));
      } catch {
        return undefined;
      }
    }
    return {
      accessKeyId: claims.accessKeyId,
      accessKeySecret: this.#temporarySecret(claims.accessKeyId),
      roleArn: role.arn,
      sessionName: claims.sessionName,
      policies,
      expiration: new Date(claims.expiration * 1000),
    };
  }
}

/**
 * @throws {StsServiceError} `InvalidParameter.RoleSessionName` unless 2..64 of `[A-Za-z0-9.@_-]`.
 */
export function checkSessionName(name: string): void {
  if (typeof name !== 'string' || !ROLE_SESSION_NAME.test(name)) {
    throw new StsServiceError(
      'InvalidParameter.RoleSessionName',
      'The parameter RoleSessionName is wrongly formed.',
    );
  }
}

/** @throws {StsServiceError} `InvalidParameter.DurationSeconds` outside 900..max. */
export function checkDuration(seconds: number, max: number): void {
  if (!Number.isInteger(seconds) || seconds < MIN_SESSION_DURATION || seconds > max) {
    const hours = max % 3600 === 0 ? `${max / 3600}hr` : `${max}s`;
    throw new StsServiceError(
      'InvalidParameter.DurationSeconds',
      `The Min/Max value of DurationSeconds is 15min/${hours}.`,
    );
  }
}

function checkedPolicy(policy: unknown): PolicyDocument {
  try {
    return parsePolicy(policy);
  } catch (error) {
    throw policyGrammarError(error instanceof Error ? error.message : undefined);
  }
}

/** A stable numeric role id (RAM role ids are 18-digit numbers). */
function roleId(arn: string): string {
  const digest = sha256(utf8(arn.toLowerCase()));
  let id = String((digest[0]! % 9) + 1);
  for (let i = 1; i < 18; i++) id += String(digest[i]! % 10);
  return id;
}

function randomKeyText(length: number): string {
  return keyText(globalThis.crypto.getRandomValues(new Uint8Array(length)));
}

function keyText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  return text;
}
