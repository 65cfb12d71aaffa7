import { stat } from 'node:fs/promises';
import type { ConnectionFlags } from '../config.js';
import { CliError } from '../errors.js';
import { formatBytes, formatRate } from '../format.js';
import { type Io, println } from '../io.js';
import { createProgress } from '../progress.js';
import { parseOssUrl } from '../url.js';
import { typeOfKey } from '../videos.js';
import { operationsFor } from './connect.js';

/** The flags of `oss-media upload`. */
export interface UploadFlags extends ConnectionFlags {
  append?: boolean;
  resume?: boolean;
  chunkSize?: number;
  contentType?: string;
  quiet?: boolean;
}

/** Checks that a local input exists and is a regular file; returns its size. */
export async function fileSize(path: string): Promise<number> {
  const info = await stat(path).catch((error: unknown) => {
    throw new CliError(
      'NoSuchFile',
      `cannot read '${path}': ${(error as Error).message.replace(/^[A-Z]+: /, '')}`,
      {
        cause: error,
      },
    );
  });
  if (!info.isFile()) throw new CliError('NotAFile', `'${path}' is not a regular file`);
  return info.size;
}

/** `oss-media upload FILE oss://bucket/key [--append] [--chunk-size] [--resume]`. */
export async function uploadCommand(
  file: string,
  target: string,
  options: UploadFlags,
  io: Io,
): Promise<void> {
  const { bucket, key } = parseOssUrl(target, { requireKey: true });
  const size = await fileSize(file);
  const oss = await operationsFor(options, io);

  const progress = createProgress({
    label: key,
    total: size,
    stream: io.stderr as NodeJS.WriteStream,
    quiet: options.quiet === true,
  });
  try {
    const report = await oss.upload(bucket, key, file, {
      append: options.append === true || options.resume === true,
      resume: options.resume === true,
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      contentType: options.contentType ?? typeOfKey(key),
      onProgress: (bytes) => progress.update(bytes),
    });
    progress.stop();
    const resumed = report.startPosition > 0 ? `, continued at byte ${report.startPosition}` : '';
    println(
      io.stdout,
      `uploaded ${formatBytes(report.bytes)} to oss://${bucket}/${key} in ` +
        `${(report.elapsedMs / 1000).toFixed(1)} s ` +
        `(${formatRate(report.bytes, report.elapsedMs)})` +
        `${resumed}, crc64 ${report.crc64 ?? '-'}`,
    );
  } finally {
    progress.stop();
    await oss.close();
  }
}
