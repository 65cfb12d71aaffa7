import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVendingHandler, fetchVendedCredentials } from '../src/index.js';
import { toNodeListener } from '../src/node.js';

const seen: { method: string; url: string; body: string; key: string | null }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const handler = createTokenVendingHandler({
    authenticate: async (request) => {
      seen.push({
        method: request.method,
        url: request.url,
        body: await request.text(),
        key: request.headers.get('x-device-key'),
      });
      return request.headers.get('x-device-key') === 'k42'
        ? { bucket: 'media', path: 'videos/cam-42/*', mode: 'a' }
        : null;
    },
    issue: async () => ({
      accessKeyId: 'STS.a',
      accessKeySecret: 's',
      securityToken: 't',
      expiration: new Date('2026-12-03T10:15:00Z'),
    }),
  });
  server = createServer(toNodeListener(handler, { maxBodyBytes: 1024 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('toNodeListener', () => {
  it('serves the vending handler over node:http, body and headers included', async () => {
    const credentials = await fetchVendedCredentials(`${base}/sts/token?camera=42`, {
      method: 'POST',
      headers: { 'x-device-key': 'k42' },
      body: 'hello',
    });
    expect(credentials.accessKeyId).toBe('STS.a');
    expect(credentials.path).toBe('videos/cam-42/*');
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: `${base}/sts/token?camera=42`,
      body: 'hello',
      key: 'k42',
    });
  });

  it('passes status and JSON errors through', async () => {
    const response = await fetch(`${base}/sts/token`);
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ code: 'Unauthorized' });
  });

  it('answers 413 to a body over the limit without calling the handler', async () => {
    const before = seen.length;
    const response = await fetch(`${base}/sts/token`, {
      method: 'POST',
      body: 'x'.repeat(1 << 20),
    });
    expect(response.status).toBe(413);
    expect(seen.length).toBe(before);
  });
});
