import { contentMd5, crc64ToString, toBase64 } from '../digest.js';
import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import { decodeComponent } from '../parse.js';
import { emptyResponse, isoDate, xmlResponse } from '../respond.js';
import type { ObjectMeta } from '../store/types.js';
import { children, childText, parseXmlBody, type XmlChild } from '../xml.js';
import { evaluateConditions, parseRange } from './conditions.js';
import {
  MAX_OBJECT_SIZE,
  type OperationContext,
  readBody,
  readSmallBody,
  requireBucket,
} from './context.js';
import {
  checkUserMetaSize,
  metaFromHeaders,
  newMeta,
  noSuchKey,
  objectHeaders,
  upperHex,
} from './object-meta.js';

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** The object the request names, or NoSuchKey. */
export function requireObject(context: OperationContext): ObjectMeta {
  requireBucket(context);
  const { bucket, key } = context.request as { bucket: string; key: string };
  const meta = context.store.head(bucket, key);
  if (!meta) throw noSuchKey(key);
  return meta;
}

/** Rejects a write when `x-oss-forbid-overwrite: true` and the object exists. */
function checkForbidOverwrite(context: OperationContext, existing: ObjectMeta | undefined): void {
  if (existing && context.request.headers['x-oss-forbid-overwrite'] === 'true') {
    throw new OssError(
      'FileAlreadyExists',
      'The object you specified already exists and can not be overwritten.',
    );
  }
}

/** PutObject: stores a Normal object (replacing an appendable one too). */
export async function putObject(context: OperationContext): Promise<MockResponse> {
  requireBucket(context);
  const { bucket, key, headers } = context.request as {
    bucket: string;
    key: string;
    headers: Record<string, string>;
  };
  checkKey(key);
  const fields = metaFromHeaders(headers);
  checkForbidOverwrite(context, context.store.head(bucket, key));

  const body = await readBody(context, { md5: true, maxSize: MAX_OBJECT_SIZE });
  const meta = newMeta(key, 'Normal', fields, {
    size: body.size,
    etag: upperHex(body.md5 as Uint8Array),
    crc64: body.crc64,
    lastModified: context.now,
  });
  await context.store.put(bucket, meta, body.staging);

  return emptyResponse(200, {
    etag: `"${meta.etag}"`,
    'x-oss-hash-crc64ecma': crc64ToString(meta.crc64),
    'content-md5': toBase64(body.md5 as Uint8Array),
  });
}

/** Checks the key rules OSS applies on writes: 1..1023 bytes of UTF-8, no leading slash. */
export function checkKey(key: string): void {
  // At most 3 UTF-8 bytes per UTF-16 unit: a key of ≤ 341 units needs no encoding to check.
  const tooLong = key.length > 341 && new TextEncoder().encode(key).byteLength > 1023;
  if (key.length === 0 || tooLong || key.startsWith('/') || key.startsWith('\\')) {
    throw new OssError('InvalidObjectName', 'The specified object is not valid.');
  }
}

/** GetObject and HeadObject: ranges, conditionals and response-* overrides. */
export async function getObject(context: OperationContext): Promise<MockResponse> {
  const meta = requireObject(context);
  const { bucket, key, headers, query, method } = context.request as {
    bucket: string;
    key: string;
    headers: Record<string, string>;
    query: Record<string, string>;
    method: string;
  };
  const notModified = evaluateConditions(headers, meta, 'if-');
  const responseHeaders = objectHeaders(meta);
  if (notModified) {
    return {
      status: 304,
      headers: {
        etag: responseHeaders.etag as string,
        'last-modified': responseHeaders['last-modified'] as string,
      },
    };
  }

  for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query[parameter];
    if (value !== undefined) responseHeaders[header] = value;
  }

  const range = parseRange(
    headers.range,
    meta.size,
    headers['x-oss-range-behavior'] === 'standard',
  );
  let status = 200;
  let start = 0;
  let end = meta.size;
  if (range) {
    status = 206;
    start = range.start;
    end = range.end;
    responseHeaders['content-range'] = `bytes ${start}-${end - 1}/${meta.size}`;
  }
  responseHeaders['content-length'] = String(end - start);
  if (method === 'HEAD' || end === start) return { status, headers: responseHeaders };
  return { status, headers: responseHeaders, body: context.store.read(bucket, key, start, end) };
}

