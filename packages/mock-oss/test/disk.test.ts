import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockOss, DiskStore } from '../src/node.js';
import { send } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mock-oss-disk-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function open(dir: string) {
  const store = await DiskStore.open(dir);
  return createMockOss({ store, buckets: ['media'] });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name),
    );
}

describe('DiskStore', () => {
  it('keeps buckets, objects, metadata and appends across a restart', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await send(first, {
      method: 'PUT',
      bucket: 'media',
      key: 'a/b.txt',
      body: 'hello',
      headers: { 'x-oss-meta-x': '1' },
    });
    await send(first, {
      method: 'POST',
      bucket: 'media',
      key: 'live.ts',
      query: { append: '', position: '0' },
      body: 'abc',
    });
    await send(first, {
      method: 'POST',
      bucket: 'media',
      key: 'live.ts',
      query: { append: '', position: '3' },
      body: 'def',
    });
    await send(first, { method: 'PUT', bucket: 'second-bucket' });
    await first.close();

    const second = await open(dir);
    expect(second.store.getBucket('second-bucket')).toBeDefined();
    expect(await (await send(second, { bucket: 'media', key: 'a/b.txt' })).text()).toBe('hello');
    expect(second.store.head('media', 'a/b.txt')?.userMeta).toEqual({ x: '1' });
    const live = await send(second, { bucket: 'media', key: 'live.ts' });
    expect(await live.text()).toBe('abcdef');
    expect(live.headers.get('x-oss-next-append-position')).toBe('6');
    const next = await send(second, {
      method: 'POST',
      bucket: 'media',
      key: 'live.ts',
      query: { append: '', position: '6' },
      body: 'g',
    });
    expect(next.status).toBe(200);
    const range = await send(second, {
      bucket: 'media',
      key: 'live.ts',
      headers: { range: 'bytes=2-4' },
    });
    expect(await range.text()).toBe('cde');
    await second.close();
  });

  it('cuts a torn append tail (bytes written, metadata not) at open', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await send(first, {
      method: 'POST',
      bucket: 'media',
      key: 'torn.ts',
      query: { append: '', position: '0' },
      body: 'abc',
    });
    await first.close();
    const data = allFiles(dir).find((file) => file.endsWith('.data')) as string;
    appendFileSync(data, 'GARBAGE');

    const second = await open(dir);
    expect(await (await send(second, { bucket: 'media', key: 'torn.ts' })).text()).toBe('abc');
    expect(statSync(data).size).toBe(3);
    await second.close();
  });

  it('removes files no metadata points to (a put killed before its commit)', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await send(first, { method: 'PUT', bucket: 'media', key: 'k', body: 'v' });
    await first.close();
    const objects = join(dir, 'buckets', 'media', 'objects');
    writeFileSync(join(objects, 'orphan.data'), 'half a put');
    const second = await open(dir);
    expect(readdirSync(objects).includes('orphan.data')).toBe(false);
    expect(await (await send(second, { bucket: 'media', key: 'k' })).text()).toBe('v');
    await second.close();
  });

  it('keys never become paths: ../../etc/passwd stays inside the data directory', async () => {
    const dir = tempDir();
    const mock = createMockOss({
      store: await DiskStore.open(dir),
      buckets: ['media'],
      noAuth: true,
    });
    const response = await mock.dispatch({
      method: 'PUT',
      path: '/media/..%2F..%2F..%2Fetc%2Fpasswd',
      rawQuery: '',
      headers: { host: '127.0.0.1' },
      body: (async function* () {
        yield new TextEncoder().encode('not a password');
      })(),
    });
    expect(response.status).toBe(200);
    expect(mock.store.head('media', '../../../etc/passwd')?.size).toBe(14);
    for (const file of allFiles(dir)) expect(file.startsWith(dir)).toBe(true);
    expect(allFiles(dir).some((file) => file.includes('passwd'))).toBe(false);
    await mock.close();
  });

  it('delete and bucket removal remove the files', async () => {
    const dir = tempDir();
    const mock = await open(dir);
    await send(mock, { method: 'PUT', bucket: 'media', key: 'gone', body: 'x' });
    await send(mock, { method: 'DELETE', bucket: 'media', key: 'gone' });
    await send(mock, { method: 'DELETE', bucket: 'media' });
    await mock.close();
    expect(allFiles(join(dir, 'buckets'))).toEqual([]);
  });
});
