import { contentMd5, crc64, crc64ToString, utf8 } from '@oss-media/oss-sign';
import { describe, expect, it } from 'vitest';
import { newMock, send, xmlText } from './helpers.js';

const REQUEST_ID = /^[0-9A-F]{24}$/;

describe('PutObject and GetObject', () => {
  it('stores bytes and returns ETag (MD5), CRC-64, type, length, Last-Modified', async () => {
    const mock = newMock();
    const put = await send(mock, { method: 'PUT', bucket: 'media', key: 'a/b.txt', body: 'hello' });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"5D41402ABC4B2A76B9719D911017C592"');
    expect(put.headers.get('x-oss-hash-crc64ecma')).toBe(crc64ToString(crc64(utf8('hello'))));
    expect(put.headers.get('x-oss-request-id')).toMatch(REQUEST_ID);

    const get = await send(mock, { bucket: 'media', key: 'a/b.txt' });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('hello');
    expect(get.headers.get('content-length')).toBe('5');
    expect(get.headers.get('x-oss-object-type')).toBe('Normal');
    expect(get.headers.get('accept-ranges')).toBe('bytes');
    expect(get.headers.get('last-modified')).toMatch(/GMT$/);
    expect(get.headers.get('x-oss-storage-class')).toBe('Standard');
  });

  it('keeps user metadata, Content-Type and stored headers', async () => {
    const mock = newMock();
    await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'm.ts',
      body: 'x',
      headers: {
        'content-type': 'video/mp2t',
        'x-oss-meta-camera': 'door',
        'cache-control': 'no-cache',
        'content-disposition': 'attachment',
      },
    });
    const head = await send(mock, { method: 'HEAD', bucket: 'media', key: 'm.ts' });
    expect(head.headers.get('content-type')).toBe('video/mp2t');
    expect(head.headers.get('x-oss-meta-camera')).toBe('door');
    expect(head.headers.get('cache-control')).toBe('no-cache');
    expect(head.headers.get('content-disposition')).toBe('attachment');
  });

  it('checks Content-MD5: a mismatch is 400 InvalidDigest and stores nothing', async () => {
    const mock = newMock();
    const good = contentMd5(utf8('data'));
    const ok = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'd',
      body: 'data',
      headers: { 'content-md5': good },
    });
    expect(ok.status).toBe(200);
    const bad = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'd',
      body: 'DATA',
      headers: { 'content-md5': good },
    });
    expect(bad.status).toBe(400);
    expect(xmlText(await bad.text(), 'Code')).toBe('InvalidDigest');
    expect(await (await send(mock, { bucket: 'media', key: 'd' })).text()).toBe('data');
  });

  it('x-oss-forbid-overwrite refuses to replace an object (409 FileAlreadyExists)', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'f', body: '1' });
    const second = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'f',
      body: '2',
      headers: { 'x-oss-forbid-overwrite': 'true' },
    });
    expect(second.status).toBe(409);
    expect(xmlText(await second.text(), 'Code')).toBe('FileAlreadyExists');
  });

  it('a missing key is 404 NoSuchKey with the Key element and the service XML', async () => {
    const mock = newMock();
    const res = await send(mock, { bucket: 'media', key: 'missing/k' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/xml');
    const body = await res.text();
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xmlText(body, 'Code')).toBe('NoSuchKey');
    expect(xmlText(body, 'Key')).toBe('missing/k');
    expect(xmlText(body, 'RequestId')).toBe(res.headers.get('x-oss-request-id'));
  });

  it('a missing bucket is 404 NoSuchBucket', async () => {
    const mock = newMock();
    const res = await send(mock, { bucket: 'nobucket', key: 'k' });
    expect(res.status).toBe(404);
    expect(xmlText(await res.text(), 'Code')).toBe('NoSuchBucket');
  });

  it('response-* parameters override the response headers', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'o', body: 'x' });
    const res = await send(mock, {
      bucket: 'media',
      key: 'o',
      query: { 'response-content-type': 'text/csv', 'response-content-disposition': 'inline' },
    });
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('content-disposition')).toBe('inline');
  });
});

