import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ENTRIES } from './entries.js';
import {
  CRC64_VECTORS,
  crc64Stages,
  PRESIGN_V1_VECTORS,
  presignV1Stages,
  V1_VECTORS,
  V4_VECTORS,
  v1Stages,
  v4Stages,
} from './vectors.js';

describe.each(ENTRIES)('%s', (_, api) => {
  test('reports its hash back-end', () => {
    expect(api.hashBackend).toBe(_.includes('noble') ? 'noble' : 'node:crypto');
  });

  describe('V1 header signature', () => {
    test.each(V1_VECTORS.map((v) => [v.name, v] as const))('%s', (_, v) => {
      expect(v1Stages(api, v)).toEqual(v.expected);

      const signed = api.signRequestV1(v.request, {
        accessKeyId: v.accessKeyId,
        accessKeySecret: v.secret,
      });
      if (v.request.headers?.['x-oss-date'] !== undefined) {
        expect(signed.Authorization).toBe(v.expected.authorization);
      }
    });
  });

  describe('V1 presigned URL', () => {
    test.each(PRESIGN_V1_VECTORS.map((v) => [v.name, v] as const))('%s', (_, v) => {
      expect(presignV1Stages(api, v)).toEqual(v.expected);
    });
  });

  describe('V4 signature', () => {
    test.each(V4_VECTORS.map((v) => [v.name, v] as const))('%s', (_, v) => {
      const stages = v4Stages(api, v);
      expect(stages).toEqual(v.expected);

      // The hash line of the string to sign, checked against OpenSSL directly.
      const hash = createHash('sha256').update(stages.canonicalRequest).digest('hex');
      const isoDate = v.request.headers?.['x-oss-date'] ?? '';
      expect(api.stringToSignV4(stages.canonicalRequest, isoDate, v.region)).toBe(
        `OSS4-HMAC-SHA256\n${isoDate}\n${v.expected.scope}\n${hash}`,
      );

      const signed = api.signRequestV4(
        v.request,
        { accessKeyId: v.accessKeyId, accessKeySecret: v.secret },
        { region: v.region },
      );
      expect(signed.Authorization).toBe(v.expected.authorization);
    });
  });

  describe('V4 signing key', () => {
    test('is the HMAC-SHA256 chain over day, region, "oss" and "aliyun_v4_request"', () => {
      const step = (key: string | Buffer, data: string) =>
        createHmac('sha256', key).update(data).digest();
      const expected = step(
        step(step(step('aliyun_v4sk', '20231216'), 'cn-hangzhou'), 'oss'),
        'aliyun_v4_request',
      );
      expect(api.toHex(api.signingKeyV4('sk', '20231216', 'cn-hangzhou'))).toBe(
        expected.toString('hex'),
      );
    });
  });

  describe('CRC-64', () => {
    test.each(CRC64_VECTORS.map((v) => [v.name, v] as const))('%s', (_, v) => {
      expect(crc64Stages(api, v)).toEqual({
        whole: v.expected,
        byteByByte: v.expected,
        continued: v.expected,
        combined: v.expected,
      });
      expect(api.crc64FromString(v.expected)).toBe(BigInt(v.expected));
    });
  });
});
