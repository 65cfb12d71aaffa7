import { crc64, crc64ToString } from '@oss-media/oss-sign';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newMock, send, xmlText } from './helpers.js';

function append(
  mock: ReturnType<typeof newMock>,
  key: string,
  position: number | string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
) {
  return send(mock, {
    method: 'POST',
    bucket: 'media',
    key,
    query: { append: '', position: String(position) },
    body,
    headers,
  });
}

describe('AppendObject (protocol §4)', () => {
  it('appends at the length and reports the next position and the whole-object CRC', async () => {
    const mock = newMock();
    const first = await append(mock, 'a.ts', 0, 'abc');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBe('0');
    expect(first.headers.get('x-oss-next-append-position')).toBe('3');
    expect(first.headers.get('etag')).toMatch(/^"[0-9A-F]+"$/);
    const second = await append(mock, 'a.ts', 3, 'def');
    expect(second.headers.get('x-oss-next-append-position')).toBe('6');
    expect(second.headers.get('x-oss-hash-crc64ecma')).toBe(
      crc64ToString(crc64(new TextEncoder().encode('abcdef'))),
    );
    const get = await send(mock, { bucket: 'media', key: 'a.ts' });
    expect(await get.text()).toBe('abcdef');
    expect(get.headers.get('x-oss-object-type')).toBe('Appendable');
    expect(get.headers.get('x-oss-next-append-position')).toBe('6');
  });

  it('a wrong position is 409 PositionNotEqualToLength with the current length', async () => {
    const mock = newMock();
    await append(mock, 'a.ts', 0, 'abc');
    for (const position of [0, 2, 4, 100]) {
      const res = await append(mock, 'a.ts', position, 'zzz');
      expect(res.status).toBe(409);
      expect(res.headers.get('x-oss-next-append-position')).toBe('3');
      expect(xmlText(await res.text(), 'Code')).toBe('PositionNotEqualToLength');
    }
    expect(mock.store.head('media', 'a.ts')?.size).toBe(3);
  });

  it('a non-zero position on an absent object is 409 with next position 0', async () => {
    const mock = newMock();
    const res = await append(mock, 'new.ts', 5, 'x');
    expect(res.status).toBe(409);
    expect(res.headers.get('x-oss-next-append-position')).toBe('0');
    expect(mock.store.head('media', 'new.ts')).toBeUndefined();
  });

  it('position 0 succeeds on an empty appendable object', async () => {
    const mock = newMock();
    expect((await append(mock, 'e.ts', 0, '')).status).toBe(200);
    expect(mock.store.head('media', 'e.ts')?.size).toBe(0);
    const res = await append(mock, 'e.ts', 0, 'data');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oss-next-append-position')).toBe('4');
  });

  it('appending to a Normal object is 409 ObjectNotAppendable', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'n', body: 'abc' });
    const res = await append(mock, 'n', 3, 'd');
    expect(res.status).toBe(409);
    expect(xmlText(await res.text(), 'Code')).toBe('ObjectNotAppendable');
  });

  it('a PutObject over an appendable object makes it Normal', async () => {
    const mock = newMock();
    await append(mock, 'p', 0, 'abc');
    await send(mock, { method: 'PUT', bucket: 'media', key: 'p', body: 'new' });
    expect(mock.store.head('media', 'p')?.type).toBe('Normal');
    expect((await append(mock, 'p', 3, 'x')).status).toBe(409);
  });

  it('metadata and Content-Type apply on the first append only', async () => {
    const mock = newMock();
    await append(mock, 'm.ts', 0, 'a', {
      'x-oss-meta-camera': 'door',
      'content-type': 'video/mp2t',
    });
    await append(mock, 'm.ts', 1, 'b', {
      'x-oss-meta-camera': 'yard',
      'content-type': 'text/plain',
    });
    const head = await send(mock, { method: 'HEAD', bucket: 'media', key: 'm.ts' });
    expect(head.headers.get('x-oss-meta-camera')).toBe('door');
    expect(head.headers.get('content-type')).toBe('video/mp2t');
  });

  it('a zero-byte append changes nothing', async () => {
    const mock = newMock();
    await append(mock, 'z', 0, 'abc');
    const before = mock.store.head('media', 'z');
    mock.clock.advance(5000);
    const res = await append(mock, 'z', 3, '');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oss-next-append-position')).toBe('3');
    expect(mock.store.head('media', 'z')).toBe(before);
  });

  it('malformed positions are 400 InvalidArgument and change nothing', async () => {
    const mock = newMock();
    await append(mock, 'bad', 0, 'abc');
    for (const position of ['-1', 'abc', '1.5', '', '3x', '0x3', '99999999999999999999']) {
      const res = await append(mock, 'bad', position, 'zzz');
      expect(res.status, position).toBe(400);
      expect(xmlText(await res.text(), 'Code')).toBe('InvalidArgument');
    }
    expect(mock.store.head('media', 'bad')?.size).toBe(3);
  });

  it('a missing position is 400 InvalidArgument', async () => {
    const mock = newMock();
    const res = await send(mock, {
      method: 'POST',
      bucket: 'media',
      key: 'k',
      query: { append: '' },
      body: 'x',
    });
    expect(res.status).toBe(400);
  });

  it('an append whose declared size passes 5 GB is refused before reading', async () => {
    const mock = newMock();
    const res = await append(mock, 'huge', 0, 'x', { 'content-length': String(5 * 1024 ** 3 + 1) });
    expect([400, 411]).toContain(res.status);
    expect(mock.store.head('media', 'huge')).toBeUndefined();
  });

  it('two racing appends at one position: exactly one lands', async () => {
    const mock = newMock();
    await append(mock, 'race', 0, 'abc');
    const [a, b] = await Promise.all([
      append(mock, 'race', 3, 'AAA'),
      append(mock, 'race', 3, 'BBB'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(mock.store.head('media', 'race')?.size).toBe(6);
  });

  it(
    'any split of the data into appends gives ' + 'the bytes and CRC of one PUT (property)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }),
          async (pieces) => {
            const mock = newMock();
            let position = 0;
            let last: Response | undefined;
            for (const piece of pieces) {
              last = await append(mock, 'prop', position, piece);
              expect(last.status).toBe(200);
              position += piece.byteLength;
            }
            const whole = new Uint8Array(position);
            let offset = 0;
            for (const piece of pieces) {
              whole.set(piece, offset);
              offset += piece.byteLength;
            }
            expect(last?.headers.get('x-oss-hash-crc64ecma')).toBe(crc64ToString(crc64(whole)));
            const got = new Uint8Array(
              await (await send(mock, { bucket: 'media', key: 'prop' })).arrayBuffer(),
            );
            expect(got).toEqual(whole);
          },
        ),
        { numRuns: 40 },
      );
    },
  );
});
