/**
 * The STS endpoint of the mock: AssumeRole in every request shape the official clients send
 * (protocol §9), answered with the service's JSON.
 *
 * Differences from the service, stated plainly:
 * - The real service refuses root-account keys ("Roles may not be assumed by root accounts.");
 *   the mock has only one permanent key pair, which stands for the application server's RAM
 *   user, so it may call AssumeRole. Temporary credentials may not (no role chaining).
 * - Only `Format=JSON` responses.
 */
import type { PolicyDocument } from '@oss-media/sts';
import { parsePolicy } from '@oss-media/sts';
import type { Accounts, IssuedCredentials } from '../accounts.js';
import { DEFAULT_SESSION_DURATION } from '../accounts.js';
import { policyGrammarError, StsServiceError } from './errors.js';
import {
  type Acs3SignedRequest,
  acs3SigningParams,
  missingParameter,
  rpcSigningParams,
  type SignedBy,
  verifyAcs3Signature,
  verifyRpcSignature,
} from './signature.js';

/** What the STS endpoint needs from the server. */
export interface StsContext {
  /** The mock clock, ms. */
  now: number;
  accounts: Accounts;
  /** Skip signature checks (parameters are still validated). */
  noAuth: boolean;
  /** SignatureNonce values already used; pass `accounts.nonces` so `reset()` clears them. */
  nonces: Set<string>;
}

/** An HTTP request as the STS endpoint sees it. */
export interface StsRequest {
  method: string;
  /** The URL path as received. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A complete response: JSON text in `body`. */
export interface StsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The service's tolerance for the signed timestamp. */
export const STS_MAX_SKEW_MS = 15 * 60 * 1000;

const API_VERSION = '2015-04-01';
/** The longest session policy the service accepts, in characters. */
export const MAX_POLICY_LENGTH = 2048;
const HOST_ID = 'sts.aliyuncs.com';
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** ExternalId: 2..1224 of letters, digits and `=,.@:/-_`, as the service accepts. */
const EXTERNAL_ID = /^[A-Za-z0-9=,.@:/\-_]{2,1224}$/;
const decoder = new TextDecoder();

/**
 * True for requests meant for STS: `Action=AssumeRole` in the query, an `x-acs-action` header,
 * or, when the Host names no bucket, path `/sts` or below it or a form-encoded POST to `/` (what
 * `OSS.STS` of ali-oss sends when its endpoint is the server's root; OSS itself never takes a
 * form-encoded POST there). With a bucket in the Host (virtual host, CNAME), `/sts/x.txt` is the
 * object key `sts/x.txt`, as on the service.
 *
 * @param req.hostNamesBucket true when the Host header names a bucket; default false.
 */
export function isStsRequest(req: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  hostNamesBucket?: boolean;
}): boolean {
  if (req.query.get('Action') === 'AssumeRole') return true;
  if (req.headers['x-acs-action'] !== undefined) return true;
  if (req.hostNamesBucket === true) return false;
  if (req.path === '/sts' || req.path.startsWith('/sts/')) return true;
  return req.method.toUpperCase() === 'POST' && req.path === '/' && isForm(req.headers);
}

/**
 * Answers one STS request. Never throws for bad input: every failure is the service's JSON
 * error `{ RequestId, HostId, Code, Message }` with its status.
 *
 * @example
 * const res = handleStsRequest(
 *   { method: 'POST', path: '/sts', query: new URLSearchParams(), headers, body },
 *   { now: clock.now(), accounts, noAuth: false, nonces: accounts.nonces },
 * );
 */
export function handleStsRequest(req: StsRequest, ctx: StsContext): StsResponse {
  const requestId = newRequestId();
  try {
    checkMethod(req.method);
    const params = mergedParams(req);
    checkAction(params, req.headers);
    if (!ctx.noAuth) authenticateCaller(req, params, ctx);
    const issued = assumeRole(params, ctx);
    return json(200, requestId, successBody(requestId, issued));
  } catch (error) {
    if (!(error instanceof StsServiceError)) throw error;
    return json(error.status, requestId, {
      RequestId: requestId,
      HostId: HOST_ID,
      Code: error.code,
      Message: error.message,
    });
  }
}

// ---- stages

/** Query and form body merged; a body value wins over a query value of the same name. */
function mergedParams(req: StsRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of req.query) params[name] = value;
  if (req.body.length > 0 && (isForm(req.headers) || req.headers['content-type'] === undefined)) {
    for (const [name, value] of new URLSearchParams(decoder.decode(req.body))) params[name] = value;
  }
  return params;
}

function checkMethod(method: string): void {
  const upper = method.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') {
    throw new StsServiceError('UnsupportedHTTPMethod', 'This http method is not supported.');
  }
}

function checkAction(params: Record<string, string>, headers: Record<string, string>): void {
  const action = params.Action ?? headers['x-acs-action'];
  if (action !== 'AssumeRole') {
    throw new StsServiceError(
      'InvalidAction.NotFound',
      `Specified api ${action === undefined ? '' : `${action} `}is not found, ` +
        'please check your url and method.',
    );
  }
  const version = params.Version ?? headers['x-acs-version'];
  if (version !== undefined && version !== API_VERSION) {
    throw new StsServiceError(
      'InvalidVersion.NotFound',
      `Specified parameter Version ${version} is not valid.`,
    );
  }
}

