import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CRC64_VECTORS, PRESIGN_V1_VECTORS, V1_VECTORS, V4_VECTORS } from './vectors.js';

// The default (non-Node) build must work where there is no Node: bundle src/index.ts for the
// browser, run every vector in headless Chromium, and compare the stages here.

const CHROMIUM = '/usr/bin/chromium';
const HERE = dirname(fileURLToPath(import.meta.url));
const available = existsSync(CHROMIUM);
const required = process.env.CI === 'true';
if (!available && !required) {
  console.log(`browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
}

interface PageResults {
  error?: string;
  hashBackend: string;
  hasNodeProcess: boolean;
  v1: Record<string, unknown>;
  presignV1: Record<string, unknown>;
  v4: Record<string, unknown>;
  crc64: Record<string, unknown>;
  contentMd5: string;
}

async function bundleDefaultEntry(): Promise<string> {
  const bundle = await rolldown({
    input: resolve(HERE, 'browser/entry.ts'),
    platform: 'browser',
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    logLevel: 'silent',
  });
  const { output } = await bundle.generate({ format: 'esm' });
  await bundle.close();
  return output[0].code;
}

describe.skipIf(!available && !required)('default entry in headless Chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let bundled = '';
  let results: PageResults;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing, and CI=true requires this test`);
    bundled = await bundleDefaultEntry();

    server = createServer((req, res) => {
      if (req.url === '/bundle.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundled);
      } else {
        const html = '<!doctype html><script type="module" src="/bundle.js"></script>';
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      }
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'vectorResults' in globalThis, undefined, { timeout: 30_000 });
    results = await page.evaluate(
      () => (globalThis as { vectorResults?: unknown }).vectorResults as PageResults,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  test('the bundle holds no node: import and the page runs it without errors', () => {
    expect(bundled).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(pageErrors).toEqual([]);
    expect(results.error).toBeUndefined();
    expect(results.hasNodeProcess).toBe(false);
    expect(results.hashBackend).toBe('noble');
    expect(results.contentMd5).toBe('XUFAKrxLKna5cZ2REBfFkg==');
  });

  test.each(V1_VECTORS.map((v) => [v.name, v] as const))('%s', (name, v) => {
    expect(results.v1[name]).toEqual(v.expected);
  });

  test.each(PRESIGN_V1_VECTORS.map((v) => [v.name, v] as const))('%s', (name, v) => {
    expect(results.presignV1[name]).toEqual(v.expected);
  });

  test.each(V4_VECTORS.map((v) => [v.name, v] as const))('%s', (name, v) => {
    expect(results.v4[name]).toEqual(v.expected);
  });

  test.each(CRC64_VECTORS.map((v) => [v.name, v] as const))('%s', (name, v) => {
    const expected = v.expected;
    expect(results.crc64[name]).toEqual({
      whole: expected,
      byteByByte: expected,
      continued: expected,
      combined: expected,
    });
  });
});
