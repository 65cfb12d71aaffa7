import {
  type Credentials,
  presignUrlV1,
  presignUrlV4,
  type SignableRequest,
  signRequestV1,
  signRequestV4,
  stringToSignV1,
} from '@oss-media/oss-sign';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Accounts } from '../../src/accounts.js';
import { type AuthRequest, authenticate, spacedHex } from '../../src/auth/authenticate.js';
import {
  context,
  lower,
  MINUTE,
  NOW,
  newAccounts,
  ossError,
  REGION,
  ROOT,
  received,
  receivedUrl,
  temporary,
} from './fixtures.js';

const PUT: SignableRequest = {
  method: 'PUT',
  bucket: 'media',
  key: 'videos/cam 1/0001.ts',
  query: {},
  headers: { 'Content-Type': 'video/mp2t', 'x-oss-meta-camera': 'front door' },
};
const APPEND: SignableRequest = {
  method: 'POST',
  bucket: 'media',
  key: 'live.ts',
  query: { append: '', position: '1024' },
  headers: {},
};

function signedV1(req: SignableRequest, credentials: Credentials = ROOT, date = new Date(NOW)) {
  return received(req, signRequestV1(req, credentials, { date }));
}

function signedV4(
  req: SignableRequest,
  credentials: Credentials = ROOT,
  date = new Date(NOW),
  extra = {},
) {
  return received(req, signRequestV4(req, credentials, { region: REGION, date, ...extra }));
}

describe('protocol vectors (V1 header, §1)', () => {
  const secret = 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV';
  const accounts = new Accounts({ accessKeyId: 'vector-ak', accessKeySecret: secret });
  const cases: { name: string; date: string; req: AuthRequest; signature: string }[] = [
    {
      name: 'PUT with Content-MD5, Content-Type and x-oss headers',
      date: 'Thu, 17 Nov 2005 18:49:58 GMT',
      req: {
        method: 'PUT',
        bucket: 'oss-example',
        key: 'nelson',
        query: {},
        headers: {
          'content-md5': 'ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=',
          'content-type': 'text/html',
          date: 'Thu, 17 Nov 2005 18:49:58 GMT',
          'x-oss-magic': 'abracadabra',
          'x-oss-meta-author': 'foo@bar.com',
        },
      },
      signature: '26NBxoKdsyly4EDv6inkoDft/yA=',
    },
    {
      name: 'PUT to the service',
      date: 'Thu, 17 Nov 2005 18:49:58 GMT',
      req: { method: 'PUT', query: {}, headers: { date: 'Thu, 17 Nov 2005 18:49:58 GMT' } },
      signature: 'PPaaX3Rt4ntpD31O9aqkyCf2pd4=',
    },
  ];
  for (const c of cases) {
    it(`accepts "${c.name}" at its date and rejects it 16 minutes later`, () => {
      const req = {
        ...c.req,
        headers: { ...c.req.headers, authorization: `OSS vector-ak:${c.signature}` },
      };
      const at = Date.parse(c.date);
      expect(authenticate(req, context(accounts, at)).kind).toBe('root');
      expect(ossError(() => authenticate(req, context(accounts, at + 16 * MINUTE))).code).toBe(
        'RequestTimeTooSkewed',
      );
    });
  }

  it('accepts the x-oss-date vector (secret "sk")', () => {
    const d = 'Wed, 28 Dec 2022 10:27:41 GMT';
    const req = {
      method: 'PUT',
      bucket: 'examplebucket',
      key: 'nelson',
      query: {},
      headers: {
        'content-md5': 'eB5eJF1ptWaXm4bijSPyxw==',
        'content-type': 'text/html',
        'x-oss-date': d,
        'x-oss-meta-author': 'alice',
        'x-oss-meta-magic': 'abracadabra',
        authorization: 'OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=',
      },
    };
    const own = new Accounts({ accessKeyId: 'ak', accessKeySecret: 'sk' });
    expect(authenticate(req, context(own, Date.parse(d))).kind).toBe('root');
  });
});

