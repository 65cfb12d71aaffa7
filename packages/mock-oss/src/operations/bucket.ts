import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import { isValidBucketName } from '../parse.js';
import { emptyResponse, isoDate, xmlResponse } from '../respond.js';
import type { BucketRecord } from '../store/types.js';
import { childText, escapeXml, parseXmlBody, type XmlChild } from '../xml.js';
import { type OperationContext, readSmallBody, requireBucket } from './context.js';

const BUCKET_ACLS = new Set(['private', 'public-read', 'public-read-write']);
const STORAGE_CLASSES = new Set(['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive']);

/** The service's limit on buckets per account. */
export const MAX_BUCKETS = 100;

function bucketAcl(value: string | undefined): BucketRecord['acl'] {
  const acl = value ?? 'private';
  if (!BUCKET_ACLS.has(acl)) {
    throw new OssError('InvalidArgument', 'no such bucket access control exists', {
      ArgumentName: 'x-oss-acl',
      ArgumentValue: acl.slice(0, 64),
    });
  }
  return acl as BucketRecord['acl'];
}

/** Creates a bucket record with defaults; used by PutBucket and by server options. */
export function newBucket(
  name: string,
  now: number,
  region: string,
  acl: BucketRecord['acl'] = 'private',
  storageClass = 'Standard',
): BucketRecord {
  return { name, created: now, acl, storageClass, region };
}

/** PutBucket: `x-oss-acl` and an optional `<CreateBucketConfiguration>` body. */
export async function putBucket(context: OperationContext): Promise<MockResponse> {
  const name = context.request.bucket as string;
  if (!isValidBucketName(name)) {
    throw new OssError('InvalidBucketName', 'The specified bucket is not valid.', {
      BucketName: name.slice(0, 128),
    });
  }
  const acl = bucketAcl(context.request.headers['x-oss-acl']);
  const bytes = await readSmallBody(context.body, 64 * 1024);
  let storageClass = 'Standard';
  if (bytes.byteLength > 0) {
    const root = parseXmlBody(bytes, 'CreateBucketConfiguration');
    storageClass = childText(root, 'StorageClass') || 'Standard';
    if (!STORAGE_CLASSES.has(storageClass)) {
      throw new OssError('InvalidArgument', 'Invalid storage class.', {
        ArgumentName: 'StorageClass',
        ArgumentValue: storageClass.slice(0, 64),
      });
    }
  }
  if (context.store.getBucket(name)) {
    throw new OssError(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users ' +
        'of the system. Please select a different name and try again.',
      { BucketName: name },
    );
  }
  if (context.store.listBuckets().length >= MAX_BUCKETS) {
    throw new OssError('TooManyBuckets', 'You have attempted to create more buckets than allowed.');
  }
  await context.store.putBucket(newBucket(name, context.now, context.region, acl, storageClass));
  return emptyResponse(200, { location: `/${name}` });
}

/** DeleteBucket: 204, or 409 BucketNotEmpty. */
export async function deleteBucket(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  if (context.store.objectCount(bucket.name) > 0) {
    throw new OssError('BucketNotEmpty', 'The bucket you tried to delete is not empty.', {
      BucketName: bucket.name,
    });
  }
  await context.store.deleteBucket(bucket.name);
  return emptyResponse(204);
}

/** HEAD on a bucket: 200 when it exists. */
export async function headBucket(context: OperationContext): Promise<MockResponse> {
  requireBucket(context);
  return emptyResponse(200);
}

function endpoints(context: OperationContext): XmlChild[] {
  return [
    ['ExtranetEndpoint', `oss-${context.region}.aliyuncs.com`],
    ['IntranetEndpoint', `oss-${context.region}-internal.aliyuncs.com`],
  ];
}

/** ListBuckets (GetService): prefix, marker, max-keys. */
export async function listBuckets(context: OperationContext): Promise<MockResponse> {
  const { query } = context.request;
  const prefix = query.prefix ?? '';
  const marker = query.marker ?? '';
  const rawMax = query['max-keys'];
  const maxKeys = rawMax === undefined || rawMax === '' ? 1000 : Number(rawMax);
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 1000) {
    throw new OssError(
      'InvalidArgument',
      'Argument max-keys must be an integer between 1 and 1000.',
      {
        ArgumentName: 'max-keys',
        ArgumentValue: String(rawMax).slice(0, 64),
      },
    );
  }
  const all = context.store
    .listBuckets()
    .filter((bucket) => bucket.name.startsWith(prefix) && bucket.name > marker)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = all.slice(0, maxKeys);
  const truncated = all.length > page.length;

  const children: XmlChild[] = [
    [
      'Owner',
      [
        ['ID', context.ownerId],
        ['DisplayName', context.ownerId],
      ],
    ],
  ];
  if (prefix !== '') children.push(['Prefix', prefix]);
  if (marker !== '') children.push(['Marker', marker]);
  if (rawMax !== undefined) children.push(['MaxKeys', maxKeys]);
  if (truncated) {
    children.push(['IsTruncated', true], ['NextMarker', page[page.length - 1]?.name ?? '']);
  }
  children.push([
    'Buckets',
    page.map(
      (bucket) =>
        [
          'Bucket',
          [
            ['CreationDate', isoDate(bucket.created)],
            ...endpoints(context),
            ['Location', `oss-${bucket.region}`],
            ['Name', bucket.name],
            ['Region', bucket.region],
            ['StorageClass', bucket.storageClass],
          ],
        ] as const,
    ),
  ]);
  return xmlResponse('ListAllMyBucketsResult', children);
}

/** GetBucketInfo. */
export async function getBucketInfo(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  return xmlResponse('BucketInfo', [
    [
      'Bucket',
      [
        ['AccessMonitor', 'Disabled'],
        ['CreationDate', isoDate(bucket.created)],
        ...endpoints(context),
        ['Location', `oss-${bucket.region}`],
        ['StorageClass', bucket.storageClass],
        ['TransferAcceleration', 'Disabled'],
        ['CrossRegionReplication', 'Disabled'],
        ['Name', bucket.name],
        ['Region', bucket.region],
        [
          'Owner',
          [
            ['DisplayName', context.ownerId],
            ['ID', context.ownerId],
          ],
        ],
        ['AccessControlList', [['Grant', bucket.acl]]],
        ['Comment', ''],
        ['Versioning', 'Disabled'],
        ['ServerSideEncryptionRule', [['SSEAlgorithm', 'None']]],
      ],
    ],
  ]);
}

/** GetBucketLocation. */
export async function getBucketLocation(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  return xmlLocation(`oss-${bucket.region}`);
}

function xmlLocation(location: string): MockResponse {
  // The root element holds text, which renderXml's child-list form does not express.
  const text =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<LocationConstraint>${escapeXml(location)}</LocationConstraint>`;
  const body = new TextEncoder().encode(text);
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'content-length': String(body.byteLength) },
    body,
  };
}

/** PutBucketAcl: `x-oss-acl`. */
export async function putBucketAcl(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const acl = bucketAcl(context.request.headers['x-oss-acl']);
  await context.store.putBucket({ ...bucket, acl });
  return emptyResponse(200);
}

/** GetBucketAcl. */
export async function getBucketAcl(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  return xmlResponse('AccessControlPolicy', [
    [
      'Owner',
      [
        ['ID', context.ownerId],
        ['DisplayName', context.ownerId],
      ],
    ],
    ['AccessControlList', [['Grant', bucket.acl]]],
  ]);
}
