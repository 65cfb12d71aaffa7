/**
 * @oss-media/media-client — the Node entry: the same API, sending through an undici `Pool` per
 * origin with keep-alive, and accepting file paths as append sources.
 */
import {
  type ClientOptions,
  type OpenOptions,
  OssClient,
  openWith,
  type Runtime,
} from './client.js';
import type { MediaFile } from './media-file.js';
import { loadNativeCrc64 } from './node/native-crc.js';
import { resolveNodeSource } from './node/source.js';
import { undiciTransport } from './undici-transport.js';

export * from './exports.js';
export { type UndiciTransportOptions, undiciTransport } from './undici-transport.js';

const nativeCrc64 = loadNativeCrc64();

const runtime: Runtime = {
  defaultTransport: () => undiciTransport(),
  ...(nativeCrc64 === undefined ? {} : { crc64: nativeCrc64 }),
  resolveSource: resolveNodeSource,
};

/**
 * Creates a client of one OSS endpoint, sending through undici with keep-alive.
 *
 * @throws {TypeError} a bad endpoint, or V4 without a region.
 * @example
 * const client = createClient({
 *   endpoint: 'http://127.0.0.1:9000',
 *   auth: { accessKeyId, accessKeySecret },
 * });
 * const file = await client.open('videos', 'cam-42/a.ts', 'a');
 * await file.appendFrom('/var/recordings/a.ts');
 * await file.close();
 * await client.close();
 */
export function createClient(options: ClientOptions): OssClient {
  return new OssClient(options, runtime);
}

/** Opens one object as a file on a client of its own, closed with the file. */
export function open(options: OpenOptions): Promise<MediaFile> {
  return openWith(options, runtime);
}
