import { type Io, println, waitForStop } from '../io.js';
import { startMock } from '../mock-adapter.js';
import { checkBucketName } from '../url.js';

/** The flags of `oss-media serve`. */
export interface ServeFlags {
  host: string;
  port: number;
  accessKeyId: string;
  accessKeySecret: string;
  bucket: string[];
  region: string;
  auth: boolean;
  quiet?: boolean;
}

/** `oss-media serve`: the mock OSS + STS on a port, until Ctrl-C. */
export async function serveCommand(options: ServeFlags, io: Io): Promise<void> {
  for (const name of options.bucket) checkBucketName(name);
  const server = await startMock({
    host: options.host,
    port: options.port,
    accessKeyId: options.accessKeyId,
    accessKeySecret: options.accessKeySecret,
    region: options.region,
    buckets: options.bucket,
    noAuth: !options.auth,
    ...(options.quiet ? {} : { log: (line: string) => println(io.stderr, line) }),
  });

  println(io.stdout, `mock OSS listening on ${server.url}`);
  println(io.stdout, `STS endpoint:        ${server.stsUrl}`);
  if (options.bucket.length > 0)
    println(io.stdout, `buckets:             ${options.bucket.join(', ')}`);
  for (const arn of server.mock.roleArns) println(io.stdout, `role:                ${arn}`);
  println(io.stdout);
  println(io.stdout, 'In another shell:');
  println(io.stdout, `  export OSS_ENDPOINT=${server.url}`);
  println(io.stdout, `  export OSS_ACCESS_KEY_ID=${server.mock.credentials.accessKeyId}`);
  println(io.stdout, `  export OSS_ACCESS_KEY_SECRET=${server.mock.credentials.accessKeySecret}`);
  const [firstRole] = server.mock.roleArns;
  if (firstRole !== undefined) println(io.stdout, `  export OSS_ROLE_ARN=${firstRole}`);
  println(io.stdout, 'Press Ctrl-C to stop.');

  await waitForStop(io);
  await server.close();
}
