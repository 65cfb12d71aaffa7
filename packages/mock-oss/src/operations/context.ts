import { createMd5, toBase64 } from '../digest.js';
import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import type { OssRequest } from '../parse.js';
import type { BucketRecord, Staging, Store } from '../store/types.js';

/** Everything an operation may use; built once per request by the pipeline. */
export interface OperationContext {
  request: OssRequest;
  body: AsyncIterable<Uint8Array>;
  store: Store;
  /** Mock clock, epoch milliseconds. */
  now: number;
  region: string;
  /** Owner ID written in listings and ACLs. */
  ownerId: string;
  /** Largest total of stored object bytes (memory cap), or Infinity. */
  storageLimit: number;
  /** CRC-64 continuation: `crc64(chunk, previous)`. */
  crc64(data: Uint8Array, previous: bigint): bigint;
  /** Checks a second permission (e.g. reading the source of a copy). */
  authorizeAlso(action: string, resource: string): void;
}

/** An operation: one request in, one response out; throws OssError for service errors. */
export type Operation = (context: OperationContext) => Promise<MockResponse>;

/** The largest object OSS stores through PutObject or AppendObject: 5 GB. */
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024;

/** The bucket the request names, or NoSuchBucket. */
export function requireBucket(context: OperationContext): BucketRecord {
  const name = context.request.bucket as string;
  const bucket = context.store.getBucket(name);
  if (!bucket) {
    throw new OssError('NoSuchBucket', 'The specified bucket does not exist.', {
      BucketName: name,
    });
  }
  return bucket;
}

/** The result of reading a request body into a staging area. */
export interface ReadBody {
  staging: Staging;
  size: number;
  /** CRC-64 of the body, continued from `initialCrc` when given. */
  crc64: bigint;
  /** MD5 of the body when requested or when Content-MD5 was sent. */
  md5?: Uint8Array;
}

/**
 * Streams the request body into the store's staging area while computing CRC-64 (and MD5 when
 * asked), enforcing the size and storage limits, and checking Content-MD5 when sent.
 *
 * @throws OssError EntityTooLarge, InsufficientStorage, InvalidDigest, IncompleteBody.
 */
export async function readBody(
  context: OperationContext,
  options: { md5: boolean; maxSize: number; initialCrc?: bigint },
): Promise<ReadBody> {
  const { headers } = context.request;
  const declared = headers['content-length'];
  const declaredSize = declared === undefined ? undefined : Number(declared);
  if (declaredSize !== undefined && declaredSize > options.maxSize) {
    throw new OssError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
  }
  checkStorage(context, declaredSize ?? 0);

  const expectedMd5 = headers['content-md5'];
  const hash = options.md5 || expectedMd5 !== undefined ? createMd5() : undefined;
  const staging = context.store.stage();
  let crc = options.initialCrc ?? 0n;
  let size = 0;
  try {
    for await (const chunk of context.body) {
      size += chunk.byteLength;
      if (size > options.maxSize) {
        throw new OssError(
          'EntityTooLarge',
          'Your proposed upload exceeds the maximum allowed size.',
        );
      }
      checkStorage(context, size);
      crc = context.crc64(chunk, crc);
      hash?.update(chunk);
      await staging.write(chunk);
    }
    if (declaredSize !== undefined && size < declaredSize) {
      throw new OssError(
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      );
    }
    const md5 = hash?.digest();
    if (expectedMd5 !== undefined && (md5 === undefined || toBase64(md5) !== expectedMd5)) {
      throw new OssError('InvalidDigest', 'The Content-MD5 you specified is not valid.', {
        CalculatedDigest: md5 ? toBase64(md5) : '',
        ExpectedDigest: expectedMd5,
      });
    }
    return md5 ? { staging, size, crc64: crc, md5 } : { staging, size, crc64: crc };
  } catch (error) {
    await staging.discard();
    throw error;
  }
}

function checkStorage(context: OperationContext, incoming: number): void {
  if (context.store.usedBytes + incoming > context.storageLimit) {
    throw new OssError(
      'InsufficientStorage',
      'The mock server storage limit is reached; delete objects or raise the limit.',
    );
  }
}

/** Reads a whole small body (XML configuration) into one array, capped at `limit` bytes. */
export async function readSmallBody(
  body: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new OssError('MalformedXML', 'The XML you provided was too large.');
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
