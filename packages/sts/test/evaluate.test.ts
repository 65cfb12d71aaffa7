import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildPolicy,
  evaluatePolicies,
  evaluatePolicy,
  type PolicyDocument,
  resolveDotSegments,
  wildcardMatch,
} from '../src/index.js';

const obj = (key: string) => `acs:oss:*:*:media/${key}`;
const BUCKET = 'acs:oss:*:*:media';

const cam42Append = buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' });
const cam42All = buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'rwdl' });
const role: PolicyDocument = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: 'oss:*', Resource: [BUCKET, obj('*')] },
    { Effect: 'Deny', Action: 'oss:DeleteObject', Resource: obj('videos/*/keep-*') },
  ],
};

type Row = [
  name: string,
  policies: PolicyDocument[],
  action: string,
  resource: string,
  conditions: Record<string, string> | undefined,
  allowed: boolean,
];

const TABLE: Row[] = [
  [
    'append inside the prefix',
    [cam42Append],
    'oss:PutObject',
    obj('videos/cam-42/1.ts'),
    undefined,
    true,
  ],
  [
    'append deep inside the prefix',
    [cam42Append],
    'oss:PutObject',
    obj('videos/cam-42/a/b/c.ts'),
    undefined,
    true,
  ],
  [
    'append to another camera',
    [cam42Append],
    'oss:PutObject',
    obj('videos/cam-43/1.ts'),
    undefined,
    false,
  ],
  [
    'append to a look-alike prefix',
    [cam42Append],
    'oss:PutObject',
    obj('videos/cam-420/1.ts'),
    undefined,
    false,
  ],
  [
    'append to another bucket',
    [cam42Append],
    'oss:PutObject',
    'acs:oss:*:*:other/videos/cam-42/1.ts',
    undefined,
    false,
  ],
  [
    'read with an append-only grant',
    [cam42Append],
    'oss:GetObject',
    obj('videos/cam-42/1.ts'),
    undefined,
    false,
  ],
  [
    'action matching ignores case',
    [cam42Append],
    'OSS:putobject',
    obj('videos/cam-42/1.ts'),
    undefined,
    true,
  ],
  [
    'resource matching keeps case',
    [cam42Append],
    'oss:PutObject',
    obj('Videos/cam-42/1.ts'),
    undefined,
    false,
  ],
  ['empty policy list is a deny', [], 'oss:GetObject', obj('x'), undefined, false],
  [
    'role and session both allow',
    [role, cam42All],
    'oss:DeleteObject',
    obj('videos/cam-42/1.ts'),
    undefined,
    true,
  ],
  [
    'explicit Deny in the role wins over the session Allow',
    [role, cam42All],
    'oss:DeleteObject',
    obj('videos/cam-42/keep-1.ts'),
    undefined,
    false,
  ],
  [
    'session policy narrows the role',
    [role, cam42Append],
    'oss:DeleteObject',
    obj('videos/cam-42/1.ts'),
    undefined,
    false,
  ],
  [
    'listing with the granted prefix',
    [cam42All],
    'oss:ListObjects',
    BUCKET,
    { 'oss:Prefix': 'videos/cam-42/' },
    true,
  ],
  [
    'listing deeper than the granted prefix',
    [cam42All],
    'oss:ListObjects',
    BUCKET,
    { 'oss:Prefix': 'videos/cam-42/2026/' },
    true,
  ],
  [
    'listing another prefix',
    [cam42All],
    'oss:ListObjects',
    BUCKET,
    { 'oss:Prefix': 'videos/' },
    false,
  ],
  ['listing without a prefix', [cam42All], 'oss:ListObjects', BUCKET, undefined, false],
  [
    'listing with an empty prefix',
    [cam42All],
    'oss:ListObjects',
    BUCKET,
    { 'oss:Prefix': '' },
    false,
  ],
  [
    'condition keys ignore case',
    [cam42All],
    'oss:ListObjects',
    BUCKET,
    { 'OSS:PREFIX': 'videos/cam-42/' },
    true,
  ],
  [
    'escape by .. after the prefix',
    [cam42All],
    'oss:PutObject',
    obj('videos/cam-42/../cam-43/x'),
    undefined,
    false,
  ],
  [
    'escape by a trailing ..',
    [cam42All],
    'oss:GetObject',
    obj('videos/cam-42/..'),
    undefined,
    false,
  ],
  ['escape by . segment', [cam42All], 'oss:GetObject', obj('videos/cam-42/./x'), undefined, false],
  [
    'escape with backslashes',
    [cam42All],
    'oss:PutObject',
    obj('videos/cam-42/..\\cam-43\\x'),
    undefined,
    false,
  ],
  [
    'listing escape by ..',
    [cam42All],
    'oss:ListObjects',
    BUCKET,
    { 'oss:Prefix': 'videos/cam-42/../' },
    false,
  ],
  [
    'dots inside a name are not segments',
    [cam42All],
    'oss:GetObject',
    obj('videos/cam-42/..x/a..b/.hidden'),
    undefined,
    true,
  ],
];