describe('protocol vectors (V1 presigned URL §2, V4 §3)', () => {
  it('accepts the V1 presign vector before its Expires and denies it after', () => {
    const accounts = new Accounts({
      accessKeyId: 'vector-ak',
      accessKeySecret: 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV',
    });
    const req = {
      method: 'GET',
      bucket: 'oss-example',
      key: 'oss-api.pdf',
      query: {
        OSSAccessKeyId: 'vector-ak',
        Expires: '1141889120',
        Signature: 'EwaNTn1erJGkimiJ9WmXgwnANLc=',
      },
      headers: {},
    };
    expect(authenticate(req, context(accounts, 1141889120_000)).kind).toBe('root');
    const late = ossError(() => authenticate(req, context(accounts, 1141889121_000)));
    expect([late.code, late.message]).toEqual(['AccessDenied', 'Request has expired.']);
  });

  it('accepts the V4 vector (secret "sk", region cn-hangzhou)', () => {
    const accounts = new Accounts({ accessKeyId: 'ak', accessKeySecret: 'sk' });
    const req = {
      method: 'PUT',
      bucket: 'bucket',
      key: '1234+-/123/1.txt',
      query: {
        '+param1': 'value3',
        '+param2': '',
        '|param1': 'value4',
        '|param2': '',
        param1: 'value1',
        param2: '',
      },
      headers: {
        'content-type': 'text/plain',
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-oss-date': '20231216T162057Z',
        'x-oss-head1': 'value',
        authorization:
          'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,' +
          'Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
      },
    };
    expect(authenticate(req, context(accounts, Date.UTC(2023, 11, 16, 16, 20, 57))).kind).toBe(
      'root',
    );
  });
});

describe('V1 header signatures', () => {
  const accounts = newAccounts();

  it('accepts a signed PUT and a signed append as the root account', () => {
    for (const req of [PUT, APPEND]) {
      const who = authenticate(signedV1(req), context(accounts));
      expect(who).toEqual({ kind: 'root', accessKeyId: ROOT.accessKeyId, policies: [] });
    }
  });

  it('echoes what it signed when a signed header was changed afterwards', () => {
    const req = signedV1(PUT);
    req.headers['x-oss-meta-camera'] = 'back door';
    const error = ossError(() => authenticate(req, context(accounts)));
    const expected = stringToSignV1({ ...PUT, headers: req.headers });
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.status).toBe(403);
    expect(error.extra.OSSAccessKeyId).toBe(ROOT.accessKeyId);
    expect(error.extra.SignatureProvided).toBe(req.headers.authorization!.split(':')[1]);
    expect(error.extra.StringToSign).toBe(expected);
    expect(error.extra.StringToSignBytes).toBe(spacedHex(new TextEncoder().encode(expected)));
    expect(error.extra.StringToSignBytes!.startsWith('50 55 54 0a')).toBe(true);
  });

  it('rejects a changed sub-resource (the append position is signed)', () => {
    const req = signedV1(APPEND);
    req.query.position = '0';
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('SignatureDoesNotMatch');
  });

  it('rejects a wrong secret', () => {
    const req = signedV1(PUT, { ...ROOT, accessKeySecret: 'not-the-secret' });
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('SignatureDoesNotMatch');
  });

  it('rejects an unknown AccessKeyId with InvalidAccessKeyId naming it', () => {
    const req = signedV1(PUT, { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' });
    const error = ossError(() => authenticate(req, context(accounts)));
    expect([error.code, error.status, error.extra.OSSAccessKeyId]).toEqual([
      'InvalidAccessKeyId',
      403,
      'LTAI-nobody',
    ]);
  });

  it('applies the 15-minute skew rule in both directions, with the service details', () => {
    for (const offset of [-14 * MINUTE, 14 * MINUTE, 15 * MINUTE]) {
      expect(
        authenticate(signedV1(PUT, ROOT, new Date(NOW + offset)), context(accounts)).kind,
      ).toBe('root');
    }
    for (const offset of [-16 * MINUTE, 16 * MINUTE]) {
      const error = ossError(() =>
        authenticate(signedV1(PUT, ROOT, new Date(NOW + offset)), context(accounts)),
      );
      expect(error.code).toBe('RequestTimeTooSkewed');
      expect(error.status).toBe(403);
      expect(error.extra).toEqual({
        MaxAllowedSkewMilliseconds: '900000',
        RequestTime: new Date(NOW + offset).toISOString(),
        ServerTime: new Date(NOW).toISOString(),
      });
    }
  });

  it('judges skew by the mock clock, not the machine clock', () => {
    const longAgo = Date.UTC(2001, 0, 1);
    expect(
      authenticate(signedV1(PUT, ROOT, new Date(longAgo)), context(accounts, longAgo)).kind,
    ).toBe('root');
  });

  it('requires a readable date', () => {
    const req = signedV1(PUT);
    delete req.headers['x-oss-date'];
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('AccessDenied');
    req.headers.date = 'yesterday-ish';
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('AccessDenied');
  });

  it('answers InvalidArgument for malformed Authorization headers', () => {
    for (const bad of ['OSS', 'OSS nocolon', 'Bearer abc', '', 'OSS4-HMAC-SHA256 Signature=zz']) {
      const req = signedV1(PUT);
      req.headers.authorization = bad;
      const error = ossError(() => authenticate(req, context(accounts)));
      expect([error.code, error.status]).toEqual(['InvalidArgument', 400]);
    }
  });

  it('property: any signed request verifies, and any other signature does not', () => {
    const key = fc.string({ minLength: 1, maxLength: 40 }).filter((k) => !k.startsWith('/'));
    const meta = fc.stringMatching(/^[ -~]{0,30}$/);
    fc.assert(
      fc.property(key, meta, fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'), (k, m, method) => {
        const req = { method, bucket: 'media', key: k, query: {}, headers: { 'x-oss-meta-m': m } };
        const good = signedV1(req);
        expect(authenticate(good, context(accounts)).kind).toBe('root');
        const bad = { ...good, headers: { ...good.headers } };
        const sig = bad.headers.authorization!.split(':')[1]!;
        const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
        bad.headers.authorization = `OSS ${ROOT.accessKeyId}:${flipped}`;
        expect(ossError(() => authenticate(bad, context(accounts))).code).toBe(
          'SignatureDoesNotMatch',
        );
      }),
      { numRuns: 60 },
    );
  });
});

