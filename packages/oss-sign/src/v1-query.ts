import { checkCredentials, checkDate, checkHeaders } from './canonical.js';
import type { HashBackend } from './hashes.js';
import {
  checkExpires,
  formatQuery,
  objectUrl,
  type PresignOptions,
  withQuery,
} from './presign-common.js';
import { signatureV1, stringToSignV1 } from './v1-header.js';

export function presignUrlV1(h: HashBackend, options: PresignOptions): string {
  const credentials = checkCredentials(options.credentials);
  const expires = checkExpires(options.expires, Number.MAX_SAFE_INTEGER);
  const now = checkDate(options.now, 'options.now');
  const headers = checkHeaders(options.headers, 'options.headers');
  const url = objectUrl(options);

  const query: Record<string, string> = { ...options.query };
  if (credentials.securityToken !== undefined) query['security-token'] = credentials.securityToken;
  const expiresAt = String(Math.floor(now.getTime() / 1000) + expires);

  const stringToSign = stringToSignV1(
    { method: options.method ?? 'GET', bucket: options.bucket, key: options.key, query, headers },
    expiresAt,
  );
  const signature = signatureV1(h, credentials.accessKeySecret, stringToSign);

  const entries = Object.entries(query);
  entries.push(['OSSAccessKeyId', credentials.accessKeyId], ['Expires', expiresAt]);
  entries.push(['Signature', signature]);
  return withQuery(url, formatQuery(entries));
}
