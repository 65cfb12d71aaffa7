import { describe, expect, it } from 'vitest';
import { evaluatePolicies, ipInBlock, type PolicyDocument, parseIp } from '../src/index.js';

describe('parseIp', () => {
  it.each([
    ['192.0.2.1', 32, 0xc0000201n],
    ['0.0.0.0', 32, 0n],
    ['255.255.255.255', 32, 0xffffffffn],
    ['::', 128, 0n],
    ['::1', 128, 1n],
    ['2001:db8::', 128, 0x20010db8n << 96n],
    ['2001:DB8:0:0:0:0:0:1', 128, (0x20010db8n << 96n) | 1n],
    ['::ffff:192.0.2.1', 128, (0xffffn << 32n) | 0xc0000201n],
    ['fe80::1:2', 128, (0xfe80n << 112n) | (1n << 16n) | 2n],
  ])('%s', (text, bits, value) => {
    expect(parseIp(text)).toEqual({ bits, value });
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.x',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    '::1.2.3.256',
    'g::',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('ipInBlock', () => {
  it.each([
    ['192.0.2.7', '192.0.2.0/24', true],
    ['192.0.3.7', '192.0.2.0/24', false],
    ['192.0.2.7', '192.0.2.7', true],
    ['192.0.2.8', '192.0.2.7', false],
    ['10.1.2.3', '0.0.0.0/0', true],
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['2001:db8::42', '2001:db8::/32', true],
    ['2001:db9::42', '2001:db8::/32', false],
    ['::ffff:192.0.2.7', '192.0.2.0/24', false],
    ['192.0.2.7', '::/0', false],
    ['not an ip', '0.0.0.0/0', false],
    ['192.0.2.7', '192.0.2.0/40', false],
  ])('%s in %s: %s', (address, block, inside) => {
    expect(ipInBlock(address, block)).toBe(inside);
  });
});

describe('IpAddress conditions in evaluation', () => {
  const policy = (operator: string, effect: 'Allow' | 'Deny' = 'Allow'): PolicyDocument => ({
    Version: '1',
    Statement: [
      ...(effect === 'Deny'
        ? [{ Effect: 'Allow' as const, Action: 'oss:*', Resource: 'acs:oss:*:*:media/*' }]
        : []),
      {
        Effect: effect,
        Action: 'oss:PutObject',
        Resource: 'acs:oss:*:*:media/*',
        Condition: { [operator]: { 'acs:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } },
      },
    ],
  });
  const put = (p: PolicyDocument, ip?: string) =>
    evaluatePolicies([p], {
      action: 'oss:PutObject',
      resource: 'acs:oss:*:*:media/a',
      conditions: ip === undefined ? {} : { 'acs:SourceIp': ip },
    });

  it('IpAddress allows from inside the blocks only', () => {
    expect(put(policy('IpAddress'), '192.0.2.9')).toBe(true);
    expect(put(policy('IpAddress'), '2001:db8::9')).toBe(true);
    expect(put(policy('IpAddress'), '198.51.100.1')).toBe(false);
    expect(put(policy('IpAddress'))).toBe(false);
    expect(put(policy('IpAddress'), 'garbage')).toBe(false);
  });

  it('NotIpAddress in an Allow fails for a missing or unparsable address', () => {
    expect(put(policy('NotIpAddress'), '198.51.100.1')).toBe(true);
    expect(put(policy('NotIpAddress'), '192.0.2.9')).toBe(false);
    expect(put(policy('NotIpAddress'))).toBe(false);
    expect(put(policy('NotIpAddress'), 'garbage')).toBe(false);
  });

  it('a Deny with NotIpAddress fences writes to the blocks, and denies the unknown', () => {
    const fence = policy('NotIpAddress', 'Deny');
    expect(put(fence, '192.0.2.9')).toBe(true);
    expect(put(fence, '198.51.100.1')).toBe(false);
    expect(put(fence)).toBe(false);
    expect(put(fence, 'garbage')).toBe(false);
  });
});