/**
 * GetObjectMeta: the basic metadata only. Over HEAD, Content-Length is the object's size, as
 * for HeadObject; over GET there is no body, so it is 0 (a GET that announced the size and sent
 * nothing would leave the client waiting for bytes that never come).
 */
export async function getObjectMeta(context: OperationContext): Promise<MockResponse> {
  const meta = requireObject(context);
  const full = objectHeaders(meta);
  const headers: Record<string, string> = {
    etag: full.etag as string,
    'last-modified': full['last-modified'] as string,
    'content-length': context.request.method === 'HEAD' ? String(meta.size) : '0',
    'x-oss-hash-crc64ecma': full['x-oss-hash-crc64ecma'] as string,
  };
  if (meta.type === 'Appendable') headers['x-oss-next-append-position'] = String(meta.size);
  return { status: 200, headers };
}

/** DeleteObject: 204 whether or not the object existed. */
export async function deleteObject(context: OperationContext): Promise<MockResponse> {
  requireBucket(context);
  const { bucket, key } = context.request as { bucket: string; key: string };
  await context.store.delete(bucket, key);
  return emptyResponse(204);
}

/** Most keys one DeleteMultipleObjects request may name. */
export const MAX_DELETE_KEYS = 1000;

/** DeleteMultipleObjects: `<Delete><Quiet/><Object><Key/></Object>…</Delete>`. */
export async function deleteMultipleObjects(context: OperationContext): Promise<MockResponse> {
  requireBucket(context);
  const { bucket, query, headers } = context.request as {
    bucket: string;
    query: Record<string, string>;
    headers: Record<string, string>;
  };
  const encodingType = query['encoding-type'];
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new OssError('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  }
  const bytes = await readSmallBody(context.body, 2 * 1024 * 1024);
  await checkMd5(headers, bytes);
  const root = parseXmlBody(bytes, 'Delete');
  const quiet = childText(root, 'Quiet')?.toLowerCase() === 'true';
  const objects = children(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformedXml();

  const keys = objects.map((object) => {
    const raw = childText(object, 'Key');
    if (raw === undefined || raw === '') throw malformedXml();
    if (encodingType !== 'url') return raw;
    try {
      return decodeComponent(raw);
    } catch {
      throw malformedXml();
    }
  });
  for (const key of keys) await context.store.delete(bucket, key);

  const result: XmlChild[] = [];
  if (!quiet) {
    for (const key of keys) {
      result.push(['Deleted', [['Key', encodingType === 'url' ? encodeURIComponent(key) : key]]]);
    }
  }
  if (encodingType === 'url') result.push(['EncodingType', 'url']);
  return xmlResponse('DeleteResult', result);
}

async function checkMd5(headers: Record<string, string>, bytes: Uint8Array): Promise<void> {
  const expected = headers['content-md5'];
  if (expected === undefined) return;
  const actual = contentMd5(bytes);
  if (actual !== expected) {
    throw new OssError('InvalidDigest', 'The Content-MD5 you specified is not valid.', {
      CalculatedDigest: actual,
      ExpectedDigest: expected,
    });
  }
}

function malformedXml(): OssError {
  return new OssError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );
}

/** CopyObject: `x-oss-copy-source: /bucket/key` with COPY or REPLACE metadata. */
export async function copyObject(context: OperationContext): Promise<MockResponse> {
  requireBucket(context);
  const { bucket, key, headers } = context.request as {
    bucket: string;
    key: string;
    headers: Record<string, string>;
  };
  checkKey(key);
  // Refused whatever the directive: the limit applies to the request's headers.
  checkUserMetaSize(headers);
  const source = parseCopySource(headers['x-oss-copy-source'] as string);
  context.authorizeAlso('oss:GetObject', `acs:oss:*:*:${source.bucket}/${source.key}`);
  if (!context.store.getBucket(source.bucket)) {
    throw new OssError('NoSuchBucket', 'The specified bucket does not exist.', {
      BucketName: source.bucket,
    });
  }
  const sourceMeta = context.store.head(source.bucket, source.key);
  if (!sourceMeta) throw noSuchKey(source.key);
  const notModified = evaluateConditions(headers, sourceMeta, 'x-oss-copy-source-if-');
  if (notModified)
    throw new OssError(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold.',
      { Condition: 'x-oss-copy-source-if-none-match' },
    );

  const target = context.store.head(bucket, key);
  checkForbidOverwrite(context, target);
  if (target?.type === 'Appendable' && !(source.bucket === bucket && source.key === key)) {
    // Overwriting an appendable object through copy is refused by the service too.
    throw new OssError('ObjectNotAppendable', 'The object is not appendable');
  }
  const directive = headers['x-oss-metadata-directive'] ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new OssError('InvalidArgument', 'Invalid metadata directive.', {
      ArgumentName: 'x-oss-metadata-directive',
      ArgumentValue: directive,
    });
  }
  const fields =
    directive === 'REPLACE'
      ? metaFromHeaders(headers)
      : {
          contentType: sourceMeta.contentType,
          headers: sourceMeta.headers,
          userMeta: sourceMeta.userMeta,
          storageClass: headers['x-oss-storage-class'] ?? sourceMeta.storageClass,
          acl: headers['x-oss-object-acl'] ?? 'default',
        };
  const meta = newMeta(key, 'Normal', fields, {
    size: sourceMeta.size,
    etag: sourceMeta.etag,
    crc64: sourceMeta.crc64,
    lastModified: context.now,
  });
  if (source.bucket === bucket && source.key === key) await context.store.updateMeta(bucket, meta);
  else await context.store.copy(source, bucket, meta);

  return xmlResponse(
    'CopyObjectResult',
    [
      ['ETag', `"${meta.etag}"`],
      ['LastModified', isoDate(meta.lastModified)],
    ],
    { etag: `"${meta.etag}"`, 'x-oss-hash-crc64ecma': crc64ToString(meta.crc64) },
  );
}

