/** The RAM action each operation needs (protocol §10), and whether it reads or writes. */
export const ACTION_BY_OPERATION: Readonly<Record<string, string>> = {
  PutObject: 'oss:PutObject',
  AppendObject: 'oss:PutObject',
  CopyObject: 'oss:PutObject',
  GetObject: 'oss:GetObject',
  HeadObject: 'oss:GetObject',
  GetObjectMeta: 'oss:GetObject',
  DeleteObject: 'oss:DeleteObject',
  DeleteMultipleObjects: 'oss:DeleteObject',
  PutObjectAcl: 'oss:PutObjectAcl',
  GetObjectAcl: 'oss:GetObjectAcl',
  ListObjects: 'oss:ListObjects',
  ListObjectsV2: 'oss:ListObjects',
  ListBuckets: 'oss:ListBuckets',
  PutBucket: 'oss:PutBucket',
  DeleteBucket: 'oss:DeleteBucket',
  HeadBucket: 'oss:GetBucketInfo',
  GetBucketInfo: 'oss:GetBucketInfo',
  GetBucketLocation: 'oss:GetBucketLocation',
  PutBucketAcl: 'oss:PutBucketAcl',
  GetBucketAcl: 'oss:GetBucketAcl',
  PutBucketLifecycle: 'oss:PutBucketLifecycle',
  GetBucketLifecycle: 'oss:GetBucketLifecycle',
  DeleteBucketLifecycle: 'oss:DeleteBucketLifecycle',
  PutBucketCors: 'oss:PutBucketCors',
  GetBucketCors: 'oss:GetBucketCors',
  DeleteBucketCors: 'oss:DeleteBucketCors',
};

/** Operations an anonymous caller may run on a public-read resource. */
export const PUBLIC_READ_OPERATIONS: ReadonlySet<string> = new Set([
  'GetObject',
  'HeadObject',
  'GetObjectMeta',
  'ListObjects',
  'ListObjectsV2',
]);

/** Operations an anonymous caller may additionally run on a public-read-write bucket. */
export const PUBLIC_WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'PutObject',
  'AppendObject',
  'CopyObject',
  'DeleteObject',
  'DeleteMultipleObjects',
]);

/** The RAM resource string of a bucket or object. */
export function resourceOf(bucket: string | undefined, key: string | undefined): string {
  if (bucket === undefined) return 'acs:oss:*:*:*';
  return key === undefined ? `acs:oss:*:*:${bucket}` : `acs:oss:*:*:${bucket}/${key}`;
}
