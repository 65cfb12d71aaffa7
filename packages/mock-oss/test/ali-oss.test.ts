import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

function pathStyleClient(): OSS {
  return new OSS({
    endpoint: `http://localhost:${server.port}`,
    sldEnable: true,
    bucket: 'media',
    region: 'oss-cn-hangzhou',
    accessKeyId: mock.credentials.accessKeyId,
    accessKeySecret: mock.credentials.accessKeySecret,
  } as OSS.Options);
}

describe('ali-oss against the listening mock', () => {
  it('puts and gets an object (path style on localhost)', async () => {
    const client = pathStyleClient();
    const put = await client.put('dir/hello.txt', Buffer.from('hello world'));
    expect(put.res.status).toBe(200);
    const got = await client.get('dir/hello.txt');
    expect(got.content.toString()).toBe('hello world');
  });
});
