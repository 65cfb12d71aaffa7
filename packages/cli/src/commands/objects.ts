import type { ConnectionFlags } from '../config.js';
import { formatBytes } from '../format.js';
import { type Io, println } from '../io.js';
import type { ObjectInfo } from '../oss.js';
import type { ByteRange } from '../sizes.js';
import { parseOssUrl } from '../url.js';
import { withOperations } from './connect.js';

function statLines(info: ObjectInfo): string[] {
  const lines = [
    ['key', info.key],
    ['size', `${info.size} (${formatBytes(info.size)})`],
    ['type', info.objectType],
    ['content-type', info.contentType ?? '-'],
    ['etag', info.etag ?? '-'],
    ['last-modified', info.lastModified?.toISOString() ?? '-'],
    ['crc64', info.crc64 ?? '-'],
  ];
  if (info.nextAppendPosition !== undefined) {
    lines.push(['next-append', String(info.nextAppendPosition)]);
  }
  for (const [name, value] of Object.entries(info.metadata)) lines.push([`meta-${name}`, value]);
  return lines.map(([name, value]) => `${`${name}:`.padEnd(15)}${value}`);
}

/** `oss-media stat oss://bucket/key [--json]`. */
export async function statCommand(
  target: string,
  options: ConnectionFlags & { json?: boolean },
  io: Io,
): Promise<void> {
  const { bucket, key } = parseOssUrl(target, { requireKey: true });
  const info = await withOperations(options, io, (oss) => oss.stat(bucket, key));
  if (options.json) println(io.stdout, JSON.stringify(info));
  else for (const line of statLines(info)) println(io.stdout, line);
}

/** `oss-media cat oss://bucket/key [--range a-b]`: the bytes, unchanged, on stdout. */
export async function catCommand(
  target: string,
  options: ConnectionFlags & { range?: ByteRange },
  io: Io,
): Promise<void> {
  const { bucket, key } = parseOssUrl(target, { requireKey: true });
  const body = await withOperations(options, io, (oss) => oss.read(bucket, key, options.range));
  await new Promise<void>((resolve, reject) => {
    io.stdout.write(body, (error) => (error ? reject(error) : resolve()));
  });
}

/** `oss-media ls oss://bucket[/prefix] [--recursive] [--json]`. */
export async function lsCommand(
  target: string,
  options: ConnectionFlags & { recursive?: boolean; json?: boolean },
  io: Io,
): Promise<void> {
  const { bucket, key: prefix } = parseOssUrl(target);
  await withOperations(options, io, async (oss) => {
    for await (const item of oss.list(bucket, { prefix, recursive: options.recursive === true })) {
      if (options.json) {
        println(io.stdout, JSON.stringify(item));
      } else if (item.kind === 'prefix') {
        println(
          io.stdout,
          `${'DIR'.padStart(12)}  ${''.padEnd(24)}  ${''.padEnd(10)}  ${item.prefix}`,
        );
      } else {
        const size = String(item.size).padStart(12);
        const when = item.lastModified.toISOString().padEnd(24);
        println(io.stdout, `${size}  ${when}  ${item.objectType.padEnd(10)}  ${item.key}`);
      }
    }
  });
}

/** `oss-media rm oss://bucket/key...`. */
export async function rmCommand(
  targets: string[],
  options: ConnectionFlags,
  io: Io,
): Promise<void> {
  const addresses = targets.map((t) => parseOssUrl(t, { requireKey: true }));
  await withOperations(options, io, async (oss) => {
    for (const { bucket, key } of addresses) {
      await oss.remove(bucket, key);
      // DeleteObject answers 204 whether or not the key existed, and knows no folders: an
      // address ending in '/' names one object of that exact name, never what lies below it.
      const note = key.endsWith('/')
        ? ` (only the object named exactly '${key}', if any; objects under ` +
          `oss://${bucket}/${key} are not deleted)`
        : '';
      println(io.stdout, `deleted oss://${bucket}/${key}${note}`);
    }
  });
}

/** `oss-media presign oss://bucket/key [--expires s] [--v4] [--method M]`. */
export async function presignCommand(
  target: string,
  options: ConnectionFlags & {
    expires: number;
    v4?: boolean;
    method?: string;
    contentType?: string;
  },
  io: Io,
): Promise<void> {
  const { bucket, key } = parseOssUrl(target, { requireKey: true });
  const url = await withOperations(options, io, async (oss) =>
    oss.presign(bucket, key, {
      expires: options.expires,
      v4: options.v4 === true,
      method: (options.method ?? 'GET').toUpperCase(),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    }),
  );
  println(io.stdout, url);
}
