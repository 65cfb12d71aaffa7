import { crc64 } from '@oss-media/oss-sign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  ObjectNotAppendableError,
  PositionMismatchError,
} from '../src/node.js';
import { sameBytes } from './helpers/fake-oss.js';
import { patternBytes, startMock, TRANSPORTS } from './helpers/mock-server.js';

const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe.each(TRANSPORTS)('against mock-oss over loopback (%s transport)', (name) => {
  let mock: Awaited<ReturnType<typeof startMock>>;
  beforeAll(async () => {
    mock = await startMock();
  });
  afterAll(async () => {
    await mock.stop();
  });

  describe('file API', () => {
    it('a: appends, continues after reopen, and stat agrees with the tracked CRC', async () => {
      const client = mock.client(name);
      const first = await client.open('media', `${name}/a.ts`, 'a');
      await first.write(encoder.encode('hello '));
      await first.close();

      const again = await client.open('media', `${name}/a.ts`, 'a');
      expect(again.tell()).toBe(6);
      await again.write(encoder.encode('world'));
      const stat = await again.stat();
      expect(stat).toMatchObject({ length: 11, type: 'Appendable', nextAppendPosition: 11 });
      expect(stat.crc64).toBe(crc64(encoder.encode('hello world')));
      expect(stat.crc64).toBe(again.crc64);
      expect(stat.etag).toMatch(/^".+"$/);
      expect(stat.lastModified).toBeInstanceOf(Date);
    });

    it('r: reads, hits EOF, follows growth after open, and seeks within bounds', async () => {
      const client = mock.client(name);
      const writer = await client.open('media', `${name}/grow.ts`, 'aw');
      await writer.write(encoder.encode('0123456789'));

      const reader = await client.open('media', `${name}/grow.ts`, 'r');
      expect(text(await reader.read(4))).toBe('0123');
      expect(text(await reader.read(100))).toBe('456789');
      expect((await reader.read(1)).byteLength).toBe(0);

      await writer.write(encoder.encode('abc'));
      expect(text(await reader.read(100))).toBe('abc');
      expect(reader.length).toBe(13);

      expect(await reader.seek(-3, 'end')).toBe(10);
      expect(text(await reader.read(2))).toBe('ab');
      await expect(reader.seek(14)).rejects.toThrow(RangeError);
    });

    it('r: a missing object fails on the first read with NotFoundError', async () => {
      const file = await mock.client(name).open('media', `${name}/missing.ts`, 'r');
      const error = await file.read(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ code: 'NoSuchKey', status: 404, key: `${name}/missing.ts` });
      expect((error as NotFoundError).requestId).toMatch(/^[0-9A-F]{24}$/);
    });

    it('w replaces; a then refuses the Normal object; aw truncates it to appendable', async () => {
      const client = mock.client(name);
      const key = `${name}/w.ts`;
      const w = await client.open('media', key, 'w');
      await w.write(encoder.encode('version one'));
      await w.write(encoder.encode('v2'));
      expect(text((await client.getObject('media', key)).body)).toBe('v2');

      await expect(client.open('media', key, 'a')).rejects.toBeInstanceOf(ObjectNotAppendableError);
      const aw = await client.open('media', key, 'aw');
      await aw.write(encoder.encode('fresh'));
      expect(await client.headObject('media', key)).toMatchObject({
        type: 'Appendable',
        length: 5,
      });
    });

    it('the top-level open() makes a client of its own and closes it with the file', async () => {
      const { open } = await import('../src/node.js');
      const file = await open({
        endpoint: mock.server.url,
        auth: mock.oss.credentials,
        bucket: 'media',
        key: `${name}/top-level.ts`,
        mode: 'aw',
        contentType: 'video/mp2t',
      });
      await file.write(encoder.encode('top'));
      await file.close();
      const stat = await mock.client(name).headObject('media', `${name}/top-level.ts`);
      expect(stat).toMatchObject({ length: 3, contentType: 'video/mp2t' });
    });

    it('withAuth signs with other credentials on the same transport and counters', async () => {
      const client = mock.client(name);
      const denied = client.withAuth({ accessKeyId: 'unknown', accessKeySecret: 'nope' });
      await expect(denied.headObject('media', 'x')).rejects.toMatchObject({
        code: 'InvalidAccessKeyId',
      });
      expect(client.stats.requests).toBe(1);
    });

    it('delete removes the object', async () => {
      const client = mock.client(name);
      const file = await client.open('media', `${name}/del.ts`, 'a');
      await file.write(encoder.encode('x'));
      await file.delete();
      await expect(client.headObject('media', `${name}/del.ts`)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('a raw append at a wrong position reports the length', async () => {
      const client = mock.client(name);
      await client.appendObject('media', `${name}/raw.ts`, 0, encoder.encode('abc'));
      const error = await client
        .appendObject('media', `${name}/raw.ts`, 1, encoder.encode('d'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PositionMismatchError);
      expect((error as PositionMismatchError).nextPosition).toBe(3);
    });

    it('appendFrom a file-sized stream resumes after an interruption', async () => {
      const client = mock.client(name);
      const source = patternBytes(3 * 1024 * 1024 + 17, 5);
      const key = `${name}/resume.ts`;
      await client.appendObject('media', key, 0, source.subarray(0, 1_500_000));

      const file = await client.open('media', key, 'a');
      const stream = new Blob([source as Uint8Array<ArrayBuffer>]).stream();
      const result = await file.appendFrom(stream, { chunkSize: 512 * 1024, resume: true });
      expect(result).toMatchObject({ skipped: 1_500_000, bytes: source.length - 1_500_000 });
      const stored = await client.getObject('media', key);
      expect(sameBytes(stored.body, source)).toBe(true);
    });
  });

  describe('server-side API', () => {
    it(
      'creates a bucket with an ACL, refuses to ' + 'delete it while not empty, deletes it',
      async () => {
        const client = mock.client(name);
        const bucket = `b-${name}-acl`;
        await client.createBucket(bucket, { acl: 'public-read' });
        await client.putObject(bucket, 'x', encoder.encode('x'));
        const anonymous = await fetch(`${mock.server.url}/${bucket}/x`);
        expect(anonymous.status).toBe(200);
        await expect(client.deleteBucket(bucket)).rejects.toBeInstanceOf(ConflictError);
        await client.deleteObject(bucket, 'x');
        await client.deleteBucket(bucket);
        await expect(client.headObject(bucket, 'x')).rejects.toMatchObject({
          code: 'NoSuchBucket',
        });
      },
    );

    it('puts, gets and deletes lifecycle rules', async () => {
      const client = mock.client(name);
      const bucket = `b-${name}-life`;
      await client.createBucket(bucket);
      await expect(client.getBucketLifecycle(bucket)).rejects.toMatchObject({
        code: 'NoSuchLifecycle',
      });
      const rules = [
        { id: 'old-video', prefix: 'videos/', status: 'Enabled' as const, expirationDays: 7 },
        { id: 'tmp', prefix: 'tmp/', status: 'Disabled' as const, expirationDays: 1 },
      ];
      await client.putBucketLifecycle(bucket, rules);
      expect(await client.getBucketLifecycle(bucket)).toEqual(rules);
      await client.deleteBucketLifecycle(bucket);
      await expect(client.getBucketLifecycle(bucket)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists every page with prefix and delimiter, sizes and types', async () => {
      const client = mock.client(name);
      const bucket = `b-${name}-list`;
      await client.createBucket(bucket);
      const keys = ['cam/1.ts', 'cam/2.ts', 'cam/3.ts', 'cam/sub/4.ts', 'cam/ä b+c.ts', 'other'];
      for (const key of keys) await client.putObject(bucket, key, encoder.encode(key));
      await client.appendObject(bucket, 'cam/live.ts', 0, encoder.encode('live'));

      const pages = [];
      for await (const page of client.listObjectPages(bucket, {
        prefix: 'cam/',
        delimiter: '/',
        maxKeys: 2,
      })) {
        pages.push(page);
      }
      expect(pages.length).toBeGreaterThanOrEqual(3);
      const listed = pages.flatMap((p) => p.objects);
      expect(listed.map((o) => o.key)).toEqual([
        'cam/1.ts',
        'cam/2.ts',
        'cam/3.ts',
        'cam/live.ts',
        'cam/ä b+c.ts',
      ]);
      expect(pages.flatMap((p) => p.prefixes)).toEqual(['cam/sub/']);
      expect(listed.find((o) => o.key === 'cam/live.ts')).toMatchObject({
        size: 4,
        type: 'Appendable',
      });

      const all = [];
      for await (const object of client.listObjects(bucket, { maxKeys: 3 })) all.push(object.key);
      expect(all).toHaveLength(keys.length + 1);
    });

    it('presigns a GET for playback and a PUT for browser uploads', async () => {
      const client = mock.client(name);
      const putUrl = await client.presignPutUrl('media', `${name}/upload.bin`, {
        expires: 300,
        contentType: 'video/mp2t',
      });
      const put = await fetch(putUrl, {
        method: 'PUT',
        body: 'from the browser',
        headers: { 'content-type': 'video/mp2t' },
      });
      expect(put.status).toBe(200);

      const getUrl = await client.presignGetUrl('media', `${name}/upload.bin`, { expires: 300 });
      const got = await fetch(getUrl);
      expect(await got.text()).toBe('from the browser');
      expect(got.headers.get('content-type')).toBe('video/mp2t');
    });

    it('signs with V4 as well', async () => {
      const client = mock.client(name, { signatureVersion: 'v4', region: mock.oss.region });
      await client.putObject('media', `${name}/v4.txt`, encoder.encode('v4'));
      expect(text((await client.getObject('media', `${name}/v4.txt`)).body)).toBe('v4');
      const url = await client.presignGetUrl('media', `${name}/v4.txt`, { expires: 60 });
      expect(await (await fetch(url)).text()).toBe('v4');
    });
  });
});
