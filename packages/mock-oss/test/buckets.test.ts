import { describe, expect, it } from 'vitest';
import { newMock, send, xmlText, xmlTexts } from './helpers.js';

describe('buckets', () => {
  it('PutBucket creates with an ACL; a second PutBucket is 409 BucketAlreadyExists', async () => {
    const mock = newMock();
    const res = await send(mock, {
      method: 'PUT',
      bucket: 'fresh-bucket',
      headers: { 'x-oss-acl': 'public-read' },
    });
    expect(res.status).toBe(200);
    expect(mock.store.getBucket('fresh-bucket')?.acl).toBe('public-read');
    const again = await send(mock, { method: 'PUT', bucket: 'fresh-bucket' });
    expect(again.status).toBe(409);
    expect(xmlText(await again.text(), 'Code')).toBe('BucketAlreadyExists');
  });

  it('invalid names and ACLs are refused', async () => {
    const mock = newMock();
    const name = await send(mock, { method: 'PUT', bucket: 'Bad_Name' });
    expect(name.status).toBe(400);
    expect(xmlText(await name.text(), 'Code')).toBe('InvalidBucketName');
    const acl = await send(mock, {
      method: 'PUT',
      bucket: 'okname',
      headers: { 'x-oss-acl': 'everyone' },
    });
    expect(acl.status).toBe(400);
    expect(mock.store.getBucket('okname')).toBeUndefined();
  });

  it('DeleteBucket: 409 BucketNotEmpty while objects remain, then 204', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', key: 'x', body: 'x' });
    const full = await send(mock, { method: 'DELETE', bucket: 'media' });
    expect(full.status).toBe(409);
    expect(xmlText(await full.text(), 'Code')).toBe('BucketNotEmpty');
    await send(mock, { method: 'DELETE', bucket: 'media', key: 'x' });
    expect((await send(mock, { method: 'DELETE', bucket: 'media' })).status).toBe(204);
    expect(mock.store.getBucket('media')).toBeUndefined();
  });

  it('ListBuckets, GetBucketInfo, GetBucketLocation, GetBucketAcl', async () => {
    const mock = newMock({ buckets: ['media', 'other'] });
    const list = await (await send(mock, {})).text();
    expect(xmlTexts(list, 'Name')).toEqual(['media', 'other']);
    const info = await (await send(mock, { bucket: 'media', query: { bucketInfo: '' } })).text();
    expect(xmlText(info, 'Name')).toBe('media');
    expect(xmlText(info, 'Grant')).toBe('private');
    const location = await (await send(mock, { bucket: 'media', query: { location: '' } })).text();
    expect(location).toContain('<LocationConstraint>oss-cn-hangzhou</LocationConstraint>');
    await send(mock, {
      method: 'PUT',
      bucket: 'media',
      query: { acl: '' },
      headers: { 'x-oss-acl': 'public-read' },
    });
    const acl = await (await send(mock, { bucket: 'media', query: { acl: '' } })).text();
    expect(xmlText(acl, 'Grant')).toBe('public-read');
  });

  it(
    'anonymous reads work on a public-read bucket only; ' + 'writes need public-read-write',
    async () => {
      const mock = newMock({ buckets: ['media', { name: 'public', acl: 'public-read' }] });
      await send(mock, { method: 'PUT', bucket: 'public', key: 'p', body: 'open' });
      await send(mock, { method: 'PUT', bucket: 'media', key: 'p', body: 'closed' });
      const open = await send(mock, { bucket: 'public', key: 'p', credentials: false });
      expect(await open.text()).toBe('open');
      const closed = await send(mock, { bucket: 'media', key: 'p', credentials: false });
      expect(closed.status).toBe(403);
      expect(xmlText(await closed.text(), 'Code')).toBe('AccessDenied');
      const write = await send(mock, {
        method: 'PUT',
        bucket: 'public',
        key: 'w',
        body: 'x',
        credentials: false,
      });
      expect(write.status).toBe(403);
      expect(mock.store.head('public', 'w')).toBeUndefined();
    },
  );
});

const LIFECYCLE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<LifecycleConfiguration>\n' +
  '  <Rule><ID>tmp</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>' +
  '<Expiration><Days>1</Days></Expiration></Rule>\n' +
  '  <Rule><ID>off</ID><Prefix>keep/</Prefix><Status>Disabled</Status>' +
  '<Expiration><Days>1</Days></Expiration></Rule>\n' +
  '</LifecycleConfiguration>';

