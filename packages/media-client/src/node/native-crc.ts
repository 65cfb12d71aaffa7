import { createRequire } from 'node:module';

type Binding = { crc64(data: Uint8Array, previous: Uint8Array): Uint8Array };

/**
 * CRC-64 through the native `crc64-ecma182` addon (an optional dependency), several times
 * faster than the pure-JavaScript CRC of @oss-media/oss-sign; undefined when it is not
 * installed or does not load, and the client then uses the JavaScript one.
 */
export function loadNativeCrc64(): ((data: Uint8Array, previous: bigint) => bigint) | undefined {
  let binding: Binding;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('crc64-ecma182');
    // The package's JavaScript wrapper converts through strings; the addon itself takes buffers.
    binding = require(main.replace(/[^/\\]+$/, 'build/Release/crc64_ecma182.node')) as Binding;
  } catch {
    return undefined;
  }
  return (data, previous) => {
    const state = Buffer.alloc(8);
    state.writeBigUInt64LE(previous);
    const bytes = Buffer.isBuffer(data)
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return Buffer.from(binding.crc64(bytes, state)).readBigUInt64LE();
  };
}
