import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPolicy, type PolicyDocument, parsePolicy, serializePolicy } from '../src/index.js';

const OBJECT = (bucket: string, key: string) => `acs:oss:*:*:${bucket}/${key}`;

const TABLE: { path: string; mode: string; json: PolicyDocument }[] = [
  {
    path: 'videos/cam-42/*',
    mode: 'a',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:PutObject'],
          Resource: [OBJECT('media', 'videos/cam-42/*')],
        },
      ],
    },
  },
  {
    path: 'videos/cam-42/*',
    mode: 'wa',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:PutObject'],
          Resource: [OBJECT('media', 'videos/cam-42/*')],
        },
      ],
    },
  },
  {
    path: 'videos/cam-42/index.m3u8',
    mode: 'r',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Resource: [OBJECT('media', 'videos/cam-42/index.m3u8')],
        },
      ],
    },
  },
  {
    path: 'videos/cam-42/',
    mode: 'dlrw',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject', 'oss:PutObject', 'oss:DeleteObject'],
          Resource: [OBJECT('media', 'videos/cam-42/*')],
        },
        {
          Effect: 'Allow',
          Action: ['oss:ListObjects'],
          Resource: ['acs:oss:*:*:media'],
          Condition: { StringLike: { 'oss:Prefix': 'videos/cam-42/*' } },
        },
      ],
    },
  },
  {
    path: 'videos/*',
    mode: 'l',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:ListObjects'],
          Resource: ['acs:oss:*:*:media'],
          Condition: { StringLike: { 'oss:Prefix': 'videos/*' } },
        },
      ],
    },
  },
  {
    path: 'videos/cam-42/a.ts',
    mode: 'rl',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Resource: [OBJECT('media', 'videos/cam-42/a.ts')],
        },
        {
          Effect: 'Allow',
          Action: ['oss:ListObjects'],
          Resource: ['acs:oss:*:*:media'],
          Condition: { StringEquals: { 'oss:Prefix': 'videos/cam-42/a.ts' } },
        },
      ],
    },
  },
  {
    path: '*',
    mode: 'rrdd',
    json: {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject', 'oss:DeleteObject'],
          Resource: [OBJECT('media', '*')],
        },
      ],
    },
  },
];

describe('buildPolicy: (path, mode) → exact policy JSON', () => {
  for (const row of TABLE) {
    it(`path ${row.path}, mode ${row.mode}`, () => {
      const policy = buildPolicy({ bucket: 'media', path: row.path, mode: row.mode });
      expect(JSON.stringify(policy)).toBe(JSON.stringify(row.json));
    });
  }

  it('the serialized form for cam-42 append is small and stable', () => {
    const text = serializePolicy(
      buildPolicy({ bucket: 'media', path: 'videos/cam-42/*', mode: 'a' }),
    );
    expect(text).toBe(
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject"],' +
        '"Resource":["acs:oss:*:*:media/videos/cam-42/*"]}]}',
    );
  });
});

describe('buildPolicy: bad arguments', () => {
  it('an unknown mode letter is a RangeError naming the mode and the letter', () => {
    expect(() => buildPolicy({ bucket: 'media', path: 'a/*', mode: 'rx' })).toThrow(
      /mode "rx".*"x"/,
    );
    expect(() => buildPolicy({ bucket: 'media', path: 'a/*', mode: 'rx' })).toThrow(RangeError);
  });

  it('an empty mode is a TypeError naming mode', () => {
    expect(() => buildPolicy({ bucket: 'media', path: 'a/*', mode: '' })).toThrow(/^mode/);
  });

  it.each([
    ['', /path/],
    ['/videos/x', /path must not start/],
    ['videos/../x', /segments/],
    ['videos/./x', /segments/],
    ['..', /segments/],
  ])('path %j is refused', (path, message) => {
    expect(() => buildPolicy({ bucket: 'media', path, mode: 'r' })).toThrow(message);
  });

  it.each(['', 'ab', 'Media', '-media', 'media-', 'me_dia', 'a'.repeat(64)])(
    'bucket %j is refused',
    (bucket) => {
      expect(() => buildPolicy({ bucket, path: 'a', mode: 'r' })).toThrow(/^bucket/);
    },
  );
});

describe('buildPolicy: properties', () => {
  const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
  const segment = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
    .filter((s) => !/[/\\]/.test(s) && s !== '.' && s !== '..');
  const path = fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '/', '/*', '*'))
    .map(([segments, tail]) => segments.join('/') + tail);
  const mode = fc
    .array(fc.constantFrom('r', 'w', 'a', 'd', 'l'), { minLength: 1, maxLength: 8 })
    .map((letters) => letters.join(''));

  it('output always parses, has no empty or duplicate action, and grants what was asked', () => {
    fc.assert(
      fc.property(bucket, path, mode, (b, p, m) => {
        const policy = buildPolicy({ bucket: b, path: p, mode: m });
        const reparsed = parsePolicy(JSON.stringify(policy));
        expect(reparsed).toEqual(policy);
        expect(policy.Statement.length).toBeGreaterThan(0);

        const granted = new Set<string>();
        for (const statement of policy.Statement) {
          const actions = statement.Action as string[];
          expect(actions.length).toBeGreaterThan(0);
          expect(actions.every((a) => /^oss:[A-Za-z]+$/.test(a))).toBe(true);
          expect(new Set(actions).size).toBe(actions.length);
          for (const a of actions) {
            expect(granted.has(a)).toBe(false);
            granted.add(a);
          }
        }
        expect(granted.has('oss:GetObject')).toBe(m.includes('r'));
        expect(granted.has('oss:PutObject')).toBe(/[wa]/.test(m));
        expect(granted.has('oss:DeleteObject')).toBe(m.includes('d'));
        expect(granted.has('oss:ListObjects')).toBe(m.includes('l'));
      }),
    );
  });
});

describe('serializePolicy', () => {
  it('accepts exactly 2048 characters and refuses 2049 with a RangeError naming policy', () => {
    const fill = (n: number) => `{"Version":"1","x":"${'a'.repeat(n - 22)}"}`;
    expect(fill(2048)).toHaveLength(2048);
    expect(serializePolicy(fill(2048))).toHaveLength(2048);
    expect(() => serializePolicy(fill(2049))).toThrow(RangeError);
    expect(() => serializePolicy(fill(2049))).toThrow(/^policy/);
  });
});