describe('V4 header signatures', () => {
  const accounts = newAccounts();

  it('accepts a signed PUT, with and without additional headers', () => {
    expect(authenticate(signedV4(PUT), context(accounts)).kind).toBe('root');
    const withHost = {
      ...PUT,
      headers: { ...PUT.headers, host: 'media.oss-cn-hangzhou.aliyuncs.com' },
    };
    expect(
      authenticate(
        signedV4(withHost, ROOT, new Date(NOW), { additionalHeaders: ['host'] }),
        context(accounts),
      ).kind,
    ).toBe('root');
  });

  it('accepts the other Authorization spelling (", " and another field order)', () => {
    const req = signedV4(PUT);
    const fields = Object.fromEntries(
      req.headers
        .authorization!.slice('OSS4-HMAC-SHA256 '.length)
        .split(',')
        .map((f) => f.split('=')),
    );
    req.headers.authorization =
      `OSS4-HMAC-SHA256 Signature=${fields.Signature}, ` + `Credential=${fields.Credential}`;
    expect(authenticate(req, context(accounts)).kind).toBe('root');
  });

  it('echoes the string to sign and the canonical request on a mismatch', () => {
    const req = signedV4(PUT);
    req.key = 'videos/other.ts';
    const error = ossError(() => authenticate(req, context(accounts)));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(
      error.extra.StringToSign!.startsWith(
        'OSS4-HMAC-SHA256\n20221228T102741Z\n20221228/cn-hangzhou/oss/aliyun_v4_request\n',
      ),
    ).toBe(true);
    expect(error.extra.CanonicalRequest!.split('\n')[1]).toBe('/media/videos/other.ts');
  });

  it('applies the skew rule and requires x-oss-date', () => {
    const skewed = signedV4(PUT, ROOT, new Date(NOW - 20 * MINUTE));
    expect(ossError(() => authenticate(skewed, context(accounts))).code).toBe(
      'RequestTimeTooSkewed',
    );
    const undated = signedV4(PUT);
    delete undated.headers['x-oss-date'];
    expect(ossError(() => authenticate(undated, context(accounts))).code).toBe('AccessDenied');
  });

  it('rejects a credential scope for another region', () => {
    const req = received(
      PUT,
      signRequestV4(PUT, ROOT, { region: 'cn-shanghai', date: new Date(NOW) }),
    );
    const error = ossError(() => authenticate(req, context(accounts)));
    expect([error.code, error.extra.ArgumentValue]).toEqual(['InvalidArgument', 'cn-shanghai']);
  });

  it('accepts a region configured with the oss- prefix', () => {
    expect(
      authenticate(signedV4(PUT), context(accounts, NOW, { region: 'oss-cn-hangzhou' })).kind,
    ).toBe('root');
  });
});

