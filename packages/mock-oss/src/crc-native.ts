import { createRequire } from 'node:module';

type Binding = { crc64(data: Buffer, previous?: Buffer): Buffer };

/**
 * CRC-64 through the native `crc64-ecma182` addon when it is installed (an optional dependency):
 * several times faster than the pure-JavaScript CRC, which matters because the mock computes
 * the CRC of every byte it stores. Undefined when the addon is missing or fails to load.
 */
export function loadNativeCrc64(): ((data: Uint8Array, previous: bigint) => bigint) | undefined {
  let binding: Binding;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('crc64-ecma182');
    binding = require(
      main.replace(/crc64_ecma182\.js$/, 'build/Release/crc64_ecma182.node'),
    ) as Binding;
  } catch {
    return undefined;
  }
  // The addon works synchronously, so one state buffer serves every call.
  const state = Buffer.alloc(8);
  return (data, previous) => {
    state.writeBigUInt64LE(previous);
    const bytes = Buffer.isBuffer(data)
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return binding.crc64(bytes, state).readBigUInt64LE();
  };
}