describe('evaluatePolicies', () => {
  for (const [name, policies, action, resource, conditions, allowed] of TABLE) {
    it(`${allowed ? 'allows' : 'denies'}: ${name}`, () => {
      expect(evaluatePolicies(policies, { action, resource, conditions })).toBe(allowed);
    });
  }

  it('a pattern spelling out a dot-segment key exactly does grant it (keys are opaque)', () => {
    const exact: PolicyDocument = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: obj('a/../b') }],
    };
    expect(evaluatePolicies([exact], { action: 'oss:GetObject', resource: obj('a/../b') })).toBe(
      true,
    );
    expect(evaluatePolicies([exact], { action: 'oss:GetObject', resource: obj('b') })).toBe(false);
  });

  it('a Deny matches a dot-segment key both as written and resolved', () => {
    const policy: PolicyDocument = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'oss:GetObject', Resource: obj('public/../secret/x') },
        { Effect: 'Deny', Action: 'oss:GetObject', Resource: obj('secret/*') },
      ],
    };
    const request = { action: 'oss:GetObject', resource: obj('public/../secret/x') };
    expect(evaluatePolicy(policy, request)).toBe('deny');
  });

  it('? matches exactly one character', () => {
    const policy: PolicyDocument = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:Get?bject', Resource: obj('cam-?/x') }],
    };
    const allowed = (resource: string) =>
      evaluatePolicies([policy], { action: 'oss:GetObject', resource });
    expect(allowed(obj('cam-1/x'))).toBe(true);
    expect(allowed(obj('cam-摄/x'))).toBe(true);
    expect(allowed(obj('cam-😀/x'))).toBe(true);
    expect(allowed(obj('cam-12/x'))).toBe(false);
    expect(allowed(obj('cam-/x'))).toBe(false);
  });

  it('Not operators and IgnoreCase operators', () => {
    const policy: PolicyDocument = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'oss:ListObjects',
          Resource: BUCKET,
          Condition: {
            StringNotLike: { 'oss:Prefix': 'private/*' },
            StringEqualsIgnoreCase: { 'oss:Delimiter': '/' },
          },
        },
      ],
    };
    const list = (conditions: Record<string, string>) =>
      evaluatePolicies([policy], { action: 'oss:ListObjects', resource: BUCKET, conditions });
    expect(list({ 'oss:Prefix': 'public/', 'oss:Delimiter': '/' })).toBe(true);
    expect(list({ 'oss:Prefix': 'private/a', 'oss:Delimiter': '/' })).toBe(false);
    expect(list({ 'oss:Prefix': 'public/../private/', 'oss:Delimiter': '/' })).toBe(false);
    expect(list({ 'oss:Prefix': 'public/' })).toBe(false);
  });

  it('statements of a policy are alternatives; policies are intersected', () => {
    const reads = buildPolicy({ bucket: 'media', path: 'a/*', mode: 'r' });
    const writes = buildPolicy({ bucket: 'media', path: 'a/*', mode: 'w' });
    const request = { action: 'oss:GetObject', resource: obj('a/1') };
    expect(evaluatePolicies([reads], request)).toBe(true);
    expect(evaluatePolicies([reads, writes], request)).toBe(false);
  });
});