/** Verifies the signature, the timestamp and the nonce; only the root key pair may proceed. */
function authenticateCaller(
  req: StsRequest,
  params: Record<string, string>,
  ctx: StsContext,
): void {
  const acs3 = req.headers.authorization?.trim().startsWith('ACS3-') === true;
  let signed: SignedBy;
  if (acs3) {
    const acs3Req: Acs3SignedRequest = { ...req, path: req.path };
    const parsed = acs3SigningParams(acs3Req);
    checkTimestamp(parsed.timestamp, ctx.now);
    verifyAcs3Signature(acs3Req, parsed.auth, callerSecret(parsed, ctx));
    signed = parsed;
  } else {
    const rpcReq = { method: req.method, params };
    signed = rpcSigningParams(rpcReq);
    checkTimestamp(signed.timestamp, ctx.now);
    verifyRpcSignature(rpcReq, callerSecret(signed, ctx));
  }

  if (ctx.nonces.has(signed.nonce)) {
    throw new StsServiceError('SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
  ctx.nonces.add(signed.nonce);

  if (signed.accessKeyId !== ctx.accounts.root.accessKeyId) {
    throw new StsServiceError(
      'NoPermission',
      'You are not authorized to do this action. You should be authorized by RAM.',
    );
  }
}

function checkTimestamp(timestamp: number, now: number): void {
  if (Math.abs(timestamp - now) > STS_MAX_SKEW_MS) {
    throw new StsServiceError(
      'InvalidTimeStamp.Expired',
      'Specified time stamp or date value is expired.',
    );
  }
}

function callerSecret(signed: SignedBy, ctx: StsContext): string {
  const found = ctx.accounts.resolve(signed.accessKeyId, signed.securityToken, ctx.now);
  switch (found.status) {
    case 'root':
      return found.accessKeySecret;
    case 'temporary':
      return found.session.accessKeySecret;
    case 'expired-token':
      throw new StsServiceError(
        'InvalidSecurityToken.Expired',
        'Specified SecurityToken is expired.',
      );
    case 'invalid-token':
      throw found.reason === 'key-mismatch'
        ? new StsServiceError(
            'InvalidSecurityToken.MismatchWithAccessKey',
            'Specified SecurityToken mismatch with the AccessKey.',
          )
        : new StsServiceError(
            'InvalidSecurityToken.Malformed',
            'Specified SecurityToken is malformed.',
          );
    default:
      if (signed.accessKeyId.startsWith('STS.')) {
        throw new StsServiceError(
          'MissingSecurityToken',
          'SecurityToken is mandatory for this action.',
        );
      }
      throw new StsServiceError(
        'InvalidAccessKeyId.NotFound',
        'Specified access key is not found.',
      );
  }
}

/** Validates the AssumeRole parameters and issues the credentials. */
function assumeRole(params: Record<string, string>, ctx: StsContext): IssuedCredentials {
  const roleArn = params.RoleArn;
  const sessionName = params.RoleSessionName;
  if (!roleArn) throw missingParameter('RoleArn');
  if (!sessionName) throw missingParameter('RoleSessionName');

  const durationText = params.DurationSeconds;
  const durationSeconds =
    durationText === undefined || durationText === ''
      ? DEFAULT_SESSION_DURATION
      : /^\d{1,9}$/.test(durationText)
        ? Number(durationText)
        : Number.NaN;

  const externalId = params.ExternalId;
  if (externalId !== undefined && externalId !== '' && !EXTERNAL_ID.test(externalId)) {
    throw new StsServiceError(
      'InvalidParameter.ExternalId',
      'The parameter ExternalId is wrongly formed.',
    );
  }

  const o: Parameters<Accounts['issue']>[0] = {
    roleArn,
    sessionName,
    durationSeconds,
    now: ctx.now,
  };
  const policy = sessionPolicy(params.Policy);
  if (policy !== undefined) o.policy = policy;
  return ctx.accounts.issue(o);
}

function sessionPolicy(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.length > MAX_POLICY_LENGTH) {
    throw policyGrammarError(
      `The policy has ${text.length} characters; at most ${MAX_POLICY_LENGTH}.`,
    );
  }
  try {
    return parsePolicy(text);
  } catch (error) {
    throw policyGrammarError(error instanceof Error ? error.message : undefined);
  }
}

// ---- responses

function successBody(requestId: string, issued: IssuedCredentials): unknown {
  return {
    RequestId: requestId,
    AssumedRoleUser: { AssumedRoleId: issued.assumedRoleId, Arn: issued.arn },
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      AccessKeySecret: issued.accessKeySecret,
      SecurityToken: issued.securityToken,
      Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}

function json(status: number, requestId: string, body: unknown): StsResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json;charset=utf-8',
      'x-acs-request-id': requestId,
    },
    body: JSON.stringify(body),
  };
}

function isForm(headers: Record<string, string>): boolean {
  return (headers['content-type'] ?? '').toLowerCase().startsWith(FORM_TYPE);
}

/** The service's request id form: an upper-case UUID. */
function newRequestId(): string {
  return globalThis.crypto.randomUUID().toUpperCase();
}
