import { signRpc } from '../src/index.js';

/** One request the fake STS received, decoded. */
export interface ReceivedCall {
  url: string;
  method: string;
  contentType: string | null;
  params: Record<string, string>;
}

/**
 * A small stand-in for STS: checks the RPC signature with this package's own stages, then
 * answers with credentials valid for DurationSeconds from `now`, or with the answer `reply`
 * chooses. Not a mock of the real service's rules: the mock server does that.
 */
export function fakeSts(o: {
  secrets: Record<string, string>;
  now?: () => Date;
  reply?: (call: ReceivedCall) => Response | undefined;
}) {
  const calls: ReceivedCall[] = [];
  let counter = 0;

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const params = Object.fromEntries(new URLSearchParams(await request.text()));
    const call: ReceivedCall = {
      url: request.url,
      method: request.method,
      contentType: request.headers.get('content-type'),
      params,
    };
    calls.push(call);

    const custom = o.reply?.(call);
    if (custom) return custom;

    const secret = o.secrets[params.AccessKeyId ?? ''];
    if (secret === undefined || signRpc(request.method, params, secret) !== params.Signature) {
      return Response.json(
        { RequestId: 'REQ-SIG', Code: 'SignatureDoesNotMatch', Message: 'bad signature' },
        { status: 400 },
      );
    }

    counter += 1;
    const now = o.now?.() ?? new Date();
    const duration = Number(params.DurationSeconds ?? 3600);
    const expiration = new Date(now.getTime() + duration * 1000);
    return Response.json({
      RequestId: `REQ-${counter}`,
      AssumedRoleUser: {
        AssumedRoleId: `3${counter}:${params.RoleSessionName}`,
        Arn: `${params.RoleArn}/${params.RoleSessionName}`,
      },
      Credentials: {
        AccessKeyId: `STS.ak${counter}`,
        AccessKeySecret: `sk${counter}`,
        SecurityToken: `token${counter}`,
        Expiration: expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    });
  };

  return { fetch: fetch as typeof globalThis.fetch, calls };
}
