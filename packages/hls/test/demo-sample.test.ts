/** The README's example on the demo recording the project ships (packages/cli/sample). */
import { createDecipheriv } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HlsWriter, MemorySegmentStore } from '../src/index.js';
import { ffprobe, missing, requireOrSkip } from './helpers/tools.js';

const sample = resolve(import.meta.dirname, '../../cli/sample');
const present = existsSync(join(sample, 'sample.h264')) && existsSync(join(sample, 'sample.aac'));
if (!present) console.warn(`skipped: the demo recording is not at ${sample}`);
const work = mkdtempSync(join(tmpdir(), 'hls-demo-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!present)('the README example on the demo recording', () => {
  it(
    'writes three 4-second segments of ' + 'H.264 and 48 kHz AAC that ffprobe reads',
    async (context) => {
      const store = new MemorySegmentStore();
      const hls = new HlsWriter({
        store,
        playlistKey: 'demo/index.m3u8',
        audio: true,
        targetDuration: 4,
        maxInterleave: Number.POSITIVE_INFINITY,
      });
      await hls.pushVideo(readFileSync(join(sample, 'sample.h264')));
      await hls.pushAudio(readFileSync(join(sample, 'sample.aac')));
      await hls.close();

      expect(hls.playlist.match(/^#EXTINF:.*$/gm)).toEqual([
        '#EXTINF:4.000,',
        '#EXTINF:4.000,',
        '#EXTINF:4.000,',
      ]);
      expect([...store.objects.keys()].sort()).toEqual([
        'demo/index-0.ts',
        'demo/index-1.ts',
        'demo/index-2.ts',
        'demo/index.m3u8',
      ]);

      if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
      for (const [key, { bytes }] of store.objects)
        writeFileSync(join(work, key.replace('demo/', '')), bytes);
      const { json, stderr } = ffprobe(join(work, 'index.m3u8'));
      expect(Math.abs(Number(json.format.duration) - 12) / 12).toBeLessThan(0.01);
      expect(json.streams.map((s) => [s.codec_name, s.sample_rate ?? s.width])).toEqual([
        ['h264', 640],
        ['aac', '48000'],
      ]);
      expect(stderr).not.toMatch(/Continuity check failed/);
    },
  );

  it(
    'encrypts with AES-128: ' + 'each segment decrypts (node:crypto) to the clear one, and plays',
    async (context) => {
      const write = async (encryption?: {
        key: Uint8Array;
        keyUri: string;
        keyObjectKey: string;
      }) => {
        const store = new MemorySegmentStore();
        const hls = new HlsWriter({
          store,
          playlistKey: 'demo/index.m3u8',
          audio: true,
          targetDuration: 4,
          maxInterleave: Number.POSITIVE_INFINITY,
          ...(encryption ? { encryption } : {}),
        });
        await hls.pushVideo(readFileSync(join(sample, 'sample.h264')));
        await hls.pushAudio(readFileSync(join(sample, 'sample.aac')));
        await hls.close();
        return { store, playlist: hls.playlist };
      };
      const clear = await write();
      const key = Uint8Array.from({ length: 16 }, (_, i) => 255 - i * 3);
      const sealed = await write({ key, keyUri: 'index.key', keyObjectKey: 'demo/index.key' });

      const lines = sealed.playlist.split('\n');
      let checked = 0;
      lines.forEach((line, n) => {
        if (!line.startsWith('#EXT-X-KEY:')) return;
        const uri = /URI="([^"]+)"/.exec(line)?.[1] as string;
        const iv = Buffer.from(/IV=0x([0-9a-f]{32})/.exec(line)?.[1] as string, 'hex');
        const segmentKey = `demo/${lines[n + 2]}`;
        const keyBytes = sealed.store.objects.get(`demo/${uri}`)?.bytes as Uint8Array;
        const decipher = createDecipheriv('aes-128-cbc', keyBytes, iv);
        const encrypted = sealed.store.objects.get(segmentKey)?.bytes as Uint8Array;
        const decrypted = Buffer.concat([decipher.update(encrypted), decipher.final()]);
        expect(decrypted.equals(clear.store.objects.get(segmentKey)?.bytes as Uint8Array)).toBe(
          true,
        );
        checked++;
      });
      expect(checked).toBe(3);

      if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
      const dir = join(work, 'sealed');
      mkdirSync(dir, { recursive: true });
      for (const [objectKey, { bytes }] of sealed.store.objects)
        writeFileSync(join(dir, objectKey.replace('demo/', '')), bytes);
      const { json } = ffprobe(join(dir, 'index.m3u8'), ['-allowed_extensions', 'ALL']);
      expect(Math.abs(Number(json.format.duration) - 12) / 12).toBeLessThan(0.01);
      expect(json.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    },
  );
});