describe('lifecycle (protocol §8)', () => {
  it('stores, returns and deletes rules; none is 404 NoSuchLifecycle', async () => {
    const mock = newMock();
    const none = await send(mock, { bucket: 'media', query: { lifecycle: '' } });
    expect(none.status).toBe(404);
    expect(xmlText(await none.text(), 'Code')).toBe('NoSuchLifecycle');
    expect(
      (
        await send(mock, {
          method: 'PUT',
          bucket: 'media',
          query: { lifecycle: '' },
          body: LIFECYCLE,
        })
      ).status,
    ).toBe(200);
    const got = await (await send(mock, { bucket: 'media', query: { lifecycle: '' } })).text();
    expect(xmlTexts(got, 'ID')).toEqual(['tmp', 'off']);
    expect(xmlTexts(got, 'Days')).toEqual(['1', '1']);
    expect(
      (await send(mock, { method: 'DELETE', bucket: 'media', query: { lifecycle: '' } })).status,
    ).toBe(204);
    expect((await send(mock, { bucket: 'media', query: { lifecycle: '' } })).status).toBe(404);
  });

  it('expires matching objects once the clock passes the rule', async () => {
    const mock = newMock();
    await send(mock, { method: 'PUT', bucket: 'media', query: { lifecycle: '' }, body: LIFECYCLE });
    for (const key of ['tmp/a', 'keep/b', 'other'])
      await send(mock, { method: 'PUT', bucket: 'media', key, body: 'x' });
    mock.clock.advance(23 * 3_600_000);
    expect((await send(mock, { bucket: 'media', key: 'tmp/a' })).status).toBe(200);
    mock.clock.advance(2 * 3_600_000);
    expect((await send(mock, { bucket: 'media', key: 'tmp/a' })).status).toBe(404);
    expect((await send(mock, { bucket: 'media', key: 'keep/b' })).status).toBe(200);
    expect((await send(mock, { bucket: 'media', key: 'other' })).status).toBe(200);
  });

  it('malformed rules are refused', async () => {
    const mock = newMock();
    const bad =
      '<LifecycleConfiguration><Rule><ID>x</ID><Prefix/><Status>Maybe</Status></Rule>' +
      '</LifecycleConfiguration>';
    const res = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      query: { lifecycle: '' },
      body: bad,
    });
    expect(res.status).toBe(400);
    expect(mock.store.getBucket('media')?.lifecycle).toBeUndefined();
  });
});

const CORS =
  `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin>
<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader>
<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-oss-next-append-position</ExposeHeader>
<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>` +
  '<ResponseVary>false</ResponseVary></CORSConfiguration>';

describe('CORS', () => {
  function preflight(
    mock: ReturnType<typeof newMock>,
    origin: string,
    method: string,
    headers = 'content-type,x-oss-date',
  ) {
    return mock.handle(
      new Request('http://127.0.0.1:9000/media/upload.ts', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': headers,
        },
      }),
    );
  }

  it('a bucket without rules refuses preflight with 403 AccessForbidden', async () => {
    const mock = newMock();
    const res = await preflight(mock, 'https://app.example', 'PUT');
    expect(res.status).toBe(403);
    expect(xmlText(await res.text(), 'Code')).toBe('AccessForbidden');
  });

  it('rules allow a matching preflight and add headers to the actual response', async () => {
    const mock = newMock();
    expect(
      (await send(mock, { method: 'PUT', bucket: 'media', query: { cors: '' }, body: CORS }))
        .status,
    ).toBe(200);
    const ok = await preflight(mock, 'https://app.example', 'PUT');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(ok.headers.get('access-control-max-age')).toBe('600');
    expect((await preflight(mock, 'https://evil.example', 'PUT')).status).toBe(403);
    expect((await preflight(mock, 'https://app.example', 'DELETE')).status).toBe(403);

    const put = await send(mock, {
      method: 'PUT',
      bucket: 'media',
      key: 'upload.ts',
      body: 'x',
      headers: { origin: 'https://app.example' },
    });
    expect(put.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(put.headers.get('access-control-expose-headers')).toContain(
      'x-oss-next-append-position',
    );
    const got = await (await send(mock, { bucket: 'media', query: { cors: '' } })).text();
    expect(xmlTexts(got, 'AllowedMethod')).toEqual(['PUT', 'GET']);
    expect(
      (await send(mock, { method: 'DELETE', bucket: 'media', query: { cors: '' } })).status,
    ).toBe(204);
    expect((await send(mock, { bucket: 'media', query: { cors: '' } })).status).toBe(404);
  });

  it("the cors: 'allow-all' option allows any origin and exposes the OSS headers", async () => {
    const mock = newMock({ cors: 'allow-all' });
    const res = await preflight(mock, 'http://localhost:5173', 'POST');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-oss-hash-crc64ecma');
  });
});

describe('addressing', () => {
  async function viaHost(host: string, path: string) {
    const mock = newMock({ noAuth: true, pathStyleHosts: ['oss.test'] });
    await send(mock, { method: 'PUT', bucket: 'media', key: 'k', body: 'v', credentials: false });
    const res = await mock.dispatch({
      method: 'GET',
      path,
      rawQuery: '',
      headers: { host },
      body: (async function* () {})(),
    });
    return { status: res.status, entry: mock.requests.last() };
  }

  const cases: Array<[string, string, string, string | undefined]> = [
    ['an IP address is path style', '127.0.0.1:9000', '/media/k', 'k'],
    ['localhost is path style', 'localhost:9000', '/media/k', 'k'],
    ['a single label (a container name) is path style', 'mockoss:9000', '/media/k', 'k'],
    ['a configured domain is path style', 'oss.test', '/media/k', 'k'],
    ['a bucket subdomain is virtual-host style', 'media.oss-cn-hangzhou.aliyuncs.com', '/k', 'k'],
    ['any <bucket>.<anything> is virtual-host style', 'media.localhost:9000', '/k', 'k'],
    ['the region endpoint itself names no bucket', 'oss-cn-hangzhou.aliyuncs.com', '/media/k', 'k'],
    ['an empty first label names no bucket', '.oss-cn-hangzhou.aliyuncs.com', '/media/k', 'k'],
  ];
  for (const [name, host, path, key] of cases) {
    it(name, async () => {
      const { status, entry } = await viaHost(host, path);
      expect(status).toBe(200);
      expect(entry?.bucket).toBe('media');
      expect(entry?.key).toBe(key);
    });
  }
});