describe('ranges (protocol §5)', () => {
  const cases: Array<[string, string | undefined, number, string]> = [
    ['a plain range', 'bytes=2-5', 206, '2345'],
    ['an open end', 'bytes=7-', 206, '789'],
    ['a suffix', 'bytes=-3', 206, '789'],
    ['an end past the size is ignored by default', 'bytes=5-50', 200, '0123456789'],
    ['a start past the size is ignored by default', 'bytes=20-30', 200, '0123456789'],
    ['a malformed range is ignored', 'bytes=abc', 200, '0123456789'],
    ['a reversed range is ignored', 'bytes=5-2', 200, '0123456789'],
    ['several ranges are ignored', 'bytes=0-1,3-4', 200, '0123456789'],
  ];
  for (const [name, range, status, body] of cases) {
    it(`default behaviour: ${name}`, async () => {
      const mock = newMock();
      await send(mock, { method: 'PUT', bucket: 'media', key: 'r', body: '0123456789' });
      const res = await send(mock, { bucket: 'media', key: 'r', headers: range ? { range } : {} });
      expect(res.status).toBe(status);
      expect(await res.text()).toBe(body);
      if (status === 206) expect(res.headers.get('content-range')).toMatch(/^bytes \d+-\d+\/10$/);
    });
  }

  it('standard behaviour clamps an end past the size (206)', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'r', body: '0123456789' });
    const res = await send(mock, {
      bucket: 'media',
      key: 'r',
      headers: { range: 'bytes=5-50', 'x-oss-range-behavior': 'standard' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 5-9/10');
    expect(await res.text()).toBe('56789');
  });

  it('standard behaviour answers 416 InvalidRange for a start at or past the size', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'r', body: '0123456789' });
    const res = await send(mock, {
      bucket: 'media',
      key: 'r',
      headers: { range: 'bytes=10-20', 'x-oss-range-behavior': 'standard' },
    });
    expect(res.status).toBe(416);
    expect(xmlText(await res.text(), 'Code')).toBe('InvalidRange');
  });
});

describe('conditional requests', () => {
  async function withObject() {
    const mock = newMock();
    const put = await send(mock, { method: 'PUT', bucket: 'media', key: 'c', body: 'x' });
    return { mock, etag: put.headers.get('etag') as string };
  }

  it('If-None-Match with the ETag is 304', async () => {
    const { mock, etag } = await withObject();
    const res = await send(mock, { bucket: 'media', key: 'c', headers: { 'if-none-match': etag } });
    expect(res.status).toBe(304);
  });

  it('If-Match with another ETag is 412 PreconditionFailed', async () => {
    const { mock } = await withObject();
    const res = await send(mock, { bucket: 'media', key: 'c', headers: { 'if-match': '"0000"' } });
    expect(res.status).toBe(412);
    expect(xmlText(await res.text(), 'Code')).toBe('PreconditionFailed');
  });

  it('If-Modified-Since in the future is 304; in the past is 200', async () => {
    const { mock } = await withObject();
    const future = new Date(mock.clock.now() + 3_600_000).toUTCString();
    const past = new Date(mock.clock.now() - 3_600_000).toUTCString();
    expect(
      (await send(mock, { bucket: 'media', key: 'c', headers: { 'if-modified-since': future } }))
        .status,
    ).toBe(304);
    expect(
      (await send(mock, { bucket: 'media', key: 'c', headers: { 'if-modified-since': past } }))
        .status,
    ).toBe(200);
  });

  it('If-Unmodified-Since in the past is 412', async () => {
    const { mock } = await withObject();
    const past = new Date(mock.clock.now() - 3_600_000).toUTCString();
    const res = await send(mock, {
      bucket: 'media',
      key: 'c',
      headers: { 'if-unmodified-since': past },
    });
    expect(res.status).toBe(412);
  });
});

describe('HeadObject and GetObjectMeta', () => {
  it('HEAD errors have no body: the XML is base64 in x-oss-err, with x-oss-ec', async () => {
    const mock = newMock();
    const res = await send(mock, { method: 'HEAD', bucket: 'media', key: 'nothing' });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
    const xml = Buffer.from(res.headers.get('x-oss-err') as string, 'base64').toString('utf8');
    expect(xmlText(xml, 'Code')).toBe('NoSuchKey');
    expect(res.headers.get('x-oss-ec')).toMatch(/^\d{4}-\d{8}$/);
  });

  it('GetObjectMeta returns ETag, size and Last-Modified without a body', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'gm', body: '12345' });
    const res = await send(mock, {
      method: 'HEAD',
      bucket: 'media',
      key: 'gm',
      query: { objectMeta: '' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('5');
    expect(res.headers.get('etag')).toMatch(/^"[0-9A-F]{32}"$/);
    expect(mock.requests.last()?.operation).toBe('GetObjectMeta');
  });
});

