/**
 * {@link OssOperations} on @oss-media/media-client (its Node entry: undici keep-alive pool and
 * file paths as append sources).
 */
import { readFile } from 'node:fs/promises';
import { type ClientEvent, createClient, type ObjectStat } from '@oss-media/media-client';
import { CliError } from './errors.js';
import type { ObjectInfo, OssConnectOptions, OssOperations, UploadReport } from './oss.js';
import type { ByteRange } from './sizes.js';

// One PutObject carries the whole file in memory; larger files go up with --append.
const MAX_PUT_BYTES = 512 * 1024 * 1024;

function infoOf(key: string, stat: ObjectStat): ObjectInfo {
  return {
    key,
    size: stat.length,
    objectType: stat.type,
    contentType: stat.contentType,
    etag: stat.etag,
    lastModified: stat.lastModified,
    crc64: stat.crc64?.toString(10),
    nextAppendPosition: stat.nextAppendPosition,
    metadata: stat.metadata,
  };
}

function noticeOf(event: ClientEvent, onNotice: NonNullable<OssConnectOptions['onNotice']>) {
  if (event.type === 'refresh') onNotice({ type: 'refresh', reason: event.reason });
  if (event.type === 'retry') {
    onNotice({
      type: 'retry',
      reason: event.reason,
      attempt: event.attempt,
      delayMs: event.delayMs,
    });
  }
}

/**
 * Connects the operations to an endpoint (path-style for IP addresses and localhost).
 *
 * @example
 * const auth = { accessKeyId, accessKeySecret };
 * const oss = await connectOss({ endpoint: 'http://127.0.0.1:9000', auth });
 * console.log((await oss.stat('media', 'videos/a.mp4')).size);
 */
export async function connectOss(options: OssConnectOptions): Promise<OssOperations> {
  const { onNotice } = options;
  const client = createClient({
    endpoint: options.endpoint,
    auth: options.auth,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(onNotice === undefined ? {} : { onEvent: (event) => noticeOf(event, onNotice) }),
  });
  let v4Client: ReturnType<typeof createClient> | undefined;

  async function absoluteRange(bucket: string, key: string, range: ByteRange) {
    if (range.suffix === undefined) return { start: range.start ?? 0, end: range.end };
    const { length } = await client.headObject(bucket, key);
    return { start: Math.max(0, length - range.suffix), end: undefined };
  }

  return {
    async stat(bucket, key) {
      return infoOf(key, await client.headObject(bucket, key));
    },

    async read(bucket, key, range) {
      if (range === undefined) return (await client.getObject(bucket, key)).body;
      const { start, end } = await absoluteRange(bucket, key, range);
      const result = await client.getObject(bucket, key, {
        range: end === undefined ? { start } : { start, end },
        standardRange: true,
      });
      return result.body;
    },

    async *list(bucket, { prefix, recursive }) {
      const pages = client.listObjectPages(bucket, {
        ...(prefix ? { prefix } : {}),
        ...(recursive ? {} : { delimiter: '/' }),
      });
      for await (const page of pages) {
        for (const folder of page.prefixes) yield { kind: 'prefix', prefix: folder };
        for (const o of page.objects) {
          yield {
            kind: 'object',
            key: o.key,
            size: o.size,
            lastModified: o.lastModified,
            objectType: o.type,
          };
        }
      }
    },

    remove: (bucket, key) => client.deleteObject(bucket, key),

    async presign(bucket, key, { expires, v4, method, contentType }) {
      let signer = client;
      if (v4) {
        v4Client ??= createClient({
          endpoint: options.endpoint,
          auth: options.auth,
          signatureVersion: 'v4',
          region: options.region ?? 'cn-hangzhou',
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        signer = v4Client;
      }
      const verb = (method ?? 'GET').toUpperCase();
      if (verb === 'PUT') {
        return signer.presignPutUrl(bucket, key, {
          expires,
          ...(contentType === undefined ? {} : { contentType }),
        });
      }
      if (verb !== 'GET') {
        throw new CliError('InvalidMethod', `--method must be GET or PUT, not ${verb}`, {
          exitCode: 2,
        });
      }
      return signer.presignGetUrl(bucket, key, { expires });
    },

    async upload(bucket, key, source, upload) {
      // Wall time: the demo moves the signing clock forward, which is not time spent uploading.
      const started = performance.now();
      if (!upload.append) {
        if (typeof source !== 'string') {
          throw new CliError('Unsupported', 'a stream can only be uploaded with --append');
        }
        const body = await readFile(source);
        if (body.byteLength > MAX_PUT_BYTES) {
          throw new CliError('TooLarge', 'files over 512 MiB go up with --append');
        }
        const result = await client.putObject(bucket, key, body, {
          ...(upload.contentType === undefined ? {} : { contentType: upload.contentType }),
          ...(upload.signal === undefined ? {} : { signal: upload.signal }),
        });
        upload.onProgress?.(body.byteLength);
        return report(body.byteLength, 0, result.crc64?.toString(10));
      }

      const file = await client.open(bucket, key, 'a', undefined, {
        ...(upload.contentType === undefined ? {} : { contentType: upload.contentType }),
      });
      try {
        const startPosition = file.tell();
        const progress = await file.appendFrom(source, {
          ...(upload.chunkSize === undefined ? {} : { chunkSize: upload.chunkSize }),
          ...(upload.signal === undefined ? {} : { signal: upload.signal }),
          resume: upload.resume === true,
          onProgress: (p) => upload.onProgress?.(p.bytes + p.skipped),
        });
        // Resuming skips the part of the source the object holds; appending adds after it.
        const from = upload.resume ? progress.skipped : startPosition;
        return report(progress.bytes, from, file.crc64.toString(10));
      } finally {
        await file.close();
      }

      function report(
        bytes: number,
        startPosition: number,
        crc64: string | undefined,
      ): UploadReport {
        const { retries, refreshes } = client.stats;
        return {
          bytes,
          startPosition,
          elapsedMs: performance.now() - started,
          crc64,
          retries,
          refreshes,
        };
      }
    },

    async put(bucket, key, body, put = {}) {
      await client.putObject(bucket, key, body, {
        ...(put.contentType === undefined ? {} : { contentType: put.contentType }),
        ...(put.cacheControl === undefined
          ? {}
          : { headers: { 'Cache-Control': put.cacheControl } }),
      });
    },

    async ensureBucket(bucket) {
      try {
        await client.createBucket(bucket);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'BucketAlreadyExists' && code !== 'BucketAlreadyOwnedByYou') throw error;
      }
    },

    stats: () => ({ ...client.stats }),

    async close() {
      await Promise.all([client.close(), v4Client?.close()]);
    },
  };
}
