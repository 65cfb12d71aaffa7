/**
 * @oss-media/media-client — the default entry, for any runtime with `fetch` (browsers,
 * workers, Deno, Bun, Node). It imports no `node:` module.
 */
import {
  type ClientOptions,
  type OpenOptions,
  OssClient,
  openWith,
  type Runtime,
} from './client.js';
import type { MediaFile, SourceLike } from './media-file.js';
import type { AppendSource } from './sources.js';
import { fetchTransport } from './transport.js';

export * from './exports.js';

const runtime: Runtime = {
  defaultTransport: () => fetchTransport(),
  resolveSource(source: SourceLike): AppendSource {
    if (typeof source === 'string') {
      throw new TypeError('source: a file path needs the Node entry of @oss-media/media-client');
    }
    return source;
  },
};

/**
 * Creates a client of one OSS endpoint, sending with `fetch`.
 *
 * @throws {TypeError} a bad endpoint, or V4 without a region.
 * @example
 * const client = createClient({
 *   endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
 *   auth: async () => (await fetch('/token')).json(),
 * });
 */
export function createClient(options: ClientOptions): OssClient {
  return new OssClient(options, runtime);
}

/**
 * Opens one object as a file on a client of its own, which the file closes with itself.
 *
 * @example
 * const file = await open({ endpoint, auth, bucket: 'videos', key: 'cam-42/a.ts', mode: 'a' });
 * await file.write(bytes);
 * await file.close();
 */
export function open(options: OpenOptions): Promise<MediaFile> {
  return openWith(options, runtime);
}
