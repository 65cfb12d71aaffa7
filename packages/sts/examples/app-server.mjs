// An application server that mints a 15-minute token letting camera 42 append under
// videos/cam-42/ and nothing else, and a camera that asks it for one.
//
//   npm run build -w @oss-media/oss-sign -w @oss-media/sts
//   node packages/sts/examples/app-server.mjs       # against a stand-in STS started here
//
// Against the mock server's STS (`node packages/mock-oss/bin/mock-oss.js --port 9000`):
//   STS_ENDPOINT=http://127.0.0.1:9000/sts ACCESS_KEY_ID=mock-access-key-id \
//   ACCESS_KEY_SECRET=mock-access-key-secret \
//   ROLE_ARN=acs:ram::1234567890123456:role/mock-oss-full-access \
//   node packages/sts/examples/app-server.mjs
// Against the real STS: the same without STS_ENDPOINT, with your keys and role.
//
// Add --serve to keep the server running (PORT, default 8080) instead of exiting.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import {
  assumeRole,
  CredentialsProvider,
  createTokenVendingHandler,
  fetchVendedCredentials,
  signRpc,
} from '@oss-media/sts';
import { toNodeListener } from '@oss-media/sts/node';

const serveForever = process.argv.includes('--serve');
const devices = new Map([['cam-42-device-key', 'cam-42']]);

// 1. Where tokens come from: the real STS, the mock server, or a stand-in started right here.
const useStandIn = !process.env.ROLE_ARN && !process.env.STS_ENDPOINT;
const standIn = useStandIn ? await startStandInSts() : undefined;
const sts = {
  endpoint: process.env.STS_ENDPOINT ?? standIn?.endpoint,
  credentials: {
    accessKeyId: process.env.ACCESS_KEY_ID ?? 'LTAIexampleAppServer',
    accessKeySecret: process.env.ACCESS_KEY_SECRET ?? 'example-app-server-secret',
  },
  roleArn: process.env.ROLE_ARN ?? 'acs:ram::1234567890123:role/camera-uploader',
};

// 2. The token endpoint: which device is calling, and what it may do.
const handler = createTokenVendingHandler({
  authenticate: async (request) => {
    const camera = devices.get(request.headers.get('x-device-key') ?? '');
    if (camera === undefined) return null;
    return { bucket: 'media', path: `videos/${camera}/*`, mode: 'a', durationSeconds: 900 };
  },
  issue: (grant) =>
    assumeRole({
      ...sts,
      roleSessionName: grant.sessionName,
      policy: grant.policy,
      durationSeconds: grant.durationSeconds,
    }),
  onError: (error) => console.error('token endpoint:', error),
});
const server = createServer(toNodeListener(handler));
await new Promise((resolve) =>
  server.listen(serveForever ? Number(process.env.PORT ?? 8080) : 0, '127.0.0.1', resolve),
);
const tokenUrl = `http://127.0.0.1:${server.address().port}/sts/token`;
console.log(`token endpoint: ${tokenUrl}`);

// 3. The camera's side: a provider that asks the endpoint and refreshes before expiry.
const provider = new CredentialsProvider({
  fetchCredentials: () =>
    fetchVendedCredentials(tokenUrl, {
      method: 'POST',
      headers: { 'x-device-key': 'cam-42-device-key' },
      signal: AbortSignal.timeout(10_000),
    }),
});
const token = await provider.getCredentials();
console.log('camera got:', {
  ...token,
  accessKeySecret: `${token.accessKeySecret.slice(0, 4)}…`,
  securityToken: `${token.securityToken.slice(0, 8)}…`,
});
if (standIn) console.log('session policy sent to STS:', standIn.lastPolicy());

if (!serveForever) {
  server.close();
  standIn?.server.close();
}

/** A few lines standing in for STS: checks the signature, answers like AssumeRole. */
async function startStandInSts() {
  const secret = 'example-app-server-secret';
  let lastPolicy;
  const stand = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const params = Object.fromEntries(new URLSearchParams(body));
    response.setHeader('content-type', 'application/json');
    if (signRpc(request.method, params, secret) !== params.Signature) {
      response.statusCode = 400;
      response.end(JSON.stringify({ RequestId: randomUUID(), Code: 'SignatureDoesNotMatch' }));
      return;
    }
    lastPolicy = params.Policy;
    const expiration = new Date(Date.now() + Number(params.DurationSeconds) * 1000);
    response.end(
      JSON.stringify({
        RequestId: randomUUID(),
        AssumedRoleUser: { Arn: `${params.RoleArn}/${params.RoleSessionName}`, AssumedRoleId: '1' },
        Credentials: {
          AccessKeyId: `STS.${randomUUID().slice(0, 8)}`,
          AccessKeySecret: randomUUID(),
          SecurityToken: `CAIS${randomUUID()}`,
          Expiration: expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      }),
    );
  });
  await new Promise((resolve) => stand.listen(0, '127.0.0.1', resolve));
  console.log('no ROLE_ARN or STS_ENDPOINT: using a local stand-in for STS');
  return {
    server: stand,
    endpoint: `http://127.0.0.1:${stand.address().port}/`,
    lastPolicy: () => lastPolicy,
  };
}
