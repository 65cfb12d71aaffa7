import { crc64ToString } from '../digest.js';
import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import { emptyResponse } from '../respond.js';
import type { ObjectMeta } from '../store/types.js';
import { MAX_OBJECT_SIZE, type OperationContext, readBody, requireBucket } from './context.js';
import { checkKey } from './object.js';
import { appendableEtag, metaFromHeaders, newMeta } from './object-meta.js';

/**
 * AppendObject (protocol §4): `POST /key?append&position=N`. The position must equal the current
 * length (409 PositionNotEqualToLength with the length in `x-oss-next-append-position`); Normal
 * objects refuse (409 ObjectNotAppendable); metadata applies on the first append only; the
 * response carries the new length and the CRC-64 of the whole object.
 *
 * The position is checked before the body is read (a wrong position costs no upload) and again
 * just before the bytes are committed, so two racing appends at one position cannot both land.
 * The body's CRC continues from the stored object's, so the result is the whole object's CRC.
 */
export async function appendObject(context: OperationContext): Promise<MockResponse> {
  requireBucket(context);
  const { bucket, key, query, headers } = context.request as {
    bucket: string;
    key: string;
    query: Record<string, string>;
    headers: Record<string, string>;
  };
  checkKey(key);
  const position = parsePosition(query.position);
  const fields = metaFromHeaders(headers);
  const before = context.store.head(bucket, key);
  checkPosition(before, position);

  const body = await readBody(context, {
    md5: false,
    maxSize: MAX_OBJECT_SIZE - position,
    initialCrc: before?.crc64 ?? 0n,
  });
  // Metadata objects are replaced on every change, so identity tells whether anything landed
  // while this body was being read.
  const current = context.store.head(bucket, key);
  if (current !== before) {
    await body.staging.discard();
    checkPosition(current, position);
    throw positionError(current?.size ?? 0);
  }

  const meta = nextMeta(current, key, fields, body, context.now);
  if (current && body.size === 0) await body.staging.discard();
  else await context.store.append(bucket, meta, body.staging);
  return emptyResponse(200, {
    etag: `"${meta.etag}"`,
    'x-oss-next-append-position': String(meta.size),
    'x-oss-hash-crc64ecma': crc64ToString(meta.crc64),
  });
}

/** Parses `position`: a non-negative decimal integer, nothing else. */
function parsePosition(value: string | undefined): number {
  if (value === undefined || !/^\d{1,19}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new OssError('InvalidArgument', 'Position is not valid.', {
      ArgumentName: 'position',
      ArgumentValue: (value ?? '').slice(0, 64),
    });
  }
  return Number(value);
}

function checkPosition(current: ObjectMeta | undefined, position: number): void {
  if (current && current.type !== 'Appendable') {
    throw new OssError('ObjectNotAppendable', 'The object is not appendable');
  }
  const length = current?.size ?? 0;
  if (position !== length) throw positionError(length);
}

function positionError(length: number): OssError {
  return new OssError(
    'PositionNotEqualToLength',
    'Position is not equal to file length',
    {},
    { 'x-oss-next-append-position': String(length) },
  );
}

function nextMeta(
  current: ObjectMeta | undefined,
  key: string,
  fields: ReturnType<typeof metaFromHeaders>,
  body: { size: number; crc64: bigint },
  now: number,
): ObjectMeta {
  if (current && body.size === 0) return current;
  if (!current) {
    return newMeta(key, 'Appendable', fields, {
      size: body.size,
      crc64: body.crc64,
      etag: appendableEtag(body.crc64, body.size),
      lastModified: now,
    });
  }
  const size = current.size + body.size;
  return {
    ...current,
    size,
    crc64: body.crc64,
    etag: appendableEtag(body.crc64, size),
    lastModified: now,
  };
}
