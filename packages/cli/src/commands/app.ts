import { assumeRole, createTokenVendingHandler } from '@oss-media/sts';
import { cameraAuthenticator, createAppHandler, listenApp } from '../app-server.js';
import { type ConnectionFlags, ENV, fromEnv, resolveConnection } from '../config.js';
import { CliError } from '../errors.js';
import { type Io, println, waitForStop } from '../io.js';
import { connectOss } from '../media-client-adapter.js';
import { checkBucketName } from '../url.js';
import { checkDuration, stsEndpointFor } from './token.js';

/** The flags of `oss-media app`. */
export interface AppFlags extends ConnectionFlags {
  bucket: string;
  camera: string[];
  roleArn?: string;
  stsEndpoint?: string;
  tokenSeconds: number;
  host: string;
  port: number;
}

/** `cam-1=secret` → ['cam-1', 'secret']. */
function parseCamera(text: string): [string, string] {
  const match = /^([A-Za-z0-9._-]{1,64})=(.{16,})$/.exec(text);
  if (match === null) {
    throw new CliError(
      'InvalidCamera',
      `--camera expects ID=SECRET (an id of letters, digits, . _ -; a secret of 16+ ` +
        `characters), got '${text.split('=')[0]}=…'`,
      { exitCode: 2 },
    );
  }
  return [match[1]!, match[2]!];
}

/**
 * `oss-media app`: the application server on its own, for a real deployment — token vending
 * for the listed cameras and the page — with the server's permanent keys.
 */
export async function appCommand(options: AppFlags, io: Io): Promise<void> {
  checkDuration('--token-seconds', options.tokenSeconds);
  checkBucketName(options.bucket);
  const connection = resolveConnection(options, io.env);
  const roleArn = options.roleArn ?? fromEnv(ENV.roleArn, io.env);
  if (roleArn === undefined) {
    throw new CliError('MissingRoleArn', `no role: pass --role-arn or set ${ENV.roleArn}`, {
      exitCode: 2,
    });
  }
  const cameras = new Map(options.camera.map(parseCamera));
  const stsEndpoint = stsEndpointFor(options.stsEndpoint, connection.endpoint, io.env);

  const oss = await connectOss({
    endpoint: connection.endpoint,
    auth: connection.credentials,
    region: connection.region,
  });
  const tokenHandler = createTokenVendingHandler({
    authenticate: cameraAuthenticator({
      bucket: options.bucket,
      cameras,
      durationSeconds: options.tokenSeconds,
    }),
    issue: (grant) =>
      assumeRole({
        credentials: connection.credentials,
        roleArn,
        roleSessionName: grant.sessionName,
        policy: grant.policy,
        durationSeconds: grant.durationSeconds,
        endpoint: stsEndpoint,
      }),
  });
  const app = await listenApp(
    createAppHandler({
      bucket: options.bucket,
      store: {
        list: async function* (prefix) {
          for await (const item of oss.list(options.bucket, { prefix, recursive: true })) {
            if (item.kind === 'object') yield item;
          }
        },
        readText: async (key) => new TextDecoder().decode(await oss.read(options.bucket, key)),
        remove: (key) => oss.remove(options.bucket, key),
        presign: (key, expires) => oss.presign(options.bucket, key, { expires }),
      },
      cameras,
      tokenHandler,
    }),
    { host: options.host, port: options.port },
  );

  println(io.stdout, `application server at ${app.url}/ for oss://${options.bucket}/videos/`);
  println(
    io.stdout,
    `cameras: ${[...cameras.keys()].join(', ') || '(none: pass --camera ID=SECRET)'}`,
  );
  println(
    io.stdout,
    `token endpoint: POST ${app.url}/api/token with 'Authorization: Bearer <secret>'`,
  );
  println(io.stdout, 'Press Ctrl-C to stop.');
  await waitForStop(io);
  await app.close();
  await oss.close();
}
