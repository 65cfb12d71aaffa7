import OSS from 'ali-oss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOss, type Listening, type NodeMockOss } from '../src/node.js';

let mock: NodeMockOss;
let server: Listening;

beforeAll(async () => {
  mock = createMockOss({ buckets: ['media'] });
  server = await mock.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await mock.reset();
});

function credentials() {
  return {
    accessKeyId: mock.credentials.accessKeyId,
    accessKeySecret: mock.credentials.accessKeySecret,
  };
}

/** `sldEnable` on localhost: path-style requests (protocol §11). */
function pathStyle(extra: Partial<OSS.Options> = {}): OSS {
  return new OSS({
    endpoint: `http://localhost:${server.port}`,
    sldEnable: true,
    bucket: 'media',
    region: 'oss-cn-hangzhou',
    ...credentials(),
    ...extra,
  } as OSS.Options);
}

/** An IP endpoint: the bucket travels in a virtual-host Host header. */
function virtualHost(): OSS {
  return new OSS({
    endpoint: `http://127.0.0.1:${server.port}`,
    bucket: 'media',
    region: 'oss-cn-hangzhou',
    ...credentials(),
  } as OSS.Options);
}

function bytes(text: string): Buffer {
  return Buffer.from(text);
}

describe('ali-oss: addressing', () => {
  it('path style on localhost (sldEnable) puts and gets', async () => {
    const client = pathStyle();
    const put = await client.put('dir/hello.txt', bytes('hello world'));
    expect(put.res.status).toBe(200);
    expect((await client.get('dir/hello.txt')).content.toString()).toBe('hello world');
    expect(mock.requests.last()?.path).toBe('/media/dir/hello.txt');
  });

  it('virtual host on 127.0.0.1 takes the bucket from the Host header', async () => {
    const client = virtualHost();
    await client.put('vh.txt', bytes('virtual'));
    expect((await client.get('vh.txt')).content.toString()).toBe('virtual');
    const last = mock.requests.last();
    expect(last?.headers.host).toMatch(/^media\./);
    expect(last?.bucket).toBe('media');
  });

  it(
    'listBuckets over an IP endpoint ' + '(Host with an empty first label) is ListBuckets',
    async () => {
      await mock.createBucket('logs');
      const client = new OSS({
        endpoint: `http://127.0.0.1:${server.port}`,
        region: 'oss-cn-hangzhou',
        ...credentials(),
      } as OSS.Options);
      const result = await client.listBuckets({});
      expect(result.buckets.map((bucket: { name: string }) => bucket.name).sort()).toEqual([
        'logs',
        'media',
      ]);
      const last = mock.requests.last();
      expect(last?.headers.host).toMatch(/^\.oss-cn-hangzhou\.aliyuncs\.com/);
      expect(last?.operation).toBe('ListBuckets');
      expect(last?.bucket).toBeUndefined();
    },
  );

  it('a virtual-hosted key under sts/ is an object, not an STS call', async () => {
    await mock.createBucket('logs');
    const client = new OSS({
      endpoint: `http://127.0.0.1:${server.port}`,
      bucket: 'logs',
      region: 'oss-cn-hangzhou',
      ...credentials(),
    } as OSS.Options);
    const put = await client.put('sts/x.txt', bytes('not a token'));
    expect(put.res.status).toBe(200);
    const last = mock.requests.last();
    expect(last?.path).toBe('/sts/x.txt');
    expect(last?.headers.host).toMatch(/^logs\.oss-cn-hangzhou\.aliyuncs\.com/);
    expect(last?.operation).toBe('PutObject');
    expect(last?.bucket).toBe('logs');
    expect((await client.get('sts/x.txt')).content.toString()).toBe('not a token');
    expect(mock.store.head('logs', 'sts/x.txt')?.size).toBe(11);
  });

  it('cname: the configured host names the bucket', async () => {
    const viaCname = createMockOss({ cname: { localhost: 'media' }, buckets: ['media'] });
    const cnameServer = await viaCname.listen({ host: '127.0.0.1', port: 0 });
    try {
      const client = new OSS({
        endpoint: `http://localhost:${cnameServer.port}`,
        cname: true,
        bucket: 'media',
        region: 'oss-cn-hangzhou',
        accessKeyId: viaCname.credentials.accessKeyId,
        accessKeySecret: viaCname.credentials.accessKeySecret,
      } as OSS.Options);
      await client.put('c.txt', bytes('cname'));
      expect(viaCname.requests.last()?.path).toBe('/c.txt');
      expect((await client.get('c.txt')).content.toString()).toBe('cname');
    } finally {
      await cnameServer.close();
    }
  });
});

