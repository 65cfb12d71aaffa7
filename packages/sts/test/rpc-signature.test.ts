import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalizedQueryRpc,
  percentEncodeRpc,
  signatureRpc,
  signRpc,
  stringToSignRpc,
} from '../src/index.js';

// protocol §9
const VECTOR = {
  secret: 'testsecret',
  method: 'GET',
  params: {
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
  },
  canonicalizedQuery:
    'AccessKeyId=testid&Action=AssumeRole&Format=JSON' +
    '&RoleArn=acs%3Aram%3A%3A1234567890123%3Arole%2Ffirstrole&RoleSessionName=client' +
    '&SignatureMethod=HMAC-SHA1&SignatureNonce=571f8fb8-506e-11e5-8e12-b8e8563dc8d2' +
    '&SignatureVersion=1.0&Timestamp=2015-09-01T05%3A57%3A34Z&Version=2015-04-01',
  stringToSign:
    'GET&%2F&AccessKeyId%3Dtestid%26Action%3DAssumeRole%26Format%3DJSON' +
    '%26RoleArn%3Dacs%253Aram%253A%253A1234567890123%253Arole%252Ffirstrole' +
    '%26RoleSessionName%3Dclient%26SignatureMethod%3DHMAC-SHA1' +
    '%26SignatureNonce%3D571f8fb8-506e-11e5-8e12-b8e8563dc8d2%26SignatureVersion%3D1.0' +
    '%26Timestamp%3D2015-09-01T05%253A57%253A34Z%26Version%3D2015-04-01',
  signature: 'gNI7b0AyKZHxDgjBGPDgJ1Ce3L4=',
};

describe('RPC signature, protocol §9 vector', () => {
  it('canonicalized query sorts, encodes and joins the parameters', () => {
    expect(canonicalizedQueryRpc(VECTOR.params)).toBe(VECTOR.canonicalizedQuery);
  });

  it('string to sign is METHOD&%2F&encode(query)', () => {
    expect(stringToSignRpc(VECTOR.method, VECTOR.canonicalizedQuery)).toBe(VECTOR.stringToSign);
  });

  it('signature is base64 HMAC-SHA1 keyed with secret&', () => {
    expect(signatureRpc(VECTOR.secret, VECTOR.stringToSign)).toBe(VECTOR.signature);
  });

  it('signRpc chains the stages', () => {
    expect(signRpc('GET', VECTOR.params, VECTOR.secret)).toBe(VECTOR.signature);
  });

  it('parameter order of the input does not matter', () => {
    const reversed = Object.fromEntries(Object.entries(VECTOR.params).reverse());
    expect(canonicalizedQueryRpc(reversed)).toBe(VECTOR.canonicalizedQuery);
  });

  it('leaves out a Signature parameter, so received parameters verify as they are', () => {
    const received = { ...VECTOR.params, Signature: VECTOR.signature };
    expect(signRpc('GET', received, VECTOR.secret)).toBe(VECTOR.signature);
  });

  it('the method is part of the signature', () => {
    expect(signRpc('POST', VECTOR.params, VECTOR.secret)).not.toBe(VECTOR.signature);
    expect(stringToSignRpc('post', 'a=1')).toBe('POST&%2F&a%3D1');
  });
});

describe('percentEncodeRpc (RFC 3986)', () => {
  const cases: [string, string][] = [
    ['*', '%2A'],
    ['~', '~'],
    [' ', '%20'],
    ['+', '%2B'],
    ['/', '%2F'],
    [':', '%3A'],
    ['=', '%3D'],
    ['&', '%26'],
    ["!'()", '%21%27%28%29'],
    ['AZaz09-_.~', 'AZaz09-_.~'],
    ['é', '%C3%A9'],
    ['摄像头', '%E6%91%84%E5%83%8F%E5%A4%B4'],
    ['😀', '%F0%9F%98%80'],
    ['a b*c~d+e/f:g', 'a%20b%2Ac~d%2Be%2Ff%3Ag'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      expect(percentEncodeRpc(input)).toBe(expected);
    });
  }

  it('a lone surrogate is a TypeError, not a silently wrong signature', () => {
    expect(() => percentEncodeRpc('\uD800')).toThrow(TypeError);
  });

  it('always yields only unreserved characters and upper-case escapes, and decodes back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const encoded = percentEncodeRpc(text);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
        expect(decodeURIComponent(encoded)).toBe(text);
      }),
    );
  });

  it('parameters with reserved and unicode characters are encoded in names and values', () => {
    expect(canonicalizedQueryRpc({ 'b c': 'x*y', a: '~+/:', Ä: 'ü' })).toBe(
      'a=~%2B%2F%3A&b%20c=x%2Ay&%C3%84=%C3%BC',
    );
  });
});
