/** The README's example on the demo recording the project ships (packages/cli/sample). */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  it('writes three 4-second segments of H.264 and 48 kHz AAC that ffprobe reads', async (context) => {
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
  });
});
