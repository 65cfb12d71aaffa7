/**
 * Security tokens of the mock's temporary credentials.
 *
 * A token is self-contained: the session's claims (key id, role, session name, session policy,
 * expiry) in base64url JSON, followed by an HMAC-SHA256 of them under a key derived from the
 * root secret. Nothing is stored per session, so a token cannot be forged without the root
 * secret, and a server restarted with the same root key pair (for example on its `--data-dir`)
 * still accepts the tokens it issued before, until they expire.
 */
import { fromBase64, hmacSha256, timingSafeEqual, toBase64, utf8 } from '@oss-media/oss-sign';

/** What a token asserts about its session. Times are Unix seconds. */
export interface SessionClaims {
  /** The temporary AccessKeyId the token belongs to. */
  accessKeyId: string;
  roleArn: string;
  sessionName: string;
  /** The session policy as JSON text, when AssumeRole was given one. */
  policy?: string;
  issuedAt: number;
  expiration: number;
  /** Bumped by `Accounts.reset()`, which thereby revokes every earlier token. */
  generation: number;
}

/** Marks tokens of this mock, so a real token pasted by mistake fails recognisably. */
export const TOKEN_PREFIX = 'MOCKSTS.';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Derives the token-signing key from the root secret (domain-separated from signatures). */
export function securityTokenKey(rootSecret: string): Uint8Array {
  return hmacSha256(utf8(rootSecret), 'mock-oss security token key v1');
}

/**
 * Writes the token for `claims`.
 *
 * @example encodeSecurityToken(claims, securityTokenKey(rootSecret)) // 'MOCKSTS.eyJ….Qm9…'
 */
export function encodeSecurityToken(claims: SessionClaims, key: Uint8Array): string {
  const body = toBase64Url(utf8(JSON.stringify(compact(claims))));
  const mac = toBase64Url(hmacSha256(key, body));
  return `${TOKEN_PREFIX}${body}.${mac}`;
}

/**
 * Reads a token back. Returns `undefined` for anything not written by
 * {@link encodeSecurityToken} with the same key: malformed text, a changed byte, a token of
 * another server. The MAC is compared in constant time before the claims are parsed.
 */
export function decodeSecurityToken(token: string, key: Uint8Array): SessionClaims | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const rest = token.slice(TOKEN_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;

  const body = rest.slice(0, dot);
  const mac = rest.slice(dot + 1);
  if (!timingSafeEqual(mac, toBase64Url(hmacSha256(key, body)))) return undefined;

  try {
    return expand(JSON.parse(decoder.decode(fromBase64Url(body))));
  } catch {
    return undefined;
  }
}

interface CompactClaims {
  k: string;
  r: string;
  s: string;
  p?: string;
  i: number;
  e: number;
  g: number;
}

function compact(c: SessionClaims): CompactClaims {
  const out: CompactClaims = {
    k: c.accessKeyId,
    r: c.roleArn,
    s: c.sessionName,
    i: c.issuedAt,
    e: c.expiration,
    g: c.generation,
  };
  if (c.policy !== undefined) out.p = c.policy;
  return out;
}

function expand(v: unknown): SessionClaims | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const c = v as Partial<CompactClaims>;
  const strings = typeof c.k === 'string' && typeof c.r === 'string' && typeof c.s === 'string';
  const numbers = typeof c.i === 'number' && typeof c.e === 'number' && typeof c.g === 'number';
  if (!strings || !numbers || (c.p !== undefined && typeof c.p !== 'string')) return undefined;
  const claims: SessionClaims = {
    accessKeyId: c.k as string,
    roleArn: c.r as string,
    sessionName: c.s as string,
    issuedAt: c.i as number,
    expiration: c.e as number,
    generation: c.g as number,
  };
  if (c.p !== undefined) claims.policy = c.p;
  return claims;
}

function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  return fromBase64(text.replace(/-/g, '+').replace(/_/g, '/'));
}