describe('presigned URLs', () => {
  const accounts = newAccounts();
  const endpoint = 'http://127.0.0.1:9000';
  const base = {
    endpoint,
    bucket: 'media',
    key: 'videos/a b.mp4',
    pathStyle: true,
    now: new Date(NOW),
  };

  it('V1: accepts a fresh URL, checks expiry before the signature', () => {
    const url = presignUrlV1({ ...base, credentials: ROOT, expires: 600 });
    expect(authenticate(receivedUrl(url), context(accounts)).kind).toBe('root');

    const tampered = receivedUrl(url);
    tampered.query.Signature = 'AAAA';
    expect(ossError(() => authenticate(tampered, context(accounts))).code).toBe(
      'SignatureDoesNotMatch',
    );
    const late = ossError(() => authenticate(tampered, context(accounts, NOW + 601_000)));
    expect([late.code, late.status, late.message]).toEqual([
      'AccessDenied',
      403,
      'Request has expired.',
    ]);
    expect(late.extra.ServerTime).toBe(new Date(NOW + 601_000).toISOString());
  });

  it('V1: a missing parameter is AccessDenied; a non-numeric Expires is InvalidArgument', () => {
    const url = presignUrlV1({ ...base, credentials: ROOT, expires: 600 });
    for (const name of ['OSSAccessKeyId', 'Expires', 'Signature']) {
      const req = receivedUrl(url);
      delete req.query[name];
      expect(ossError(() => authenticate(req, context(accounts))).code).toBe('AccessDenied');
    }
    const req = receivedUrl(url);
    req.query.Expires = 'soon';
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('InvalidArgument');
  });

  it('V1: the signed method and key are enforced', () => {
    const url = presignUrlV1({ ...base, credentials: ROOT, expires: 600 });
    expect(ossError(() => authenticate(receivedUrl(url, 'PUT'), context(accounts))).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('V4: accepts a fresh URL and enforces x-oss-expires 1..604800', () => {
    const url = presignUrlV4({ ...base, credentials: ROOT, expires: 3600, region: REGION });
    expect(authenticate(receivedUrl(url), context(accounts)).kind).toBe('root');
    const late = ossError(() => authenticate(receivedUrl(url), context(accounts, NOW + 3601_000)));
    expect([late.code, late.message]).toEqual(['AccessDenied', 'Request has expired.']);

    for (const bad of ['0', '604801', '-1', 'x']) {
      const req = receivedUrl(url);
      req.query['x-oss-expires'] = bad;
      expect(ossError(() => authenticate(req, context(accounts))).code).toBe('InvalidArgument');
    }
    const week = presignUrlV4({ ...base, credentials: ROOT, expires: 604800, region: REGION });
    expect(authenticate(receivedUrl(week), context(accounts, NOW + 604799_000)).kind).toBe('root');
  });

  it('V4: a missing parameter is AccessDenied; a tampered one fails the signature', () => {
    const url = presignUrlV4({ ...base, credentials: ROOT, expires: 3600, region: REGION });
    for (const name of ['x-oss-credential', 'x-oss-date', 'x-oss-expires', 'x-oss-signature']) {
      const req = receivedUrl(url);
      delete req.query[name];
      expect(ossError(() => authenticate(req, context(accounts))).code).toBe('AccessDenied');
    }
    const req = receivedUrl(url);
    req.query['response-content-type'] = 'text/html';
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('SignatureDoesNotMatch');
  });

  it('V4: a URL dated more than 15 minutes ahead of the clock is refused', () => {
    const url = presignUrlV4({ ...base, credentials: ROOT, expires: 3600, region: REGION });
    expect(authenticate(receivedUrl(url), context(accounts, NOW - 10 * MINUTE)).kind).toBe('root');
    expect(
      ossError(() => authenticate(receivedUrl(url), context(accounts, NOW - 16 * MINUTE))).code,
    ).toBe('RequestTimeTooSkewed');
  });
});

describe('temporary credentials', () => {
  it('a signed request with a valid token is the temporary session, with its policies', () => {
    const accounts = newAccounts();
    const policy = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }],
    };
    const creds = temporary(accounts, { policy });
    for (const req of [signedV1(PUT, creds), signedV4(PUT, creds)]) {
      const who = authenticate(req, context(accounts));
      expect(who.kind).toBe('temporary');
      expect(who.accessKeyId).toBe(creds.accessKeyId);
      expect(who.sessionName).toBe('camera-1');
      expect(who.roleArn).toBe('acs:ram::1234567890123456:role/mock-oss-full-access');
      expect(who.policies).toHaveLength(2);
      expect(who.policies[1]).toEqual(policy);
    }
  });

  it('SecurityTokenExpired once the clock passes the expiration, in every form', () => {
    const accounts = newAccounts();
    const creds = temporary(accounts, { duration: 900 });
    const later = NOW + 900_000;
    const base = { endpoint: 'http://127.0.0.1:9000', bucket: 'media', key: 'k', pathStyle: true };
    const forms = [
      signedV1(PUT, creds, new Date(later)),
      signedV4(PUT, creds, new Date(later)),
      receivedUrl(presignUrlV1({ ...base, credentials: creds, expires: 60, now: new Date(later) })),
      receivedUrl(
        presignUrlV4({
          ...base,
          credentials: creds,
          expires: 60,
          now: new Date(later),
          region: REGION,
        }),
      ),
    ];
    for (const req of forms) {
      const error = ossError(() => authenticate(req, context(accounts, later)));
      expect([error.code, error.status]).toEqual(['SecurityTokenExpired', 403]);
    }
    expect(
      authenticate(signedV1(PUT, creds, new Date(later - 1000)), context(accounts, later - 1000))
        .kind,
    ).toBe('temporary');
  });

  it('the presigned forms carry the token in the query and accept it', () => {
    const accounts = newAccounts();
    const creds = temporary(accounts);
    const base = {
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'media',
      key: 'k',
      pathStyle: true,
      now: new Date(NOW),
    };
    const v1 = receivedUrl(presignUrlV1({ ...base, credentials: creds, expires: 60 }));
    const v4 = receivedUrl(
      presignUrlV4({ ...base, credentials: creds, expires: 60, region: REGION }),
    );
    expect(v1.query['security-token']).toBe(creds.securityToken);
    expect(v4.query['x-oss-security-token']).toBe(creds.securityToken);
    expect(authenticate(v1, context(accounts)).kind).toBe('temporary');
    expect(authenticate(v4, context(accounts)).kind).toBe('temporary');
  });

  it('InvalidSecurityToken for a forged, altered, foreign or mismatched token', () => {
    const accounts = newAccounts();
    const creds = temporary(accounts);
    const other = temporary(accounts);
    const foreign = temporary(newAccounts({ accessKeySecret: 'another-server' }));
    const token = creds.securityToken!;
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const tokens = [
      flip(token, 12),
      flip(token, token.length - 3),
      'MOCKSTS.e30.AAAA',
      'CAIS-a-real-looking-token',
      foreign.securityToken!,
      other.securityToken!,
    ];
    for (const bad of tokens) {
      // Signed with the bad token, so only the token can be what fails.
      const req = signedV1(PUT, { ...creds, securityToken: bad });
      const error = ossError(() => authenticate(req, context(accounts)));
      expect([error.code, error.status]).toEqual(['InvalidSecurityToken', 403]);
    }
  });

  it('a temporary key without its token is an unknown key', () => {
    const accounts = newAccounts();
    const { securityToken: _, ...bare } = temporary(accounts);
    expect(ossError(() => authenticate(signedV1(PUT, bare), context(accounts))).code).toBe(
      'InvalidAccessKeyId',
    );
  });

  it('reset() revokes issued tokens; a restarted server with the same root keeps them', () => {
    const accounts = newAccounts();
    const creds = temporary(accounts);
    const restarted = newAccounts();
    expect(authenticate(signedV1(PUT, creds), context(restarted)).kind).toBe('temporary');
    accounts.reset();
    expect(ossError(() => authenticate(signedV1(PUT, creds), context(accounts))).code).toBe(
      'InvalidSecurityToken',
    );
  });

  it('a wrong temporary secret is SignatureDoesNotMatch, not a token error', () => {
    const accounts = newAccounts();
    const creds = temporary(accounts);
    const req = signedV1(PUT, { ...creds, accessKeySecret: 'guess' });
    expect(ossError(() => authenticate(req, context(accounts))).code).toBe('SignatureDoesNotMatch');
  });
});

describe('no credentials and --no-auth', () => {
  const accounts = newAccounts();

  it('a request with no credentials at all is anonymous', () => {
    const req = {
      method: 'GET',
      bucket: 'media',
      key: 'k',
      query: {},
      headers: lower({ Host: 'x' }),
    };
    expect(authenticate(req, context(accounts))).toEqual({ kind: 'anonymous', policies: [] });
  });

  it('noAuth makes every request the root account, even a badly signed one', () => {
    const req = signedV1(PUT, { accessKeyId: 'whoever', accessKeySecret: 'whatever' });
    const who = authenticate(req, context(accounts, NOW, { noAuth: true }));
    expect(who).toEqual({ kind: 'root', accessKeyId: ROOT.accessKeyId, policies: [] });
  });
});
