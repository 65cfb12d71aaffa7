import { signRpc } from '@oss-media/sts';
import { describe, expect, it } from 'vitest';
import { Accounts } from '../../src/accounts.js';
import { createMockOss } from '../../src/index.js';
import { handleStsRequest, isStsRequest, type StsRequest } from '../../src/sts/handler.js';

// The protocol's RPC vector (§9).
const VECTOR_PARAMS = {
  AccessKeyId: 'testid',
  Action: 'AssumeRole',
  Format: 'JSON',
  RoleArn: 'acs:ram::1234567890123:role/firstrole',
  RoleSessionName: 'client',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '571f8fb8-506e-11e5-8e12-b8e8563dc8d2',
  SignatureVersion: '1.0',
  Timestamp: '2015-09-01T05:57:34Z',
  Version: '2015-04-01',
};
const VECTOR_SIGNATURE = 'gNI7b0AyKZHxDgjBGPDgJ1Ce3L4=';
const VECTOR_NOW = Date.parse('2015-09-01T05:57:34Z');
const ROLE_POLICY = {
  Version: '1' as const,
  Statement: [{ Effect: 'Allow' as const, Action: 'oss:*', Resource: '*' }],
};

function vectorAccounts(): Accounts {
  return new Accounts({
    accessKeyId: 'testid',
    accessKeySecret: 'testsecret',
    accountId: '1234567890123',
    roles: [
      {
        arn: 'acs:ram::1234567890123:role/firstrole',
        policy: ROLE_POLICY,
        maxSessionDuration: 7200,
      },
    ],
  });
}

/** The service's JSON, success or error. */
interface StsJson {
  RequestId: string;
  HostId: string;
  Code: string;
  Message: string;
  AssumedRoleUser: { Arn: string; AssumedRoleId: string };
  Credentials: {
    AccessKeyId: string;
    AccessKeySecret: string;
    SecurityToken: string;
    Expiration: string;
  };
}

let nonce = 0;
/** Parameters for a fresh signed call at `now`, with `extra` merged in before signing. */
function params(extra: Record<string, string> = {}, now = VECTOR_NOW): Record<string, string> {
  return {
    ...VECTOR_PARAMS,
    SignatureNonce: `nonce-${++nonce}`,
    Timestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...extra,
  };
}

function get(p: Record<string, string>, secret = 'testsecret', path = '/sts'): StsRequest {
  const query = new URLSearchParams({ ...p, Signature: signRpc('GET', p, secret) });
  return { method: 'GET', path, query, headers: {}, body: new Uint8Array() };
}

function formPost(
  p: Record<string, string>,
  secret = 'testsecret',
  inQuery: string[] = [],
): StsRequest {
  const signed = { ...p, Signature: signRpc('POST', p, secret) };
  const query = new URLSearchParams();
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(signed)) (inQuery.includes(k) ? query : form).set(k, v);
  return {
    method: 'POST',
    path: '/sts',
    query,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new TextEncoder().encode(form.toString()),
  };
}

function call(req: StsRequest, accounts: Accounts, now = VECTOR_NOW, noAuth = false) {
  const res = handleStsRequest(req, { now, accounts, noAuth, nonces: accounts.nonces });
  return {
    status: res.status,
    headers: res.headers,
    json: JSON.parse(res.body) as StsJson,
  };
}

function expectError(res: ReturnType<typeof call>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.json)).toEqual(['RequestId', 'HostId', 'Code', 'Message']);
  expect(res.json.Code).toBe(code);
  expect(res.json.RequestId).toMatch(
    /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
  );
}

