import { describe, expect, it } from 'vitest';
import { parsePolicy, StsError } from '../src/index.js';

const GOOD = {
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'oss:*',
      Resource: ['acs:oss:*:*:media', 'acs:oss:*:*:media/*'],
      Condition: { StringLike: { 'oss:Prefix': ['a/*', 'b/*'] } },
    },
  ],
};

describe('parsePolicy', () => {
  it('accepts IP conditions with addresses and CIDR blocks of both families', () => {
    const policy = {
      Version: '1',
      Statement: [
        {
          ...GOOD.Statement[0],
          Condition: {
            IpAddress: { 'acs:SourceIp': ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'] },
            NotIpAddress: { 'acs:SourceIp': '::ffff:192.0.2.1' },
          },
        },
      ],
    };
    expect(parsePolicy(policy)).toEqual(policy);
  });

  it('accepts a document as text or as a value and returns a copy', () => {
    const fromText = parsePolicy(JSON.stringify(GOOD));
    const fromValue = parsePolicy(GOOD);
    expect(fromText).toEqual(GOOD);
    expect(fromValue).toEqual(GOOD);
    expect(fromValue).not.toBe(GOOD);
  });

  const BAD: [string, unknown, RegExp][] = [
    ['not JSON', '{"Version":', /not valid JSON/],
    ['an array', [], /JSON object/],
    ['Version 2', { ...GOOD, Version: '2' }, /Version/],
    ['Version as a number', { ...GOOD, Version: 1 }, /Version/],
    ['no statements', { Version: '1', Statement: [] }, /Statement/],
    ['an extra top-level field', { ...GOOD, Id: 'x' }, /"Id"/],
    [
      'Effect lower-case',
      { Version: '1', Statement: [{ ...GOOD.Statement[0], Effect: 'allow' }] },
      /Effect/,
    ],
    ['empty Action', { Version: '1', Statement: [{ ...GOOD.Statement[0], Action: '' }] }, /Action/],
    [
      'empty Action list',
      { Version: '1', Statement: [{ ...GOOD.Statement[0], Action: [] }] },
      /Action/,
    ],
    [
      'empty string in Action list',
      { Version: '1', Statement: [{ ...GOOD.Statement[0], Action: ['oss:GetObject', ''] }] },
      /Action/,
    ],
    [
      'missing Resource',
      { Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:*' }] },
      /Resource/,
    ],
    [
      'NotAction',
      { Version: '1', Statement: [{ ...GOOD.Statement[0], NotAction: 'x' }] },
      /NotAction/,
    ],
    [
      'unknown operator',
      {
        Version: '1',
        Statement: [
          { ...GOOD.Statement[0], Condition: { DateLessThan: { 'acs:CurrentTime': '2030' } } },
        ],
      },
      /DateLessThan/,
    ],
    [
      'an IpAddress value that is no address',
      {
        Version: '1',
        Statement: [
          { ...GOOD.Statement[0], Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/33' } } },
        ],
      },
      /IpAddress/,
    ],
    [
      'condition value a number',
      {
        Version: '1',
        Statement: [{ ...GOOD.Statement[0], Condition: { StringEquals: { 'oss:Prefix': 3 } } }],
      },
      /oss:Prefix/,
    ],
  ];
  for (const [name, input, message] of BAD) {
    it(`refuses ${name} with InvalidParameter.PolicyGrammar`, () => {
      let caught: unknown;
      try {
        parsePolicy(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StsError);
      expect((caught as StsError).code).toBe('InvalidParameter.PolicyGrammar');
      expect((caught as StsError).message).toMatch(message);
    });
  }
});