describe('ali-oss: objects', () => {
  it('append: positions, the position error, and the whole-object CRC', async () => {
    const client = pathStyle();
    const first = await client.append('live.ts', bytes('abc'));
    expect(first.nextAppendPosition).toBe('3');
    const second = await client.append('live.ts', bytes('def'), {
      position: first.nextAppendPosition,
    });
    expect(second.nextAppendPosition).toBe('6');

    const error = await client
      .append('live.ts', bytes('xyz'), { position: 3 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 409, code: 'PositionNotEqualToLength' });
    const head = await client.head('live.ts');
    expect((head.res.headers as Record<string, string>)['x-oss-next-append-position']).toBe('6');
    expect((head.res.headers as Record<string, string>)['x-oss-object-type']).toBe('Appendable');

    const got = await client.get('live.ts');
    expect(got.content.toString()).toBe('abcdef');
  });

  it('head returns metadata, type, length and user metadata', async () => {
    const client = pathStyle();
    await client.put('meta.bin', bytes('12345'), {
      meta: { camera: 'door' },
      mime: 'video/mp2t',
    } as OSS.PutObjectOptions);
    const head = await client.head('meta.bin');
    expect(head.status).toBe(200);
    expect(head.meta).toEqual({ camera: 'door' });
    const headers = head.res.headers as Record<string, string>;
    expect(headers['content-length']).toBe('5');
    expect(headers['content-type']).toBe('video/mp2t');
    expect(headers['x-oss-object-type']).toBe('Normal');

    const missing = await client.head('absent').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'NoSuchKey' });
  });

  it('get with ranges', async () => {
    const client = pathStyle();
    await client.put('r.txt', bytes('0123456789'));
    const part = await client.get('r.txt', { headers: { Range: 'bytes=2-5' } });
    expect(part.res.status).toBe(206);
    expect(part.content.toString()).toBe('2345');
    const outside = await client.get('r.txt', { headers: { Range: 'bytes=20-30' } });
    expect(outside.res.status).toBe(200);
    expect(outside.content.toString()).toBe('0123456789');
  });

  it('list with delimiter and pagination (V1 and V2)', async () => {
    const client = pathStyle();
    for (const key of ['a/1', 'a/2', 'b/1', 'c', 'd', 'e']) await client.put(key, bytes(key));
    const top = await client.list({ delimiter: '/', 'max-keys': 10 }, {});
    expect(top.prefixes).toEqual(['a/', 'b/']);
    expect(top.objects.map((o: OSS.ObjectMeta) => o.name)).toEqual(['c', 'd', 'e']);

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.list({ 'max-keys': 2, ...(marker ? { marker } : {}) }, {});
      seen.push(...page.objects.map((o: OSS.ObjectMeta) => o.name));
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    expect(seen).toEqual(['a/1', 'a/2', 'b/1', 'c', 'd', 'e']);

    const v2: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.listV2(
        { 'max-keys': '4', ...(token ? { 'continuation-token': token } : {}) },
        {},
      );
      v2.push(...(page.objects ?? []).map((o: OSS.ObjectMeta) => o.name));
      token = page.isTruncated ? page.nextContinuationToken : undefined;
    } while (token);
    expect(v2).toEqual(seen);
  });

  it('delete answers 204 and deleteMulti removes many', async () => {
    const client = pathStyle();
    for (const key of ['x1', 'x2', 'x3']) await client.put(key, bytes(key));
    const deleted = await client.delete('x1');
    expect(deleted.res.status).toBe(204);
    const multi = await client.deleteMulti(['x2', 'x3'], { quiet: false });
    expect(multi.deleted?.map((d: { Key: string }) => d.Key).sort()).toEqual(['x2', 'x3']);
    const list = await client.list({}, {});
    expect(list.objects ?? []).toEqual([]);
  });

  it('copy keeps the bytes and metadata', async () => {
    const client = pathStyle();
    await client.put('src.txt', bytes('copied'), {
      meta: { origin: 'cam' },
    } as OSS.PutObjectOptions);
    const copy = await client.copy('dst.txt', 'src.txt');
    expect(copy.res.status).toBe(200);
    expect((await client.get('dst.txt')).content.toString()).toBe('copied');
    expect((await client.head('dst.txt')).meta).toEqual({ origin: 'cam' });
  });

  it('signatureUrl (V1) works with plain fetch, and expires against the clock', async () => {
    const client = pathStyle();
    await client.put('signed.txt', bytes('presigned'));
    const url = client.signatureUrl('signed.txt', { expires: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('presigned');

    const putUrl = client.signatureUrl('upload.txt', { method: 'PUT', expires: 60 });
    // Bytes: a string body would add a Content-Type the URL did not sign (OSS refuses that too).
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: new Uint8Array(bytes('from the browser')),
    });
    expect(put.status).toBe(200);
    expect((await client.get('upload.txt')).content.toString()).toBe('from the browser');

    mock.clock.advance(120_000);
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('signatureUrlV4 works with plain fetch', async () => {
    const client = pathStyle({ authorizationV4: true } as Partial<OSS.Options>);
    await client.put('v4.txt', bytes('v4 presigned'));
    const url = await (
      client as unknown as {
        signatureUrlV4(
          method: string,
          expires: number,
          request?: object,
          key?: string,
        ): Promise<string>;
      }
    ).signatureUrlV4('GET', 60, undefined, 'v4.txt');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('v4 presigned');
  });

  it('V4 header signatures (authorizationV4) put, append and get', async () => {
    const client = pathStyle({ authorizationV4: true } as Partial<OSS.Options>);
    await client.put('v4/header.txt', bytes('signed with V4'));
    const appended = await client.append('v4/live.ts', bytes('abc'));
    expect(appended.nextAppendPosition).toBe('3');
    expect((await client.get('v4/header.txt')).content.toString()).toBe('signed with V4');
    expect(mock.requests.last()?.headers.authorization).toMatch(/^OSS4-HMAC-SHA256 /);
  });

  it('a wrong secret is SignatureDoesNotMatch with the string to sign', async () => {
    const client = pathStyle({ accessKeySecret: 'wrong' } as Partial<OSS.Options>);
    const error = await client.put('nope.txt', bytes('x')).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(mock.store.head('media', 'nope.txt')).toBeUndefined();
  });
});