describe('DeleteObject, DeleteMultipleObjects, CopyObject', () => {
  it('DeleteObject is 204, also for an absent key', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'd', body: 'x' });
    expect((await send(mock, { method: 'DELETE', bucket: 'media', key: 'd' })).status).toBe(204);
    expect((await send(mock, { method: 'DELETE', bucket: 'media', key: 'd' })).status).toBe(204);
    expect(mock.store.head('media', 'd')).toBeUndefined();
  });

  function deleteBody(keys: string[], quiet: boolean): string {
    const objects = keys.map((key) => `<Object><Key>${key}</Key></Object>`).join('');
    const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
    return `${declaration}<Delete><Quiet>${quiet}</Quiet>${objects}</Delete>`;
  }

  it('DeleteMultipleObjects lists deleted keys, or nothing in quiet mode', async () => {
    const mock = newMock();
    for (const key of ['a', 'b', 'c'])
      await send(mock, { method: 'PUT', bucket: 'media', key, body: key });
    const body = deleteBody(['a', 'b'], false);
    const res = await send(mock, {
      method: 'POST',
      bucket: 'media',
      query: { delete: '' },
      body,
      headers: { 'content-md5': contentMd5(utf8(body)), 'content-type': 'application/xml' },
    });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<Deleted><Key>a</Key></Deleted>');
    expect(xml).toContain('<Deleted><Key>b</Key></Deleted>');
    const quietBody = deleteBody(['c'], true);
    const quiet = await send(mock, {
      method: 'POST',
      bucket: 'media',
      query: { delete: '' },
      body: quietBody,
    });
    expect(await quiet.text()).not.toContain('<Deleted>');
    expect(mock.store.objectCount('media')).toBe(0);
  });

  it(
    'DeleteMultipleObjects with more than 1000 ' + 'keys is MalformedXML and deletes nothing',
    async () => {
      const mock = newMock();
      await send(mock, { method: 'PUT', bucket: 'media', key: 'k0', body: 'x' });
      const keys = Array.from({ length: 1001 }, (_, i) => `k${i}`);
      const res = await send(mock, {
        method: 'POST',
        bucket: 'media',
        query: { delete: '' },
        body: deleteBody(keys, true),
      });
      expect(res.status).toBe(400);
      expect(xmlText(await res.text(), 'Code')).toBe('MalformedXML');
      expect(mock.store.head('media', 'k0')).toBeDefined();
    },
  );

  it('DeleteMultipleObjects decodes url-encoded keys and escapes XML', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'a&b <c>', body: 'x' });
    const body =
      '<Delete><Quiet>false</Quiet><Object><Key>a&amp;b &lt;c&gt;</Key></Object></Delete>';
    const res = await send(mock, { method: 'POST', bucket: 'media', query: { delete: '' }, body });
    expect(await res.text()).toContain('<Key>a&amp;b &lt;c&gt;</Key>');
    expect(mock.store.head('media', 'a&b <c>')).toBeUndefined();
  });

  it('CopyObject copies bytes; REPLACE takes new metadata', async () => {
    const mock = newMock();
    await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'src',
      body: 'copy me',
      headers: { 'x-oss-meta-a': '1' },
    });
    const copy = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'dst',
      headers: { 'x-oss-copy-source': '/media/src' },
    });
    expect(copy.status).toBe(200);
    expect(xmlText(await copy.text(), 'ETag')).toBe(
      '&quot;' + mock.store.head('media', 'src')?.etag + '&quot;',
    );
    expect(await (await send(mock, { bucket: 'media', key: 'dst' })).text()).toBe('copy me');
    expect(mock.store.head('media', 'dst')?.userMeta).toEqual({ a: '1' });

    await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'dst2',
      headers: {
        'x-oss-copy-source': '/media/src',
        'x-oss-metadata-directive': 'REPLACE',
        'x-oss-meta-b': '2',
      },
    });
    expect(mock.store.head('media', 'dst2')?.userMeta).toEqual({ b: '2' });
  });

  it('CopyObject from a missing source is 404 NoSuchKey', async () => {
    const mock = newMock();
    const res = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'dst',
      headers: { 'x-oss-copy-source': '/media/none' },
    });
    expect(res.status).toBe(404);
    expect(xmlText(await res.text(), 'Code')).toBe('NoSuchKey');
  });
});

