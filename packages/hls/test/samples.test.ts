/**
 * The sample camera recordings (H.264 at 25 fps, AAC at 8 kHz stereo, each cut into nine files
 * at arbitrary byte positions) muxed and checked by independent demuxers: ffprobe/ffmpeg and
 * mux.js.
 */

import { spawnSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import muxjs, { type TransmuxerEvent } from 'mux.js';
import inspector from 'mux.js/lib/tools/ts-inspector.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlsWriter, TsMuxer, type TsSegment } from '../src/index.js';
import { DirectoryStore } from './helpers/file-store.js';
import { concat, packetsOf } from './helpers/streams.js';
import {
  ffmpegDecodeErrors,
  ffprobe,
  missing,
  requireOrSkip,
  SAMPLE_DIR,
} from './helpers/tools.js';

const VIDEO_FRAMES = 884; // counted by ffprobe on the nine files joined
const AUDIO_FRAMES = 215;
const VIDEO_SECONDS = VIDEO_FRAMES / 25;
const AUDIO_SECONDS = (AUDIO_FRAMES * 1024) / 8000;

const samplesMissing = missing('samples');
// The recordings live outside the repository; where they are absent these tests skip, in CI too.
if (samplesMissing) console.warn(`skipped: ${samplesMissing}`);
let work = '';

function sampleFiles(kind: 'video' | 'audio'): Uint8Array[] {
  const extension = kind === 'video' ? 'h264' : 'aac';
  return [1, 2, 3, 4, 5, 6, 7, 8, 9].map(
    (n) => new Uint8Array(readFileSync(join(SAMPLE_DIR, 'live', kind, `${n}.${extension}`))),
  );
}

/** Muxes the recordings as a camera would deliver them: file by file, the two streams in turn. */
function muxSamples(): TsSegment[] {
  const muxer = new TsMuxer({
    audio: true,
    targetDuration: 4,
    // The files hold about six seconds of video but three of audio each; holding frames back
    // for the whole run keeps the streams in decoding order despite that skew.
    maxInterleave: Number.POSITIVE_INFINITY,
  });
  const video = sampleFiles('video');
  const audio = sampleFiles('audio');
  const segments: TsSegment[] = [];
  for (let i = 0; i < 9; i++) {
    segments.push(...muxer.pushVideo(video[i] as Uint8Array));
    segments.push(...muxer.pushAudio(audio[i] as Uint8Array));
  }
  segments.push(...muxer.close());
  return segments;
}

function withinOnePercent(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThan(0.01);
}

/** Audio duration from ffprobe's packet list: last PTS + duration - first PTS. */
function audioSecondsOf(file: string): number {
  const out = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'a',
      '-show_entries',
      'packet=pts_time,duration_time',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const packets = (
    JSON.parse(out.stdout) as { packets: { pts_time: string; duration_time: string }[] }
  ).packets;
  const first = Number(packets[0]?.pts_time);
  const last = packets[packets.length - 1];
  return Number(last?.pts_time) + Number(last?.duration_time) - first;
}

describe.skipIf(samplesMissing !== undefined)('sample recordings', () => {
  let segments: TsSegment[] = [];
  let whole = '';

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'hls-samples-'));
    segments = muxSamples();
    whole = join(work, 'whole.ts');
    writeFileSync(whole, concat(segments.map((s) => s.bytes)));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('cuts 4-second segments at keyframes, each starting with PAT, PMT and a keyframe', () => {
    expect(segments.map((s) => s.duration)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 3.36]);
    for (const segment of segments) {
      expect(segment.bytes.length % 188).toBe(0);
      const firstPids = [0, 1].map(
        (i) =>
          ((segment.bytes[i * 188 + 1] as number) & 0x1f) * 256 +
          (segment.bytes[i * 188 + 2] as number),
      );
      expect(firstPids).toEqual([0x0000, 0x1000]);
      const firstVideo = packetsOf(segment.bytes, 0x100)[0] as Uint8Array;
      expect((firstVideo[5] as number) & 0x40).toBe(0x40); // random_access_indicator
    }
  });

  it(
    'is read by ffprobe as H.264 and AAC with ' + 'the right durations and no continuity errors',
    (context) => {
      if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
      const { json, stderr } = ffprobe(whole);
      const video = json.streams.find((s) => s.codec_type === 'video');
      const audio = json.streams.find((s) => s.codec_type === 'audio');

      expect(video).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
      expect(Number(video?.nb_read_packets)).toBe(VIDEO_FRAMES);
      withinOnePercent(Number(video?.duration), VIDEO_SECONDS);
      expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '8000', channels: 2 });
      expect(Number(audio?.nb_read_packets)).toBe(AUDIO_FRAMES);
      withinOnePercent(audioSecondsOf(whole), AUDIO_SECONDS);

      expect(stderr).not.toMatch(/Continuity check failed/);
      expect(stderr).not.toMatch(/Packet corrupt|PES packet size mismatch/);
    },
  );

  it('decodes without a single ffmpeg error from a segment start on its own', (context) => {
    if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
    for (const index of [0, 5]) {
      const file = join(work, `segment-${index}.ts`);
      writeFileSync(file, (segments[index] as TsSegment).bytes);
      expect(ffmpegDecodeErrors(file)).toBe('');
    }
  });

  it('is read by mux.js: every segment transmuxes to fMP4 with both tracks, in order', () => {
    let lastVideoEnd = -1;
    for (const segment of segments) {
      const timing = inspector.inspect(segment.bytes);
      const [firstVideo, lastVideo] = timing?.video ?? [];
      expect(timing?.firstKeyFrame?.dts).toBe(segment.startDts);
      expect(firstVideo?.dts).toBeGreaterThan(lastVideoEnd);
      lastVideoEnd = lastVideo?.dts ?? Number.POSITIVE_INFINITY;

      // remux: false gives one fMP4 per track, so the segments after the audio ends count too.
      const transmuxer = new muxjs.mp4.Transmuxer({ remux: false });
      const out: TransmuxerEvent[] = [];
      transmuxer.on('data', (event) => out.push(event));
      transmuxer.push(segment.bytes);
      transmuxer.flush();
      const video = out.find((event) => event.type === 'video');
      expect(video?.info).toMatchObject({ width: 1280, height: 720 });
      expect(video?.data.length).toBeGreaterThan(segment.bytes.length * 0.8);
      if (timing?.audio) {
        const audio = out.find((event) => event.type === 'audio');
        expect(audio?.info).toMatchObject({ samplerate: 8000, channelcount: 2 });
      }
    }
    // The audio recording is 27.52 s long: the first seven segments carry it.
    expect(segments.filter((s) => inspector.inspect(s.bytes)?.audio).length).toBe(7);
  });

  it('writes a VOD playlist that ffprobe plays for the whole duration', async (context) => {
    if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
    const root = join(work, 'vod');
    const writer = new HlsWriter({
      store: new DirectoryStore(root),
      playlistKey: 'cam/index.m3u8',
      audio: true,
      targetDuration: 4,
      maxInterleave: Number.POSITIVE_INFINITY,
    });
    const video = sampleFiles('video');
    const audio = sampleFiles('audio');
    for (let i = 0; i < 9; i++) {
      await writer.pushVideo(video[i] as Uint8Array);
      await writer.pushAudio(audio[i] as Uint8Array);
    }
    await writer.close();

    expect(writer.playlist).toContain('#EXT-X-TARGETDURATION:4\n');
    expect(writer.playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(writer.playlist.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    const { json, stderr } = ffprobe(join(root, 'cam/index.m3u8'));
    withinOnePercent(Number(json.format.duration), VIDEO_SECONDS);
    expect(json.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(stderr).not.toMatch(/Continuity check failed/);
  });

  it(
    'writes an AES-128 playlist whose segments decrypt ' + '(node:crypto) to the clear ones',
    async (context) => {
      const root = join(work, 'aes');
      const key = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
      const writer = new HlsWriter({
        store: new DirectoryStore(root),
        playlistKey: 'cam/index.m3u8',
        audio: true,
        targetDuration: 4,
        maxInterleave: Number.POSITIVE_INFINITY,
        encryption: { key, keyUri: 'index.key', keyObjectKey: 'cam/index.key' },
      });
      const video = sampleFiles('video');
      const audio = sampleFiles('audio');
      for (let i = 0; i < 9; i++) {
        await writer.pushVideo(video[i] as Uint8Array);
        await writer.pushAudio(audio[i] as Uint8Array);
      }
      await writer.close();

      const lines = writer.playlist.split('\n');
      const keyLines = lines.filter((line) => line.startsWith('#EXT-X-KEY:'));
      expect(keyLines).toHaveLength(segments.length);
      for (const [index, segment] of segments.entries()) {
        const tag = keyLines[index] as string;
        const uri = /URI="([^"]+)"/.exec(tag)?.[1] as string;
        const iv = Buffer.from(/IV=0x([0-9a-f]{32})/.exec(tag)?.[1] as string, 'hex');
        const keyBytes = readFileSync(join(root, 'cam', uri));
        const segmentUri = lines[lines.indexOf(tag) + 2] as string;
        const encrypted = readFileSync(join(root, 'cam', segmentUri));
        const decipher = createDecipheriv('aes-128-cbc', keyBytes, iv);
        const clear = Buffer.concat([decipher.update(encrypted), decipher.final()]);
        expect(clear.equals(Buffer.from(segment.bytes))).toBe(true);
      }

      if (!requireOrSkip(missing('ffprobe'), () => context.skip())) return;
      const { json } = ffprobe(join(root, 'cam/index.m3u8'), ['-allowed_extensions', 'ALL']);
      withinOnePercent(Number(json.format.duration), VIDEO_SECONDS);
    },
  );
});