describe('the protocol RPC vector', () => {
  it('is accepted at its timestamp, with the service JSON', () => {
    const accounts = vectorAccounts();
    const query = new URLSearchParams({ ...VECTOR_PARAMS, Signature: VECTOR_SIGNATURE });
    const res = call(
      { method: 'GET', path: '/', query, headers: {}, body: new Uint8Array() },
      accounts,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(Object.keys(res.json)).toEqual(['RequestId', 'AssumedRoleUser', 'Credentials']);
    expect(Object.keys(res.json.Credentials)).toEqual([
      'AccessKeyId',
      'AccessKeySecret',
      'SecurityToken',
      'Expiration',
    ]);
    expect(res.json.Credentials.Expiration).toBe('2015-09-01T06:57:34Z');
    expect(res.json.AssumedRoleUser.Arn).toBe(
      'acs:ram::1234567890123:assumed-role/firstrole/client',
    );
    expect(res.headers['x-acs-request-id']).toBe(res.json.RequestId);
  });

  it('a replay of it is SignatureNonceUsed', () => {
    const accounts = vectorAccounts();
    const query = new URLSearchParams({ ...VECTOR_PARAMS, Signature: VECTOR_SIGNATURE });
    const req: StsRequest = {
      method: 'GET',
      path: '/',
      query,
      headers: {},
      body: new Uint8Array(),
    };
    expect(call(req, accounts).status).toBe(200);
    expectError(call(req, accounts), 400, 'SignatureNonceUsed');
  });

  it('an altered parameter is SignatureDoesNotMatch, with the server string to sign', () => {
    const accounts = vectorAccounts();
    const query = new URLSearchParams({
      ...VECTOR_PARAMS,
      RoleSessionName: 'other',
      Signature: VECTOR_SIGNATURE,
    });
    const res = call(
      { method: 'GET', path: '/', query, headers: {}, body: new Uint8Array() },
      accounts,
    );
    expectError(res, 400, 'SignatureDoesNotMatch');
    expect(res.json.Message).toContain('server string to sign is:GET&%2F&AccessKeyId%3Dtestid%26');
    expect(res.json.Message).toContain('RoleSessionName%3Dother');
  });

  it('16 minutes off the clock is InvalidTimeStamp.Expired', () => {
    const accounts = vectorAccounts();
    const query = new URLSearchParams({ ...VECTOR_PARAMS, Signature: VECTOR_SIGNATURE });
    const req: StsRequest = {
      method: 'GET',
      path: '/',
      query,
      headers: {},
      body: new Uint8Array(),
    };
    expectError(call(req, accounts, VECTOR_NOW + 16 * 60_000), 400, 'InvalidTimeStamp.Expired');
    expectError(call(req, accounts, VECTOR_NOW - 16 * 60_000), 400, 'InvalidTimeStamp.Expired');
  });
});

describe('request shapes', () => {
  it('GET with the query, POST with a form body, POST with the query, and a split', () => {
    const accounts = vectorAccounts();
    const p = () => params();
    const shapes = [
      get(p()),
      formPost(p()),
      formPost(p(), 'testsecret', Object.keys(VECTOR_PARAMS).concat('Signature')),
      formPost(p(), 'testsecret', ['Action', 'Version', 'Format', 'Signature', 'Timestamp']),
    ];
    for (const req of shapes) expect(call(req, accounts).json.Credentials).toBeDefined();
  });

  it('accepts SignatureMethod=HMAC-SHA256', async () => {
    const accounts = vectorAccounts();
    const { hmacSha256, toBase64 } = await import('@oss-media/oss-sign');
    const { canonicalizedQueryRpc, stringToSignRpc } = await import('@oss-media/sts');
    const p = params({ SignatureMethod: 'HMAC-SHA256' });
    const signature = toBase64(
      hmacSha256('testsecret&', stringToSignRpc('GET', canonicalizedQueryRpc(p))),
    );
    const req = get(p);
    req.query.set('Signature', signature);
    expect(call(req, accounts).status).toBe(200);
    req.query.set('SignatureNonce', 'another');
    expectError(call(req, accounts), 400, 'SignatureDoesNotMatch');
  });

  it('rejects an unsupported signature method and a missing signing parameter', () => {
    const accounts = vectorAccounts();
    expectError(
      call(get(params({ SignatureMethod: 'MD5' })), accounts),
      400,
      'InvalidSignatureMethod.Unsupported',
    );
    for (const name of ['AccessKeyId', 'SignatureNonce', 'Timestamp', 'Signature']) {
      const req = get(params());
      req.query.delete(name);
      const res = call(req, accounts);
      expectError(res, 400, 'MissingParameter');
      expect(res.json.Message).toContain(`"${name}"`);
    }
    expectError(
      call(get(params({ Timestamp: '2015/09/01 05:57' })), accounts),
      400,
      'InvalidTimeStamp.Format',
    );
  });

  it('an unknown key is InvalidAccessKeyId.NotFound (404)', () => {
    const accounts = vectorAccounts();
    expectError(
      call(get(params({ AccessKeyId: 'nobody' }), 'x'), accounts),
      404,
      'InvalidAccessKeyId.NotFound',
    );
  });

  it('methods other than GET and POST are UnsupportedHTTPMethod', () => {
    const req = get(params());
    expectError(call({ ...req, method: 'PUT' }, vectorAccounts()), 400, 'UnsupportedHTTPMethod');
  });

  it('a well-formed ExternalId is accepted', () => {
    expect(call(get(params({ ExternalId: 'abcd-1234:x/y' })), vectorAccounts()).status).toBe(200);
  });

  it('another action, or another version, is not found', () => {
    const accounts = vectorAccounts();
    expectError(
      call(get(params({ Action: 'GetCallerIdentity' })), accounts),
      404,
      'InvalidAction.NotFound',
    );
    expectError(
      call(get(params({ Version: '2019-01-01' })), accounts),
      404,
      'InvalidVersion.NotFound',
    );
  });

  it('noAuth skips the signature but still validates the call', () => {
    const accounts = vectorAccounts();
    const req = get(params(), 'any-secret');
    expect(call(req, accounts, VECTOR_NOW, true).status).toBe(200);
    const bad = get(params({ RoleSessionName: 'x' }), 'any-secret');
    expectError(call(bad, accounts, VECTOR_NOW, true), 400, 'InvalidParameter.RoleSessionName');
  });
});

describe('AssumeRole parameters', () => {
  const cases: [string, Record<string, string>, number, string][] = [
    ['no RoleArn', { RoleArn: '' }, 400, 'MissingParameter'],
    ['no RoleSessionName', { RoleSessionName: '' }, 400, 'MissingParameter'],
    ['a malformed RoleArn', { RoleArn: 'firstrole' }, 400, 'InvalidParameter.RoleArn'],
    [
      'an unknown role',
      { RoleArn: 'acs:ram::1234567890123:role/nobody' },
      404,
      'EntityNotExist.Role',
    ],
    [
      'a role of another account',
      { RoleArn: 'acs:ram::999:role/firstrole' },
      404,
      'EntityNotExist.Role',
    ],
    [
      'a one-letter session name',
      { RoleSessionName: 'a' },
      400,
      'InvalidParameter.RoleSessionName',
    ],
    [
      'a session name with a space',
      { RoleSessionName: 'a b' },
      400,
      'InvalidParameter.RoleSessionName',
    ],
    ['DurationSeconds 899', { DurationSeconds: '899' }, 400, 'InvalidParameter.DurationSeconds'],
    [
      'DurationSeconds above the role maximum',
      { DurationSeconds: '7201' },
      400,
      'InvalidParameter.DurationSeconds',
    ],
    [
      'DurationSeconds not a number',
      { DurationSeconds: '1h' },
      400,
      'InvalidParameter.DurationSeconds',
    ],
    ['a one-character ExternalId', { ExternalId: 'x' }, 400, 'InvalidParameter.ExternalId'],
    ['an ExternalId with a space', { ExternalId: 'ab cd' }, 400, 'InvalidParameter.ExternalId'],
    ['a policy that is not JSON', { Policy: '{"Version":' }, 400, 'InvalidParameter.PolicyGrammar'],
    [
      'a policy with an unknown effect',
      { Policy: '{"Version":"1","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' },
      400,
      'InvalidParameter.PolicyGrammar',
    ],
    [
      'a policy over 2048 characters',
      {
        Policy: JSON.stringify({
          Version: '1',
          Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'x'.repeat(2048) }],
        }),
      },
      400,
      'InvalidParameter.PolicyGrammar',
    ],
  ];
  for (const [name, extra, status, code] of cases) {
    it(`${name} → ${status} ${code}`, () => {
      expectError(call(get(params(extra)), vectorAccounts()), status, code);
    });
  }

  it('DurationSeconds 900..role maximum is honoured, 3600 by default', () => {
    const accounts = vectorAccounts();
    for (const [given, seconds] of [
      ['900', 900],
      ['7200', 7200],
      [undefined, 3600],
    ] as const) {
      const res = call(
        get(params(given === undefined ? {} : { DurationSeconds: given })),
        accounts,
      );
      expect(Date.parse(res.json.Credentials.Expiration) - VECTOR_NOW).toBe(seconds * 1000);
    }
  });

  it('the session policy is carried by the credentials', () => {
    const accounts = vectorAccounts();
    const policy = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }],
    };
    const res = call(get(params({ Policy: JSON.stringify(policy) })), accounts);
    const c = res.json.Credentials;
    const found = accounts.resolve(c.AccessKeyId, c.SecurityToken, VECTOR_NOW);
    expect(found.status === 'temporary' && found.session.policies).toEqual([ROLE_POLICY, policy]);
  });
});