function parseCopySource(header: string): { bucket: string; key: string } {
  const invalid = () =>
    new OssError(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.',
      {
        ArgumentName: 'x-oss-copy-source',
        ArgumentValue: header.slice(0, 256),
      },
    );
  const path = header.startsWith('/') ? header.slice(1) : header;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalid();
  try {
    return {
      bucket: decodeComponent(path.slice(0, slash)),
      key: decodeComponent(path.slice(slash + 1)),
    };
  } catch {
    throw invalid();
  }
}

/** PutObjectAcl: `x-oss-object-acl`. */
export async function putObjectAcl(context: OperationContext): Promise<MockResponse> {
  const meta = requireObject(context);
  const acl = context.request.headers['x-oss-object-acl'];
  if (acl === undefined) {
    throw new OssError('InvalidArgument', 'no such object access control exists', {
      ArgumentName: 'x-oss-object-acl',
      ArgumentValue: '',
    });
  }
  const fields = metaFromHeaders({ 'x-oss-object-acl': acl });
  await context.store.updateMeta(context.request.bucket as string, { ...meta, acl: fields.acl });
  return emptyResponse(200);
}

/** GetObjectAcl. */
export async function getObjectAcl(context: OperationContext): Promise<MockResponse> {
  const meta = requireObject(context);
  return xmlResponse('AccessControlPolicy', [
    [
      'Owner',
      [
        ['ID', context.ownerId],
        ['DisplayName', context.ownerId],
      ],
    ],
    ['AccessControlList', [['Grant', meta.acl]]],
  ]);
}
