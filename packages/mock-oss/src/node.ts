/**
 * The Node entry: everything of the default entry plus the HTTP listener and the disk store.
 *
 * @module
 */
import { loadNativeCrc64 } from './crc-native.js';
import { type Listening, type ListenOptions, listen as listenWith } from './listen.js';
import { createMockOss as createCore, type MockOss, type MockOssOptions } from './mock.js';

export * from './index.js';
export type { Listening, ListenOptions } from './listen.js';

/** A mock that can also listen on a port. */
export interface NodeMockOss extends MockOss {
  /**
   * Starts serving over HTTP (port 0 picks a free port).
   * @example const { url, stsUrl, close } = await oss.listen({ port: 0 });
   */
  listen(options?: ListenOptions): Promise<Listening>;
}

/**
 * {@link createMockOss} of the default entry, plus `listen()`.
 * @example
 * const oss = createMockOss({ buckets: ['media'] });
 * const server = await oss.listen({ host: '127.0.0.1', port: 0 });
 * // ... point a client at server.url ...
 * await server.close();
 */
export function createMockOss(options: MockOssOptions = {}): NodeMockOss {
  const native = options.crc64 === undefined ? loadNativeCrc64() : undefined;
  const core = createCore(native ? { ...options, crc64: native } : options) as NodeMockOss;
  core.listen = (listenOptions) => listenWith(core, listenOptions);
  return core;
}

export { main as runCli } from './cli.js';
export { DiskStore } from './store/disk.js';
export { listenWith as listen };
