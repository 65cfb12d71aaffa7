/**
 * The application server's side: buckets, lifecycle rules, listings and presigned URLs.
 */
import { presignUrlV1, presignUrlV4 } from '@oss-media/oss-sign';
import type { ObjectType } from './objects.js';
import type { Requester } from './request.js';
import { buildXml, childOf, listOf, parseXml, textOf, type XmlNode } from './xml.js';

/** Canned ACLs of a bucket. */
export type BucketAcl = 'private' | 'public-read' | 'public-read-write';

/** Options of a bucket creation. */
export interface CreateBucketOptions {
  acl?: BucketAcl;
  /** Standard, IA, Archive, ... (the service's default when absent). */
  storageClass?: string;
  signal?: AbortSignal;
}

/** PutBucket. @throws {ConflictError} BucketAlreadyExists when someone else owns the name. */
export async function createBucket(
  requester: Requester,
  bucket: string,
  options: CreateBucketOptions = {},
): Promise<void> {
  const headers: Record<string, string> = {};
  if (options.acl !== undefined) headers['x-oss-acl'] = options.acl;
  const configuration: XmlNode = {};
  if (options.storageClass !== undefined) configuration.StorageClass = options.storageClass;
  const body =
    Object.keys(configuration).length === 0
      ? undefined
      : buildXml({ CreateBucketConfiguration: configuration });
  if (body !== undefined) headers['content-type'] = 'application/xml';
  await requester.send({
    method: 'PUT',
    bucket,
    headers,
    ...(body === undefined ? {} : { body }),
    ...signalOf(options),
  });
}

/** DeleteBucket. @throws {ConflictError} BucketNotEmpty while objects remain. */
export async function deleteBucket(
  requester: Requester,
  bucket: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await requester.send({ method: 'DELETE', bucket, ...signalOf(options) });
}

/** One lifecycle rule: expire objects under a prefix after some days. */
export interface LifecycleRule {
  id?: string;
  prefix: string;
  status: 'Enabled' | 'Disabled';
  /** Objects older than this many days are deleted. */
  expirationDays?: number;
  /** Or: objects last modified before this moment (ISO 8601, midnight UTC) are deleted. */
  createdBeforeDate?: string;
}

/** PutBucketLifecycle: replaces every rule of the bucket. */
export async function putBucketLifecycle(
  requester: Requester,
  bucket: string,
  rules: readonly LifecycleRule[],
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const body = buildXml({ LifecycleConfiguration: { Rule: rules.map(ruleElement) } });
  await requester.send({
    method: 'PUT',
    bucket,
    query: { lifecycle: null },
    headers: { 'content-type': 'application/xml' },
    body,
    ...signalOf(options),
  });
}

/** GetBucketLifecycle. @throws {NotFoundError} NoSuchLifecycle when the bucket has no rules. */
export async function getBucketLifecycle(
  requester: Requester,
  bucket: string,
  options: { signal?: AbortSignal } = {},
): Promise<LifecycleRule[]> {
  const response = await requester.send({
    method: 'GET',
    bucket,
    query: { lifecycle: null },
    ...signalOf(options),
  });
  const root = childOf(parseXml(response.body), 'LifecycleConfiguration');
  return listOf(root, 'Rule').map(parseRule);
}

/** DeleteBucketLifecycle. */
export async function deleteBucketLifecycle(
  requester: Requester,
  bucket: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await requester.send({
    method: 'DELETE',
    bucket,
    query: { lifecycle: null },
    ...signalOf(options),
  });
}

function ruleElement(rule: LifecycleRule): XmlNode {
  const element: XmlNode = {};
  if (rule.id !== undefined) element.ID = rule.id;
  element.Prefix = rule.prefix;
  element.Status = rule.status;
  if (rule.expirationDays !== undefined) {
    element.Expiration = { Days: String(rule.expirationDays) };
  } else if (rule.createdBeforeDate !== undefined) {
    element.Expiration = { CreatedBeforeDate: rule.createdBeforeDate };
  }
  return element;
}

function parseRule(node: XmlNode | XmlNode[keyof XmlNode]): LifecycleRule {
  const rule: LifecycleRule = {
    prefix: textOf(node, 'Prefix') ?? '',
    status: textOf(node, 'Status') === 'Enabled' ? 'Enabled' : 'Disabled',
  };
  const id = textOf(node, 'ID');
  if (id !== undefined) rule.id = id;
  const expiration = childOf(node, 'Expiration');
  const days = textOf(expiration, 'Days');
  const date = textOf(expiration, 'CreatedBeforeDate');
  if (days !== undefined) rule.expirationDays = Number(days);
  if (date !== undefined) rule.createdBeforeDate = date;
  return rule;
}

