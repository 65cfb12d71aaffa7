import type { PolicyDocument } from '@oss-media/sts';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/auth/authenticate.js';
import { authorize, POLICY_DENIED_MESSAGE } from '../../src/auth/authorize.js';
import { ossError } from './fixtures.js';

const obj = (bucket: string, key: string) => `acs:oss:*:*:${bucket}/${key}`;
const bucket = (name: string) => `acs:oss:*:*:${name}`;

const ROLE: PolicyDocument = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: 'oss:*', Resource: ['acs:oss:*:*:media', 'acs:oss:*:*:media/*'] },
  ],
};

function session(...policies: PolicyDocument[]): Identity {
  return { kind: 'temporary', accessKeyId: 'STS.x', policies, roleArn: 'r', sessionName: 's' };
}

function denied(fn: () => void): void {
  const error = ossError(fn);
  expect([error.code, error.status, error.message]).toEqual([
    'AccessDenied',
    403,
    POLICY_DENIED_MESSAGE,
  ]);
}

describe('authorize', () => {
  it('the root account may do anything', () => {
    const root: Identity = { kind: 'root', accessKeyId: 'ak', policies: [] };
    expect(() => authorize(root, 'oss:DeleteBucket', bucket('anything'))).not.toThrow();
  });

  it('an anonymous request is AccessDenied', () => {
    const error = ossError(() =>
      authorize({ kind: 'anonymous', policies: [] }, 'oss:GetObject', obj('media', 'a')),
    );
    expect([error.code, error.status]).toEqual(['AccessDenied', 403]);
  });

  it('a session is bounded by its role policy', () => {
    const who = session(ROLE);
    expect(() => authorize(who, 'oss:PutObject', obj('media', 'videos/1.ts'))).not.toThrow();
    denied(() => authorize(who, 'oss:PutObject', obj('other', 'videos/1.ts')));
  });

  it('role policy ∩ session policy: the session policy narrows, never widens', () => {
    const narrow: PolicyDocument = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:PutObject', 'oss:GetObject'],
          Resource: obj('media', 'videos/cam-42/*'),
        },
        { Effect: 'Allow', Action: 'oss:PutObject', Resource: obj('elsewhere', '*') },
      ],
    };
    const who = session(ROLE, narrow);
    expect(() =>
      authorize(who, 'oss:PutObject', obj('media', 'videos/cam-42/0001.ts')),
    ).not.toThrow();
    expect(() =>
      authorize(who, 'oss:GetObject', obj('media', 'videos/cam-42/0001.ts')),
    ).not.toThrow();
    denied(() => authorize(who, 'oss:DeleteObject', obj('media', 'videos/cam-42/0001.ts')));
    denied(() => authorize(who, 'oss:PutObject', obj('media', 'videos/cam-7/0001.ts')));
    // Allowed by the session policy but not by the role.
    denied(() => authorize(who, 'oss:PutObject', obj('elsewhere', 'x')));
  });

  it('an explicit Deny wins over any Allow', () => {
    const deny: PolicyDocument = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
        { Effect: 'Deny', Action: 'oss:DeleteObject', Resource: obj('media', 'keep/*') },
      ],
    };
    const who = session(ROLE, deny);
    denied(() => authorize(who, 'oss:DeleteObject', obj('media', 'keep/a')));
    expect(() => authorize(who, 'oss:DeleteObject', obj('media', 'tmp/a'))).not.toThrow();
  });

  it('wildcards in Action and Resource (* and ?)', () => {
    const policy: PolicyDocument = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:Get*', Resource: obj('media', 'cam-?/*.ts') }],
    };
    const who = session(ROLE, policy);
    expect(() => authorize(who, 'oss:GetObject', obj('media', 'cam-1/a.ts'))).not.toThrow();
    denied(() => authorize(who, 'oss:GetObject', obj('media', 'cam-12/a.ts')));
    denied(() => authorize(who, 'oss:PutObject', obj('media', 'cam-1/a.ts')));
  });

  it('oss:Prefix conditions limit listing', () => {
    const policy: PolicyDocument = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'oss:ListObjects',
          Resource: bucket('media'),
          Condition: { StringLike: { 'oss:Prefix': 'videos/cam-42/*' } },
        },
      ],
    };
    const who = session(ROLE, policy);
    expect(() =>
      authorize(who, 'oss:ListObjects', bucket('media'), { 'oss:Prefix': 'videos/cam-42/2024' }),
    ).not.toThrow();
    denied(() => authorize(who, 'oss:ListObjects', bucket('media'), { 'oss:Prefix': 'videos/' }));
    denied(() => authorize(who, 'oss:ListObjects', bucket('media')));
  });

  it('a session with no policies at all is denied (default deny)', () => {
    denied(() => authorize(session(), 'oss:GetObject', obj('media', 'a')));
  });
});
