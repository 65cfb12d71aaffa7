import { appendObject } from './append.js';
import {
  deleteBucket,
  getBucketAcl,
  getBucketInfo,
  getBucketLocation,
  headBucket,
  listBuckets,
  putBucket,
  putBucketAcl,
} from './bucket.js';
import type { Operation } from './context.js';
import { deleteBucketCors, getBucketCors, putBucketCors } from './cors.js';
import { deleteBucketLifecycle, getBucketLifecycle, putBucketLifecycle } from './lifecycle.js';
import { listObjects, listObjectsV2 } from './list.js';
import {
  copyObject,
  deleteMultipleObjects,
  deleteObject,
  getObject,
  getObjectAcl,
  getObjectMeta,
  putObject,
  putObjectAcl,
} from './object.js';

/** The operations the mock serves, by service operation name. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  PutObject: putObject,
  AppendObject: appendObject,
  CopyObject: copyObject,
  GetObject: getObject,
  HeadObject: getObject,
  GetObjectMeta: getObjectMeta,
  DeleteObject: deleteObject,
  DeleteMultipleObjects: deleteMultipleObjects,
  PutObjectAcl: putObjectAcl,
  GetObjectAcl: getObjectAcl,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  ListBuckets: listBuckets,
  PutBucket: putBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketInfo: getBucketInfo,
  GetBucketLocation: getBucketLocation,
  PutBucketAcl: putBucketAcl,
  GetBucketAcl: getBucketAcl,
  PutBucketLifecycle: putBucketLifecycle,
  GetBucketLifecycle: getBucketLifecycle,
  DeleteBucketLifecycle: deleteBucketLifecycle,
  PutBucketCors: putBucketCors,
  GetBucketCors: getBucketCors,
  DeleteBucketCors: deleteBucketCors,
};