/** Options of a listing. */
export interface ListOptions {
  prefix?: string;
  /** Groups keys up to the next delimiter into {@link ListPage.prefixes}. */
  delimiter?: string;
  /** Keys per page, 1..1000 (the service's default is 100). */
  maxKeys?: number;
  /** List keys after this one. */
  startAfter?: string;
  signal?: AbortSignal;
}

/** One object of a listing. */
export interface ObjectSummary {
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
  type: ObjectType;
  storageClass: string;
}

/** One page of ListObjectsV2. */
export interface ListPage {
  objects: ObjectSummary[];
  /** Common prefixes, when a delimiter was given. */
  prefixes: string[];
  isTruncated: boolean;
  nextContinuationToken: string | undefined;
}

/**
 * ListObjectsV2, every page: follows the continuation token until the listing ends. Names are
 * requested URL-encoded and decoded here, so keys with control characters survive.
 *
 * @example
 * for await (const page of listObjectPages(requester, 'videos', { prefix: 'cam-42/' })) {
 *   for (const object of page.objects) console.log(object.key, object.size);
 * }
 */
export async function* listObjectPages(
  requester: Requester,
  bucket: string,
  options: ListOptions = {},
): AsyncGenerator<ListPage> {
  let continuationToken: string | undefined;
  do {
    const query: Record<string, string> = { 'list-type': '2', 'encoding-type': 'url' };
    if (options.prefix !== undefined) query.prefix = options.prefix;
    if (options.delimiter !== undefined) query.delimiter = options.delimiter;
    if (options.maxKeys !== undefined) query['max-keys'] = String(options.maxKeys);
    if (options.startAfter !== undefined) query['start-after'] = options.startAfter;
    if (continuationToken !== undefined) query['continuation-token'] = continuationToken;

    const response = await requester.send({ method: 'GET', bucket, query, ...signalOf(options) });
    const page = parseListPage(response.body);
    yield page;
    continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}

/** Parses a `<ListBucketResult>` body (V1 or V2). */
export function parseListPage(body: Uint8Array | string): ListPage {
  const root = childOf(parseXml(body), 'ListBucketResult');
  const encoded = textOf(root, 'EncodingType') === 'url';
  const name = (text: string | undefined) => {
    const value = text ?? '';
    return encoded ? decodeURIComponent(value.replace(/\+/g, '%20')) : value;
  };

  const objects = listOf(root, 'Contents').map((entry) => ({
    key: name(textOf(entry, 'Key')),
    size: Number(textOf(entry, 'Size') ?? 0),
    lastModified: new Date(textOf(entry, 'LastModified') ?? 0),
    etag: textOf(entry, 'ETag') ?? '',
    type: (textOf(entry, 'Type') ?? 'Normal') as ObjectType,
    storageClass: textOf(entry, 'StorageClass') ?? 'Standard',
  }));
  const prefixes = listOf(root, 'CommonPrefixes').map((entry) => name(textOf(entry, 'Prefix')));
  const isTruncated = textOf(root, 'IsTruncated') === 'true';
  const next = textOf(root, 'NextContinuationToken');
  return {
    objects,
    prefixes,
    isTruncated,
    // The token is opaque and comes back as sent, whatever the encoding type.
    nextContinuationToken: next === undefined || next === '' ? undefined : next,
  };
}

/** Options of a presigned URL. */
export interface PresignOptions {
  /** Seconds of validity. */
  expires: number;
  /** For PUT: the Content-Type the browser will send (it is signed). */
  contentType?: string;
  /** Further signed headers or response overrides (`response-content-type`, ...). */
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** A presigned URL for `method` on an object, signed with the requester's credentials. */
export async function presignUrl(
  requester: Requester,
  method: 'GET' | 'PUT',
  bucket: string,
  key: string,
  options: PresignOptions,
): Promise<string> {
  const { core } = requester;
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  const common = {
    endpoint: core.endpoint,
    bucket,
    key,
    method,
    credentials: await requester.auth.current(),
    expires: options.expires,
    now: new Date(requester.serverNow()),
    pathStyle: core.pathStyle,
    headers,
    ...(options.query === undefined ? {} : { query: options.query }),
  };
  if (core.signatureVersion === 'v4') return presignUrlV4({ ...common, region: core.region! });
  return presignUrlV1(common);
}

function signalOf(options: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}
