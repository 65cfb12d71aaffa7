import { type ConnectionFlags, resolveConnection } from '../config.js';
import type { Io } from '../io.js';
import { connectOss } from '../media-client-adapter.js';
import type { OssOperations } from '../oss.js';

/** Operations for a command's connection flags (and the environment). */
export async function operationsFor(flags: ConnectionFlags, io: Io): Promise<OssOperations> {
  const connection = resolveConnection(flags, io.env);
  return connectOss({
    endpoint: connection.endpoint,
    auth: connection.credentials,
    region: connection.region,
  });
}

/** Runs `body` with operations and always releases their connections. */
export async function withOperations<T>(
  flags: ConnectionFlags,
  io: Io,
  body: (oss: OssOperations) => Promise<T>,
): Promise<T> {
  const oss = await operationsFor(flags, io);
  try {
    return await body(oss);
  } finally {
    await oss.close();
  }
}