describe('every response', () => {
  it('carries x-oss-request-id, Date and Server, success or error', async () => {
    const mock = newMock();
    for (const res of [
      await send(mock, { method: 'PUT', bucket: 'media', key: 'x', body: 'x' }),
      await send(mock, { bucket: 'media', key: 'nope' }),
      await send(mock, { method: 'GET' }),
    ]) {
      expect(res.headers.get('x-oss-request-id')).toMatch(REQUEST_ID);
      expect(res.headers.get('date')).toMatch(/GMT$/);
      expect(res.headers.get('server')).toBe('AliyunOSS');
    }
  });

  it('unknown APIs answer 501 NotImplemented in the service XML', async () => {
    const mock = newMock();
    const queries: Array<Record<string, string>> = [
      { uploads: '' },
      { tagging: '' },
      { symlink: '' },
      { 'x-oss-process': 'image/resize' },
    ];
    for (const query of queries) {
      const res = await send(mock, {
        method: 'POST',
        bucket: 'media',
        key: 'k',
        query,
      });
      expect(res.status).toBe(501);
      expect(xmlText(await res.text(), 'Code')).toBe('NotImplemented');
    }
  });
});

describe('storage limit', () => {
  it('answers 507 InsufficientStorage beyond the limit and keeps what was stored', async () => {
    const mock = newMock({ storageLimit: 10 });
    expect(
      (await send(mock, { method: 'PUT', bucket: 'media', key: 'a', body: '12345678' })).status,
    ).toBe(200);
    const over = await send(mock, { method: 'PUT', bucket: 'media', key: 'b', body: '12345' });
    expect(over.status).toBe(507);
    expect(xmlText(await over.text(), 'Code')).toBe('InsufficientStorage');
    const append = await send(mock, {
      method: 'POST',
      bucket: 'media',
      key: 'c',
      query: { append: '', position: '0' },
      body: 'xyz',
    });
    expect(append.status).toBe(507);
    expect(mock.store.usedBytes).toBe(8);
    await send(mock, { method: 'DELETE', bucket: 'media', key: 'a' });
    expect(
      (await send(mock, { method: 'PUT', bucket: 'media', key: 'b', body: '12345' })).status,
    ).toBe(200);
  });
});

describe('user metadata size (x-oss-meta-* names and values, at most 8 KB)', () => {
  /** Headers whose x-oss-meta-* names and values total exactly `bytes`. */
  function metaOf(bytes: number): Record<string, string> {
    const name = 'x-oss-meta-field';
    return { [name]: 'm'.repeat(bytes - name.length) };
  }

  async function expectRefused(res: Response, mock: ReturnType<typeof newMock>, key: string) {
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(xmlText(text, 'Code')).toBe('InvalidArgument');
    expect(xmlText(text, 'Message')).toContain('8 KB');
    expect(res.headers.get('x-oss-ec')).toBe('0011-00000002');
    expect(xmlText(text, 'EC')).toBe('0011-00000002');
    expect(mock.store.head('media', key)).toBeUndefined();
  }

  it('PutObject with exactly 8192 bytes of metadata is stored', async () => {
    const mock = newMock();
    const res = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'at-limit',
      body: 'x',
      headers: metaOf(8192),
    });
    expect(res.status).toBe(200);
    expect(mock.store.head('media', 'at-limit')?.userMeta.field).toHaveLength(8192 - 16);
  });

  it('PutObject with 8193 bytes is 400 InvalidArgument and stores nothing', async () => {
    const mock = newMock();
    const headers = metaOf(8193);
    const res = await send(mock, { method: 'PUT', bucket: 'media', key: 'k', body: 'x', headers });
    await expectRefused(res, mock, 'k');
  });

  it('counts names too, across many headers', async () => {
    const mock = newMock();
    const headers: Record<string, string> = {};
    // 12 × (16-byte name + 700-byte value) = 8592 bytes; the values alone are 8400.
    for (let i = 10; i < 22; i++) headers[`x-oss-meta-f${i}ab`] = 'v'.repeat(700);
    const res = await send(mock, { method: 'PUT', bucket: 'media', key: 'k', body: 'x', headers });
    await expectRefused(res, mock, 'k');
  });

  it('AppendObject over the limit is refused and creates nothing', async () => {
    const mock = newMock();
    const res = await send(mock, {
      method: 'POST',
      bucket: 'media',
      key: 'live.ts',
      query: { append: '', position: '0' },
      body: 'x',
      headers: metaOf(9000),
    });
    await expectRefused(res, mock, 'live.ts');
  });

  it('CopyObject over the limit is refused with either directive', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'src', body: 'x' });
    for (const directive of ['COPY', 'REPLACE']) {
      const res = await send(mock, {
        method: 'PUT',
        bucket: 'media',
        key: 'dst',
        headers: {
          'x-oss-copy-source': '/media/src',
          'x-oss-metadata-directive': directive,
          ...metaOf(9000),
        },
      });
      await expectRefused(res, mock, 'dst');
    }
  });
});