describe('wildcardMatch', () => {
  it('a * pattern can never be escaped: whatever matches starts with the literal prefix', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, value) => {
        const literal = prefix.replace(/[*?]/g, '');
        expect(wildcardMatch(`${literal}*`, value)).toBe(value.startsWith(literal));
      }),
    );
  });

  it('agrees with a regular expression reference', () => {
    const reference = (pattern: string, value: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[\\s\\S]*')
          .replace(/\?/g, '.')}$`,
        'u',
      ).test(value);
    const alphabet = fc.constantFrom('a', 'b', '/', '*', '?', '.');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')),
        fc.array(fc.constantFrom('a', 'b', '/', '.'), { maxLength: 10 }).map((a) => a.join('')),
        (pattern, value) => {
          expect(wildcardMatch(pattern, value)).toBe(reference(pattern, value));
        },
      ),
    );
  });

  it('stays fast on a hostile pattern', () => {
    const pattern = `${'*a'.repeat(50)}b`;
    const value = 'a'.repeat(5000);
    expect(wildcardMatch(pattern, value)).toBe(false);
  });
});

describe('resolveDotSegments', () => {
  it.each([
    ['acs:oss:*:*:media/a/../b', 'acs:oss:*:*:media/b'],
    ['acs:oss:*:*:media/a/./b', 'acs:oss:*:*:media/a/b'],
    ['acs:oss:*:*:media/../../b', 'acs:oss:*:*:media/b'],
    ['acs:oss:*:*:media/a\\..\\b', 'acs:oss:*:*:media/b'],
    ['acs:oss:*:*:media/a/..', 'acs:oss:*:*:media/'],
  ])('resource %s → %s', (input, expected) => {
    expect(resolveDotSegments(input, true)).toBe(expected);
  });

  it.each([
    ['public/../private/', 'private/'],
    ['../../x', 'x'],
    ['a/./', 'a/'],
  ])('condition value %s → %s', (input, expected) => {
    expect(resolveDotSegments(input)).toBe(expected);
  });
});

describe('escape attempts, as properties', () => {
  const segment = fc
    .string({ minLength: 1, maxLength: 6 })
    .filter((s) => !/[/\\*?]/.test(s) && s !== '.' && s !== '..');
  const segments = fc.array(segment, { minLength: 1, maxLength: 4 });
  const dots = fc.constantFrom('.', '..');
  const separator = fc.constantFrom('/', '\\');

  it('a key under the granted prefix without dot segments is always allowed', () => {
    fc.assert(
      fc.property(segments, segments, (prefix, rest) => {
        const policy = buildPolicy({ bucket: 'media', path: `${prefix.join('/')}/`, mode: 'rwad' });
        const key = `${prefix.join('/')}/${rest.join('/')}`;
        expect(evaluatePolicies([policy], { action: 'oss:PutObject', resource: obj(key) })).toBe(
          true,
        );
      }),
    );
  });

  it('a dot segment anywhere after the granted prefix is never allowed', () => {
    fc.assert(
      fc.property(
        segments,
        segments,
        segments,
        dots,
        separator,
        (prefix, before, after, dot, sep) => {
          const policy = buildPolicy({
            bucket: 'media',
            path: `${prefix.join('/')}/`,
            mode: 'rwadl',
          });
          const tail = [...before, dot, ...after].join(sep);
          const key = `${prefix.join('/')}/${tail}`;
          for (const action of ['oss:GetObject', 'oss:PutObject', 'oss:DeleteObject']) {
            expect(evaluatePolicies([policy], { action, resource: obj(key) })).toBe(false);
          }
          const conditions = { 'oss:Prefix': key };
          expect(
            evaluatePolicies([policy], { action: 'oss:ListObjects', resource: BUCKET, conditions }),
          ).toBe(false);
        },
      ),
    );
  });

  it('what an Allow with wildcards grants, the plain glob matches too (the rule narrows)', () => {
    const alphabet = fc.constantFrom('a', '/', '.', '*', '?');
    const text = (chars: fc.Arbitrary<string>) =>
      fc.array(chars, { maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text(alphabet), text(fc.constantFrom('a', '/', '.')), (pattern, key) => {
        const policy: PolicyDocument = {
          Version: '1',
          Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: obj(pattern) }],
        };
        const allowed = evaluatePolicies([policy], { action: 'oss:GetObject', resource: obj(key) });
        if (allowed) expect(wildcardMatch(obj(pattern), obj(key))).toBe(true);
        if (!/(^|\/)\.\.?(\/|$)/.test(key)) {
          expect(allowed).toBe(wildcardMatch(obj(pattern), obj(key)));
        }
      }),
    );
  });
});
