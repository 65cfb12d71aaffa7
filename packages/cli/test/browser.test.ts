import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningDemo, runDemo } from '../src/demo.js';
import { connectOss } from '../src/media-client-adapter.js';
import { Capture } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
  console.warn(`skipping the page tests: ${CHROMIUM} is not installed`);
}

describe.skipIf(!available)('the web page in headless Chromium', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    demo = await runDemo(
      { fast: true, quiet: true },
      { stdout: new Capture(), stderr: new Capture(), env: {} },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(demo.summary.pageUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const row = (text: string) => page.locator('#videos tbody tr', { hasText: text });
  const playerTime = () =>
    page.evaluate(() => (document.getElementById('player') as HTMLVideoElement).currentTime);

  async function expectPlaybackAdvances() {
    await page.waitForFunction(
      () => (document.getElementById('player') as HTMLVideoElement).currentTime > 0.3,
      null,
      { timeout: 20_000 },
    );
    const first = await playerTime();
    await page.waitForTimeout(700);
    expect(await playerTime()).toBeGreaterThan(first);
  }

  test('lists the uploaded recording and its HLS rendition', async () => {
    await page.waitForSelector('#videos tbody tr');
    const name = demo.summary.key.split('/').pop()!;
    await expect.poll(() => row(name).count()).toBe(1);
    const cells = await row(name).locator('td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual(['cam-1', name, 'video/mp4', '300.0 KiB']);
    expect(await row('HLS').count()).toBe(1);
  });

  test('plays the recording through a presigned URL: the time advances', async () => {
    await row('video/mp4').locator('button.play').click();
    await expectPlaybackAdvances();
    const src = await page.evaluate(
      () => (document.getElementById('player') as HTMLVideoElement).currentSrc,
    );
    expect(src).toContain('Signature=');
  });

  test('plays the HLS rendition with hls.js: the time advances', async () => {
    await row('HLS').locator('button.play').click();
    await expect.poll(() => page.locator('#player-note').textContent()).toBe('HLS through hls.js');
    await expectPlaybackAdvances();
  });

  test('deletes through the application server', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await row('video/mp4').locator('button.delete').click();
    await expect.poll(() => row('video/mp4').count()).toBe(0);

    const admin = await connectOss({
      endpoint: demo.summary.endpoint,
      auth: { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' },
    });
    try {
      await expect(admin.stat(demo.summary.bucket, demo.summary.key)).rejects.toMatchObject({
        code: 'NoSuchKey',
      });
    } finally {
      await admin.close();
    }
  });

  test('no credentials reach the page, and it logged no errors', async () => {
    const html = await page.content();
    expect(html).not.toContain('mock-access-key-secret');
    expect(consoleErrors).toEqual([]);
  });
});
