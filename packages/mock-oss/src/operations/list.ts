import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import { isoDate, xmlResponse } from '../respond.js';
import type { SortedKeys } from '../store/sorted-keys.js';
import { compareKeys } from '../store/sorted-keys.js';
import type { ObjectMeta } from '../store/types.js';
import type { XmlChild } from '../xml.js';
import { type OperationContext, requireBucket } from './context.js';

/** One page of a listing. */
export interface ListPage {
  objects: ObjectMeta[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix of the page; where the next page starts after. */
  last?: string;
}

/**
 * Walks the sorted keys from just after `after` (or the start of `prefix`), rolling keys that
 * contain `delimiter` after the prefix into common prefixes and skipping past each rolled-up
 * group with one binary search, so a page costs O(log n + page).
 */
export function listPage(
  keys: SortedKeys,
  head: (key: string) => ObjectMeta | undefined,
  options: { prefix: string; delimiter: string; after: string; maxKeys: number },
): ListPage {
  const { prefix, delimiter, after, maxKeys } = options;
  let index = keys.lowerBound(prefix);
  if (after !== '' && compareKeys(after, prefix) >= 0)
    index = Math.max(index, keys.upperBound(after));

  const page: ListPage = { objects: [], commonPrefixes: [], truncated: false };
  while (true) {
    const key = keys.at(index);
    if (key === undefined || !key.startsWith(prefix)) return page;
    if (page.objects.length + page.commonPrefixes.length >= maxKeys) {
      page.truncated = true;
      return page;
    }

    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      if (after === '' || compareKeys(common, after) > 0) {
        page.commonPrefixes.push(common);
        page.last = common;
      }
      index = keys.endOfPrefix(common, index);
      continue;
    }
    const meta = head(key);
    if (meta) {
      page.objects.push(meta);
      page.last = key;
    }
    index++;
  }
}

interface ListParameters {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  encode: boolean;
}

function listParameters(query: Record<string, string>): ListParameters {
  const encodingType = query['encoding-type'];
  if (encodingType !== undefined && encodingType !== '' && encodingType !== 'url') {
    throw new OssError('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType.slice(0, 64),
    });
  }
  const rawMaxKeys = query['max-keys'];
  let maxKeys = 100;
  if (rawMaxKeys !== undefined && rawMaxKeys !== '') {
    maxKeys = /^\d{1,7}$/.test(rawMaxKeys) ? Number(rawMaxKeys) : -1;
    if (maxKeys < 0 || maxKeys > 1000) {
      throw new OssError(
        'InvalidArgument',
        'Argument max-keys must be an integer between 0 and 1000.',
        {
          ArgumentName: 'max-keys',
          ArgumentValue: rawMaxKeys.slice(0, 64),
        },
      );
    }
  }
  return {
    prefix: query.prefix ?? '',
    delimiter: query.delimiter ?? '',
    maxKeys,
    encode: encodingType === 'url',
  };
}

function contents(
  page: ListPage,
  context: OperationContext,
  encode: (s: string) => string,
  owner: boolean,
): XmlChild[] {
  const out: XmlChild[] = [];
  for (const meta of page.objects) {
    const fields: XmlChild[] = [
      ['Key', encode(meta.key)],
      ['LastModified', isoDate(meta.lastModified)],
      ['ETag', `"${meta.etag}"`],
      ['Type', meta.type],
      ['Size', meta.size],
      ['StorageClass', meta.storageClass],
    ];
    if (owner)
      fields.push([
        'Owner',
        [
          ['ID', context.ownerId],
          ['DisplayName', context.ownerId],
        ],
      ]);
    out.push(['Contents', fields]);
  }
  for (const common of page.commonPrefixes)
    out.push(['CommonPrefixes', [['Prefix', encode(common)]]]);
  return out;
}

function encoder(encode: boolean): (text: string) => string {
  return encode ? (text) => encodeURIComponent(text).replace(/%2F/g, '/') : (text) => text;
}

function runPage(context: OperationContext, parameters: ListParameters, after: string): ListPage {
  const bucket = context.request.bucket as string;
  const keys = context.store.keys(bucket);
  if (!keys) return { objects: [], commonPrefixes: [], truncated: false };
  return listPage(keys, (key) => context.store.head(bucket, key), { ...parameters, after });
}

/** ListObjects (V1): prefix, delimiter, marker, max-keys, encoding-type. */
export async function listObjects(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const query = context.request.query;
  const parameters = listParameters(query);
  const marker = query.marker ?? '';
  const page = runPage(context, parameters, marker);
  const encode = encoder(parameters.encode);

  const children: XmlChild[] = [
    ['Name', bucket.name],
    ['Prefix', encode(parameters.prefix)],
    ['Marker', encode(marker)],
    ['MaxKeys', parameters.maxKeys],
    ['Delimiter', encode(parameters.delimiter)],
  ];
  if (parameters.encode) children.push(['EncodingType', 'url']);
  children.push(['IsTruncated', page.truncated]);
  if (page.truncated && page.last !== undefined) children.push(['NextMarker', encode(page.last)]);
  children.push(...contents(page, context, encode, true));
  return xmlResponse('ListBucketResult', children);
}

/** ListObjectsV2: continuation-token, start-after, fetch-owner, KeyCount. */
export async function listObjectsV2(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const query = context.request.query;
  const parameters = listParameters(query);
  const token = query['continuation-token'];
  const startAfter = query['start-after'] ?? '';
  let after = startAfter;
  if (token !== undefined && token !== '') {
    const decoded = decodeToken(token);
    if (compareKeys(decoded, after) > 0) after = decoded;
  }
  const page = runPage(context, parameters, after);
  const encode = encoder(parameters.encode);

  const children: XmlChild[] = [
    ['Name', bucket.name],
    ['Prefix', encode(parameters.prefix)],
  ];
  if (startAfter !== '') children.push(['StartAfter', encode(startAfter)]);
  if (token !== undefined) children.push(['ContinuationToken', token]);
  children.push(['MaxKeys', parameters.maxKeys], ['Delimiter', encode(parameters.delimiter)]);
  if (parameters.encode) children.push(['EncodingType', 'url']);
  children.push(['IsTruncated', page.truncated]);
  if (page.truncated && page.last !== undefined) {
    children.push(['NextContinuationToken', encodeToken(page.last)]);
  }
  children.push(['KeyCount', page.objects.length + page.commonPrefixes.length]);
  children.push(...contents(page, context, encode, query['fetch-owner'] === 'true'));
  return xmlResponse('ListBucketResult', children);
}

/** Continuation tokens are opaque to clients; the mock uses base64url of the last key. */
function encodeToken(key: string): string {
  const bytes = new TextEncoder().encode(key);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeToken(token: string): string {
  try {
    const binary = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OssError('InvalidArgument', 'The continuation token provided is incorrect', {
      ArgumentName: 'continuation-token',
      ArgumentValue: token.slice(0, 128),
    });
  }
}
