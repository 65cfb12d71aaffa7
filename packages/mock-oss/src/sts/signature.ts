/**
 * Verification of the two signatures STS clients use:
 *
 * - RPC (SignatureVersion 1.0): HMAC-SHA1 (or HMAC-SHA256) keyed with `secret&` over
 *   `METHOD&%2F&encode(sorted encoded parameters)`; the parameters may come in the query, in a
 *   form body, or split between both.
 * - ACS3-HMAC-SHA256 (the current official SDK): an `Authorization` header over a canonical
 *   request of method, path, query, the signed headers and the hashed body; the action is in
 *   `x-acs-action`, the nonce in `x-acs-signature-nonce`, the time in `x-acs-date`.
 */
import {
  hmacSha1,
  hmacSha256,
  sha256,
  timingSafeEqual,
  toBase64,
  toHex,
} from '@oss-media/oss-sign';
import { canonicalizedQueryRpc, percentEncodeRpc, stringToSignRpc } from '@oss-media/sts';
import { StsServiceError } from './errors.js';

/** The claims a verified signature makes: who signed, with which nonce, at what time. */
export interface SignedBy {
  accessKeyId: string;
  securityToken?: string;
  nonce: string;
  /** The signed timestamp, ms. */
  timestamp: number;
}

/** The parts of an RPC request a signature covers. */
export interface RpcSignedRequest {
  method: string;
  /** Query and form parameters merged, `Signature` included. */
  params: Record<string, string>;
}

/** The parts of an ACS3 request a signature covers. */
export interface Acs3SignedRequest {
  method: string;
  /** The path as received (percent-encoded form). */
  path: string;
  /** The URL query only: the body is covered by its hash. */
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Looks up the secret of a key id; throws the service's error for an unknown or bad key. */
export type SecretLookup = (accessKeyId: string, securityToken: string | undefined) => string;

const RPC_METHODS: Readonly<Record<string, (key: string, data: string) => Uint8Array>> = {
  'HMAC-SHA1': hmacSha1,
  'HMAC-SHA256': hmacSha256,
};

const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
const ACS3_AUTHORIZATION = /^(ACS3-[A-Z0-9-]+) (.+)$/;

/**
 * Reads the signing parameters of an RPC request (before the key is known).
 *
 * @throws {StsServiceError} `MissingParameter`, `InvalidSignatureMethod.Unsupported`,
 *   `InvalidTimeStamp.Format`.
 */
export function rpcSigningParams(req: RpcSignedRequest): SignedBy {
  const p = req.params;
  for (const name of [
    'AccessKeyId',
    'Signature',
    'SignatureMethod',
    'SignatureNonce',
    'Timestamp',
  ]) {
    if (p[name] === undefined || p[name] === '') throw missingParameter(name);
  }
  if (RPC_METHODS[p.SignatureMethod as string] === undefined) {
    throw new StsServiceError(
      'InvalidSignatureMethod.Unsupported',
      `Specified signature method ${p.SignatureMethod} is not supported.`,
    );
  }
  if (p.SignatureVersion !== undefined && p.SignatureVersion !== '1.0') {
    throw new StsServiceError(
      'InvalidParameter',
      `Specified signature version ${p.SignatureVersion} is not supported.`,
    );
  }
  const signed: SignedBy = {
    accessKeyId: p.AccessKeyId as string,
    nonce: p.SignatureNonce as string,
    timestamp: parseTimestamp(p.Timestamp as string),
  };
  if (p.SecurityToken !== undefined && p.SecurityToken !== '') {
    signed.securityToken = p.SecurityToken;
  }
  return signed;
}

/**
 * Checks an RPC signature with the caller's secret.
 *
 * @throws {StsServiceError} `SignatureDoesNotMatch`, whose message carries the server's string
 *   to sign, as the service's does.
 */
export function verifyRpcSignature(req: RpcSignedRequest, secret: string): void {
  const stringToSign = stringToSignRpc(req.method, canonicalizedQueryRpc(req.params));
  const hmac = RPC_METHODS[req.params.SignatureMethod as string] ?? hmacSha1;
  const expected = toBase64(hmac(`${secret}&`, stringToSign));
  if (!timingSafeEqual(expected, req.params.Signature ?? '')) {
    throw signatureMismatch(stringToSign);
  }
}

/** The fields of an `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header. */
export interface Acs3Authorization {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Parses an ACS3 Authorization header (fields separated by `,` with optional spaces, in any
 * order).
 *
 * @throws {StsServiceError} `IncompleteSignature` when a field is missing or malformed;
 *   `InvalidSignatureMethod.Unsupported` for an algorithm other than ACS3-HMAC-SHA256.
 */
export function parseAcs3Authorization(header: string): Acs3Authorization {
  const match = ACS3_AUTHORIZATION.exec(header.trim());
  if (!match) throw incompleteSignature();
  const algorithm = match[1] as string;
  if (algorithm !== ACS3_ALGORITHM) {
    throw new StsServiceError(
      'InvalidSignatureMethod.Unsupported',
      `Specified signature method ${algorithm} is not supported.`,
    );
  }

  const fields = new Map<string, string>();
  for (const part of (match[2] as string).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw incompleteSignature();
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || signedHeaders === undefined || !signature) throw incompleteSignature();
  return {
    algorithm,
    accessKeyId,
    signedHeaders:
      signedHeaders === '' ? [] : signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature,
  };
}

/**
 * Reads the signing parameters of an ACS3 request.
 *
 * @throws {StsServiceError} as {@link parseAcs3Authorization}; `MissingParameter` without
 *   `x-acs-signature-nonce` or `x-acs-date`; `InvalidTimeStamp.Format`.
 */
export function acs3SigningParams(req: Acs3SignedRequest): SignedBy & { auth: Acs3Authorization } {
  const auth = parseAcs3Authorization(req.headers.authorization ?? '');
  const nonce = req.headers['x-acs-signature-nonce'];
  const date = req.headers['x-acs-date'];
  if (!nonce) throw missingParameter('x-acs-signature-nonce');
  if (!date) throw missingParameter('x-acs-date');
  for (const required of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-action']) {
    if (req.headers[required] !== undefined && !auth.signedHeaders.includes(required)) {
      throw new StsServiceError(
        'IncompleteSignature',
        `The request signature does not conform to Aliyun standards: ${required} must be signed.`,
      );
    }
  }
  const signed: SignedBy & { auth: Acs3Authorization } = {
    auth,
    accessKeyId: auth.accessKeyId,
    nonce,
    timestamp: parseTimestamp(date),
  };
  const token = req.headers['x-acs-security-token'];
  if (token) signed.securityToken = token;
  return signed;
}

/**
 * The ACS3 canonical request: method, canonical URI, canonical query (names and values
 * RFC 3986-encoded, sorted), the signed headers as `name:value\n`, their names joined with
 * `;`, and the hex SHA-256 of the body.
 */
export function canonicalRequestAcs3(
  req: Acs3SignedRequest,
  signedHeaders: string[],
  hashedPayload: string,
): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of req.query)
    pairs.push([percentEncodeRpc(name), percentEncodeRpc(value)]);
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');

