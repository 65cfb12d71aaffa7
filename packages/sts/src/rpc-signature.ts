/**
 * The signature of Alibaba Cloud RPC-style APIs (SignatureVersion 1.0, HMAC-SHA1), as STS
 * AssumeRole uses it. Each stage is exported so a test vector, or a server verifying a
 * client, can check every step.
 */
import { hmacSha1, toBase64 } from '@oss-media/oss-sign';

const UNRESERVED_ONLY = /^[A-Za-z0-9\-_.~]*$/;
/** Characters `encodeURIComponent` keeps that RFC 3986 reserves, with their escapes. */
const LEFT_BY_ENCODE_URI_COMPONENT = /[!'()*]/g;
const LEFT_ESCAPES: Readonly<Record<string, string>> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
};

/**
 * Percent-encodes text per RFC 3986 as RPC signing requires: keeps `A-Za-z0-9-_.~`, encodes
 * every other UTF-8 byte as upper-case `%XX` (space → `%20`, `*` → `%2A`, `~` kept).
 *
 * @throws {TypeError} when the text holds a lone surrogate (it has no UTF-8 form).
 * @example percentEncodeRpc('a b*~') // 'a%20b%2A~'
 */
export function percentEncodeRpc(text: string): string {
  if (UNRESERVED_ONLY.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch (error) {
    throw new TypeError(`cannot percent-encode ${JSON.stringify(text)}: not well-formed UTF-16`, {
      cause: error,
    });
  }
  return encoded.replace(LEFT_BY_ENCODE_URI_COMPONENT, (c) => LEFT_ESCAPES[c] ?? c);
}

/**
 * The canonicalized query: parameters sorted by name (code-unit order), each name and value
 * percent-encoded, written `name=value` and joined with `&`. A `Signature` parameter is left
 * out, so a server can pass the parameters it received as they are.
 *
 * @example canonicalizedQueryRpc({ b: '2', a: 'x y' }) // 'a=x%20y&b=2'
 */
export function canonicalizedQueryRpc(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature' && params[name] !== undefined)
    .sort()
    .map((name) => `${percentEncodeRpc(name)}=${percentEncodeRpc(String(params[name]))}`)
    .join('&');
}

/**
 * StringToSign = METHOD `&` encode(`/`) `&` encode(canonicalized query).
 *
 * @example stringToSignRpc('GET', 'a=1') // 'GET&%2F&a%3D1'
 */
export function stringToSignRpc(method: string, canonicalizedQuery: string): string {
  return `${method.toUpperCase()}&${percentEncodeRpc('/')}&${percentEncodeRpc(canonicalizedQuery)}`;
}

/**
 * Base64 HMAC-SHA1 of the string to sign, keyed with the secret followed by `&`.
 *
 * @example signatureRpc('testsecret', stringToSign) // 'gNI7b0AyKZHxDgjBGPDgJ1Ce3L4=' for §9
 */
export function signatureRpc(accessKeySecret: string, stringToSign: string): string {
  return toBase64(hmacSha1(`${accessKeySecret}&`, stringToSign));
}

/**
 * All three stages at once: the signature of a parameter set sent with `method`.
 *
 * @example signRpc('POST', params, secret) // value of the `Signature` parameter
 */
export function signRpc(
  method: string,
  params: Record<string, string>,
  accessKeySecret: string,
): string {
  return signatureRpc(accessKeySecret, stringToSignRpc(method, canonicalizedQueryRpc(params)));
}
