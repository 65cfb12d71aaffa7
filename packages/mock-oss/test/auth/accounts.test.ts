import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Accounts, ALLOW_ALL_POLICY } from '../../src/accounts.js';
import { decodeSecurityToken, securityTokenKey } from '../../src/auth/security-token.js';
import { StsServiceError } from '../../src/sts/errors.js';
import { NOW, newAccounts, ROOT } from './fixtures.js';

const READ_ONLY = {
  Version: '1' as const,
  Statement: [{ Effect: 'Allow' as const, Action: 'oss:GetObject', Resource: '*' }],
};

function stsError(fn: () => unknown): StsServiceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StsServiceError);
    return error as StsServiceError;
  }
  throw new Error('expected an StsServiceError');
}

describe('Accounts', () => {
  it('without roles, creates one full-access role in the account', () => {
    const accounts = newAccounts();
    expect([...accounts.roles.keys()]).toEqual([
      'acs:ram::1234567890123456:role/mock-oss-full-access',
    ]);
    expect([...accounts.roles.values()][0]!.policy).toEqual(ALLOW_ALL_POLICY);
    expect(accounts.root).toEqual(ROOT);
  });

  it('uses the configured account id and roles', () => {
    const arn = 'acs:ram::42:role/uploader';
    const accounts = newAccounts({
      accountId: '42',
      roles: [{ arn, policy: READ_ONLY, maxSessionDuration: 7200 }],
    });
    expect([...accounts.roles.keys()]).toEqual([arn]);
    expect(accounts.findRole('acs:ram::42:role/Uploader')?.arn).toBe(arn);
  });

  it('rejects malformed roles', () => {
    expect(() =>
      newAccounts({ roles: [{ arn: 'arn:aws:iam::1:role/x', policy: READ_ONLY }] }),
    ).toThrow(TypeError);
    expect(() =>
      newAccounts({
        roles: [{ arn: 'acs:ram::1:role/x', policy: READ_ONLY, maxSessionDuration: 60 }],
      }),
    ).toThrow(TypeError);
    const grammar = stsError(() =>
      newAccounts({ roles: [{ arn: 'acs:ram::1:role/x', policy: { Version: '2' } as never }] }),
    );
    expect(grammar.code).toBe('InvalidParameter.PolicyGrammar');
    expect(() => new Accounts({ accessKeyId: '', accessKeySecret: 'x' })).toThrow(TypeError);
  });

  it('issues credentials shaped like the service’s', () => {
    const accounts = newAccounts();
    const arn = [...accounts.roles.keys()][0]!;
    const issued = accounts.issue({
      roleArn: arn,
      sessionName: 'cam-42',
      durationSeconds: 1200,
      now: NOW + 700,
    });
    expect(issued.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    expect(issued.accessKeySecret).toMatch(/^[A-Za-z0-9]{44}$/);
    expect(issued.expiration.getTime()).toBe(NOW + 1_200_000);
    expect(issued.assumedRoleId).toMatch(/^[1-9]\d{17}:cam-42$/);
    expect(issued.arn).toBe('acs:ram::1234567890123456:assumed-role/mock-oss-full-access/cam-42');

    const claims = decodeSecurityToken(
      issued.securityToken,
      securityTokenKey(ROOT.accessKeySecret),
    );
    expect(claims).toMatchObject({
      accessKeyId: issued.accessKeyId,
      sessionName: 'cam-42',
      roleArn: arn,
    });
    const again = accounts.issue({
      roleArn: arn,
      sessionName: 'cam-42',
      durationSeconds: 1200,
      now: NOW,
    });
    expect(again.accessKeyId).not.toBe(issued.accessKeyId);
    expect(again.accessKeySecret).not.toBe(issued.accessKeySecret);
  });

  it('validates what it issues', () => {
    const accounts = newAccounts({
      roles: [{ arn: 'acs:ram::1:role/long', policy: READ_ONLY, maxSessionDuration: 7200 }],
    });
    const ok = {
      roleArn: 'acs:ram::1:role/long',
      sessionName: 'cam',
      durationSeconds: 900,
      now: NOW,
    };
    expect(() => accounts.issue(ok)).not.toThrow();
    expect(() => accounts.issue({ ...ok, durationSeconds: 7200 })).not.toThrow();
    const cases: [Partial<typeof ok>, string][] = [
      [{ roleArn: 'acs:ram::1:role/none' }, 'EntityNotExist.Role'],
      [{ roleArn: 'role/long' }, 'InvalidParameter.RoleArn'],
      [{ sessionName: 'a' }, 'InvalidParameter.RoleSessionName'],
      [{ sessionName: 'has space' }, 'InvalidParameter.RoleSessionName'],
      [{ sessionName: 'x'.repeat(65) }, 'InvalidParameter.RoleSessionName'],
      [{ durationSeconds: 899 }, 'InvalidParameter.DurationSeconds'],
      [{ durationSeconds: 7201 }, 'InvalidParameter.DurationSeconds'],
      [{ durationSeconds: 1000.5 }, 'InvalidParameter.DurationSeconds'],
    ];
    for (const [change, code] of cases) {
      expect(stsError(() => accounts.issue({ ...ok, ...change })).code).toBe(code);
    }
  });

  it('resolves keys: root, temporary, unknown, expired, forged, mismatched', () => {
    const accounts = newAccounts();
    const arn = [...accounts.roles.keys()][0]!;
    const a = accounts.issue({
      roleArn: arn,
      sessionName: 'a1',
      durationSeconds: 900,
      now: NOW,
      policy: READ_ONLY,
    });
    const b = accounts.issue({ roleArn: arn, sessionName: 'b1', durationSeconds: 900, now: NOW });

    expect(accounts.resolve(ROOT.accessKeyId, undefined, NOW)).toEqual({
      status: 'root',
      accessKeySecret: ROOT.accessKeySecret,
    });
    const resolved = accounts.resolve(a.accessKeyId, a.securityToken, NOW);
    expect(resolved.status).toBe('temporary');
    if (resolved.status === 'temporary') {
      expect(resolved.session.accessKeySecret).toBe(a.accessKeySecret);
      expect(resolved.session.policies).toEqual([ALLOW_ALL_POLICY, READ_ONLY]);
    }
    expect(accounts.resolve('nobody', undefined, NOW).status).toBe('unknown-key');
    expect(accounts.resolve(a.accessKeyId, undefined, NOW).status).toBe('unknown-key');
    expect(accounts.resolve(a.accessKeyId, a.securityToken, NOW + 900_000).status).toBe(
      'expired-token',
    );
    expect(accounts.resolve(a.accessKeyId, b.securityToken, NOW)).toEqual({
      status: 'invalid-token',
      reason: 'key-mismatch',
    });
    expect(accounts.resolve(a.accessKeyId, `${a.securityToken}x`, NOW)).toEqual({
      status: 'invalid-token',
      reason: 'malformed',
    });
  });

  it('a token stops verifying once its role is removed from the configuration', () => {
    const arn = 'acs:ram::1:role/temp';
    const first = newAccounts({ roles: [{ arn, policy: READ_ONLY }] });
    const issued = first.issue({
      roleArn: arn,
      sessionName: 'cam',
      durationSeconds: 900,
      now: NOW,
    });
    const restartedWithoutRole = newAccounts({
      roles: [{ arn: 'acs:ram::1:role/other', policy: READ_ONLY }],
    });
    expect(restartedWithoutRole.resolve(issued.accessKeyId, issued.securityToken, NOW).status).toBe(
      'invalid-token',
    );
  });

  it('reset() forgets nonces and issued credentials but keeps root and roles', () => {
    const accounts = newAccounts();
    const arn = [...accounts.roles.keys()][0]!;
    const issued = accounts.issue({
      roleArn: arn,
      sessionName: 'a1',
      durationSeconds: 900,
      now: NOW,
    });
    accounts.nonces.add('n-1');
    accounts.reset();
    expect(accounts.nonces.size).toBe(0);
    expect(accounts.resolve(issued.accessKeyId, issued.securityToken, NOW).status).toBe(
      'invalid-token',
    );
    expect(accounts.roles.has(arn)).toBe(true);
    const fresh = accounts.issue({
      roleArn: arn,
      sessionName: 'a1',
      durationSeconds: 900,
      now: NOW,
    });
    expect(accounts.resolve(fresh.accessKeyId, fresh.securityToken, NOW).status).toBe('temporary');
  });

  it('property: changing any one character of a token makes it invalid', () => {
    const accounts = newAccounts();
    const arn = [...accounts.roles.keys()][0]!;
    const issued = accounts.issue({
      roleArn: arn,
      sessionName: 'cam',
      durationSeconds: 900,
      now: NOW,
    });
    const token = issued.securityToken;
    const alphabet = 'ABCabc019-_.x';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet), (at, replacement) => {
        fc.pre(token[at] !== replacement);
        const altered = token.slice(0, at) + replacement + token.slice(at + 1);
        expect(accounts.resolve(issued.accessKeyId, altered, NOW).status).toBe('invalid-token');
      }),
      { numRuns: 300 },
    );
  });
});