  const names = [...signedHeaders].sort();
  let headers = '';
  for (const name of names) headers += `${name}:${(req.headers[name] ?? '').trim()}\n`;

  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    query,
    headers,
    names.join(';'),
    hashedPayload,
  ].join('\n');
}

/**
 * Checks an ACS3 signature with the caller's secret. The payload hash is computed from the
 * body received; an `x-acs-content-sha256` header that disagrees with it fails the check.
 *
 * @throws {StsServiceError} `SignatureDoesNotMatch`.
 */
export function verifyAcs3Signature(
  req: Acs3SignedRequest,
  auth: Acs3Authorization,
  secret: string,
): void {
  const hashedPayload = toHex(sha256(req.body));
  const declared = req.headers['x-acs-content-sha256'];
  if (declared !== undefined && declared.toLowerCase() !== hashedPayload) {
    throw new StsServiceError(
      'SignatureDoesNotMatch',
      'Specified signature is not matched with our calculation: ' +
        'x-acs-content-sha256 is not the hash of the body.',
    );
  }
  const canonicalRequest = canonicalRequestAcs3(req, auth.signedHeaders, hashedPayload);
  const stringToSign = `${ACS3_ALGORITHM}\n${toHex(sha256(canonicalRequest))}`;
  const expected = toHex(hmacSha256(secret, stringToSign));
  if (!timingSafeEqual(expected, auth.signature.toLowerCase())) {
    throw signatureMismatch(stringToSign);
  }
}

/**
 * `2015-09-01T05:57:34Z`, optionally with milliseconds.
 *
 * @throws {StsServiceError} `InvalidTimeStamp.Format`.
 */
export function parseTimestamp(text: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(text);
  const time = ok ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new StsServiceError(
      'InvalidTimeStamp.Format',
      'Specified time stamp or date value is not well formatted.',
    );
  }
  return time;
}

/** The path as the SDK writes it into the canonical request (RFC 3986 spaces and stars). */
function canonicalUri(path: string): string {
  const raw = path === '' ? '/' : path;
  return raw.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/gi, '~');
}

function signatureMismatch(stringToSign: string): StsServiceError {
  return new StsServiceError(
    'SignatureDoesNotMatch',
    'Specified signature is not matched with our calculation. ' +
      `server string to sign is:${stringToSign}`,
  );
}

function incompleteSignature(): StsServiceError {
  return new StsServiceError(
    'IncompleteSignature',
    'The request signature does not conform to Aliyun standards.',
  );
}

/** `MissingParameter` with the service's message. */
export function missingParameter(name: string): StsServiceError {
  return new StsServiceError(
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );
}