describe('who may call AssumeRole', () => {
  function minted(accounts: Accounts) {
    return call(get(params()), accounts).json.Credentials;
  }

  it('temporary credentials are refused with NoPermission (403)', () => {
    const accounts = vectorAccounts();
    const c = minted(accounts);
    const p = params({ AccessKeyId: c.AccessKeyId!, SecurityToken: c.SecurityToken! });
    expectError(call(get(p, c.AccessKeySecret), accounts), 403, 'NoPermission');
  });

  it('a temporary key without its token is MissingSecurityToken', () => {
    const accounts = vectorAccounts();
    const c = minted(accounts);
    expectError(
      call(get(params({ AccessKeyId: c.AccessKeyId! }), c.AccessKeySecret), accounts),
      400,
      'MissingSecurityToken',
    );
  });

  it('bad tokens: malformed, mismatched, expired', () => {
    const accounts = vectorAccounts();
    const a = minted(accounts);
    const b = minted(accounts);
    const withToken = (token: string) =>
      params({ AccessKeyId: a.AccessKeyId!, SecurityToken: token });
    expectError(
      call(get(withToken('garbage'), a.AccessKeySecret), accounts),
      400,
      'InvalidSecurityToken.Malformed',
    );
    expectError(
      call(get(withToken(b.SecurityToken!), a.AccessKeySecret), accounts),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    const later = VECTOR_NOW + 3600_000;
    const expired = params({ AccessKeyId: a.AccessKeyId!, SecurityToken: a.SecurityToken! }, later);
    expectError(
      call(get(expired, a.AccessKeySecret), accounts, later),
      400,
      'InvalidSecurityToken.Expired',
    );
  });
});

describe('isStsRequest', () => {
  const base = { method: 'GET', path: '/', query: new URLSearchParams(), headers: {} };
  it('recognizes the STS path, the action, the x-acs-action header and a form POST to /', () => {
    expect(isStsRequest({ ...base, path: '/sts' })).toBe(true);
    expect(isStsRequest({ ...base, path: '/sts/' })).toBe(true);
    expect(isStsRequest({ ...base, query: new URLSearchParams('Action=AssumeRole') })).toBe(true);
    expect(
      isStsRequest({ ...base, method: 'POST', headers: { 'x-acs-action': 'AssumeRole' } }),
    ).toBe(true);
    expect(
      isStsRequest({
        ...base,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ).toBe(true);
  });

  it('takes /sts and a form POST to / only when the Host names no bucket', () => {
    const virtual = { ...base, hostNamesBucket: true };
    expect(isStsRequest({ ...virtual, method: 'PUT', path: '/sts/x.txt' })).toBe(false);
    expect(isStsRequest({ ...virtual, path: '/sts' })).toBe(false);
    expect(
      isStsRequest({
        ...virtual,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ).toBe(false);
    expect(isStsRequest({ ...base, hostNamesBucket: false, path: '/sts/x.txt' })).toBe(true);
    expect(
      isStsRequest({ ...virtual, path: '/k', query: new URLSearchParams('Action=AssumeRole') }),
    ).toBe(true);
  });

  it('leaves OSS requests alone', () => {
    expect(isStsRequest(base)).toBe(false);
    expect(isStsRequest({ ...base, path: '/stsbucket/key' })).toBe(false);
    expect(
      isStsRequest({
        ...base,
        method: 'POST',
        path: '/media/k',
        query: new URLSearchParams('append&position=0'),
      }),
    ).toBe(false);
    expect(
      isStsRequest({
        ...base,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      }),
    ).toBe(false);
  });
});

describe('STS addressing in the server', () => {
  it(
    'PUT /sts/x.txt with Host logs.oss-cn-hangzhou.aliyuncs.com ' + 'is PutObject of sts/x.txt',
    async () => {
      const mock = createMockOss({ buckets: ['logs'], noAuth: true });
      const response = await mock.dispatch({
        method: 'PUT',
        path: '/sts/x.txt',
        rawQuery: '',
        headers: { host: 'logs.oss-cn-hangzhou.aliyuncs.com', 'content-length': '2' },
        body: (async function* () {
          yield new TextEncoder().encode('hi');
        })(),
      });
      expect(response.status).toBe(200);
      expect(mock.requests.last()?.operation).toBe('PutObject');
      expect(mock.store.head('logs', 'sts/x.txt')?.size).toBe(2);
    },
  );

  it('a path-style host still reaches STS at /sts', async () => {
    const mock = createMockOss({ buckets: ['logs'], noAuth: true });
    const response = await mock.dispatch({
      method: 'POST',
      path: '/sts',
      rawQuery: '',
      headers: { host: '127.0.0.1:9000' },
      body: (async function* () {})(),
    });
    expect(mock.requests.last()?.operation).toBe('AssumeRole');
    expect(response.headers['content-type']).toContain('json');
  });
});

describe('STS request ids in the server', () => {
  it('x-oss-request-id, x-acs-request-id, the JSON RequestId and the log agree', async () => {
    const mock = createMockOss({ noAuth: true });
    for (const body of ['', 'Action=AssumeRole&RoleSessionName=x']) {
      const response = await mock.handle(
        new Request('http://127.0.0.1:9000/sts', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
      );
      const json = (await response.json()) as { RequestId: string };
      expect(json.RequestId).toMatch(
        /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
      );
      expect(response.headers.get('x-oss-request-id')).toBe(json.RequestId);
      expect(response.headers.get('x-acs-request-id')).toBe(json.RequestId);
      expect(mock.requests.last()?.requestId).toBe(json.RequestId);
    }
  });
});
