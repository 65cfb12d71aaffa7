/**
 * Racing writers over loopback: many clients appending to one object at the positions they
 * believe are current, and many uploads of distinct objects at once.
 */
import { createClient, PositionMismatchError } from '@oss-media/media-client';
import { createMockOss } from '@oss-media/mock-oss';
import { crc64 } from '@oss-media/oss-sign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternBytes, Summary } from './helpers.js';

const BUCKET = 'race';
const summary = new Summary('concurrency');
const mock = createMockOss({ buckets: [BUCKET] });
let endpoint = '';
let close: () => Promise<void> = async () => {};

beforeAll(async () => {
  await mock.ready;
  const server = await mock.listen({ host: '127.0.0.1', port: 0 });
  endpoint = server.url;
  close = server.close;
});

afterAll(async () => {
  summary.print();
  await close();
});

describe('racing appends to one object', () => {
  it(
    '50 clients: exactly one success per position, ' + 'the object is the winners in order',
    async () => {
      const CLIENTS = 50;
      const WINS_EACH = 4;
      const winners = new Map<number, Uint8Array>();

      async function appender(id: number): Promise<void> {
        const client = createClient({ endpoint, auth: mock.credentials, retry: { attempts: 1 } });
        let position = 0;
        let wins = 0;
        let attempt = 0;
        try {
          while (wins < WINS_EACH) {
            // Each payload says who sent it and when, so any interleaving would show.
            const payload = patternBytes(100 + ((id * 7 + attempt) % 50), id * 1000 + attempt);
            payload[0] = id;
            attempt += 1;
            try {
              const result = await client.appendObject(BUCKET, 'shared.ts', position, payload);
              expect(winners.has(position), `position ${position} won twice`).toBe(false);
              winners.set(position, payload);
              position = result.nextPosition;
              wins += 1;
              summary.add('appends won');
            } catch (error) {
              if (!(error instanceof PositionMismatchError)) throw error;
              position = error.nextPosition ?? position;
              summary.add('position conflicts answered 409');
            }
          }
        } finally {
          await client.close();
        }
      }

      await Promise.all(Array.from({ length: CLIENTS }, (_, id) => appender(id)));

      const positions = [...winners.keys()].sort((a, b) => a - b);
      expect(positions.length).toBe(CLIENTS * WINS_EACH);
      let expected = 0;
      const parts: Uint8Array[] = [];
      for (const position of positions) {
        expect(position, 'winners tile the object without gaps or overlaps').toBe(expected);
        const payload = winners.get(position) as Uint8Array;
        parts.push(payload);
        expected += payload.length;
      }

      const reader = createClient({ endpoint, auth: mock.credentials });
      const object = await reader.getObject(BUCKET, 'shared.ts');
      await reader.close();
      expect(object.body.length).toBe(expected);
      const same = Buffer.from(object.body).equals(Buffer.concat(parts));
      summary.add('objects with interleaved or lost bytes', same ? 0 : 1);
      expect(same).toBe(true);
      summary.add('bytes verified', expected);
    },
  );
});

describe('many uploads at once', () => {
  it('200 concurrent uploads of distinct objects complete with correct CRCs', async () => {
    const client = createClient({ endpoint, auth: mock.credentials });
    const uploads = Array.from({ length: 200 }, (_, i) => ({
      key: `many/${String(i).padStart(3, '0')}.ts`,
      body: patternBytes(4096 + i * 37, i + 1),
      append: i % 2 === 0,
    }));

    await Promise.all(
      uploads.map(async ({ key, body, append }) => {
        if (append) {
          const file = await client.open(BUCKET, key, 'aw');
          await file.write(body.subarray(0, 1000));
          await file.write(body.subarray(1000));
          await file.close();
        } else {
          await client.putObject(BUCKET, key, body);
        }
      }),
    );

    for (const { key, body } of uploads) {
      const stat = await client.headObject(BUCKET, key);
      expect(stat.length).toBe(body.length);
      expect(stat.crc64, `CRC of ${key}`).toBe(crc64(body));
      summary.add('bytes verified', body.length);
    }
    summary.add('concurrent uploads checked', uploads.length);
    await client.close();
  });
});
