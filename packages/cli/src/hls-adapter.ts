/**
 * Publishing a camera's H.264 (+ AAC) recording as HLS through @oss-media/hls.
 */
import { readFile } from 'node:fs/promises';
import { HlsWriter, type SegmentStore } from '@oss-media/hls';
import { CliError } from './errors.js';
import type { OssOperations } from './oss.js';

/** What to publish where, and how. */
export interface PublishHlsOptions {
  bucket: string;
  /** Folder of the rendition; the playlist is `<prefix>index.m3u8`. */
  prefix: string;
  video: string;
  audio?: string;
  /** A live sliding window (old segments deleted) instead of a growing VOD playlist. */
  live: boolean;
  /** Frame rate for an H.264 stream whose SPS carries no timing. */
  fps?: number;
  segmentSeconds?: number;
  /** Live playlist entries. */
  window?: number;
  /**
   * Feed the recording over this many milliseconds, as a camera produces it (0: at once). For
   * `live`, the recording's own duration is used when this is absent.
   */
  paceMs?: number;
  /** Called after each piece with the input bytes fed so far. */
  onProgress?: (bytes: number, total: number) => void;
}

/** What a publication produced. */
export interface PublishHlsResult {
  playlistKey: string;
  segments: number;
  bytes: number;
  retries: number;
}

// The recording is fed in this many interleaved slices of video and audio: byte positions
// advance about evenly in time at a steady bitrate, and the muxer reorders within 2 s.
const SLICES = 48;

/** Segments, playlists and keys as OSS objects under `prefix`. */
function ossSegmentStore(oss: OssOperations, bucket: string, prefix: string): SegmentStore {
  return {
    put: (key, bytes, contentType) =>
      oss.put(bucket, `${prefix}${key}`, bytes, {
        contentType,
        // Players poll a growing playlist: it must not be cached.
        ...(key.endsWith('.m3u8') ? { cacheControl: 'no-cache' } : {}),
      }),
    delete: (key) => oss.remove(bucket, `${prefix}${key}`),
  };
}

/** Seconds of AAC in an ADTS stream: 1024 samples per frame at the header's sample rate. */
export function adtsDurationSeconds(bytes: Uint8Array): number {
  const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000];
  let seconds = 0;
  for (let at = 0; at + 7 <= bytes.length; ) {
    if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xf0) !== 0xf0) break;
    const rate = RATES[(bytes[at + 2]! >> 2) & 0x0f] ?? 44100;
    const frames = (bytes[at + 6]! & 0x03) + 1;
    const length = ((bytes[at + 3]! & 0x03) << 11) | (bytes[at + 4]! << 3) | (bytes[at + 5]! >> 5);
    if (length < 7) break;
    seconds += (frames * 1024) / rate;
    at += length;
  }
  return seconds;
}

/** Pictures in an Annex B H.264 stream: slices (NAL 1 or 5) whose first_mb_in_slice is 0. */
export function h264PictureCount(bytes: Uint8Array): number {
  let pictures = 0;
  for (let i = 0; i + 4 < bytes.length; i += 1) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0 || bytes[i + 2] !== 1) continue;
    const type = bytes[i + 3]! & 0x1f;
    // first_mb_in_slice is ue(v); the value 0 is the single bit '1'.
    if ((type === 1 || type === 5) && (bytes[i + 4]! & 0x80) !== 0) pictures += 1;
    i += 3;
  }
  return pictures;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Muxes an H.264 (+ AAC) recording into TS segments and an m3u8 playlist in OSS, through the
 * operations' client (signing, token refresh, retries).
 *
 * @example
 * await publishHls(oss, {
 *   bucket: 'media', prefix: 'videos/cam-1/a/', video: 'a.h264', audio: 'a.aac', live: false,
 * });
 */
export async function publishHls(
  oss: OssOperations,
  options: PublishHlsOptions,
): Promise<PublishHlsResult> {
  const video = await readFile(options.video);
  const audio = options.audio === undefined ? undefined : await readFile(options.audio);
  const pictures = h264PictureCount(video);
  if (pictures === 0) {
    throw new CliError('NoVideo', `no H.264 pictures (Annex B) found in '${options.video}'`);
  }
  if (audio !== undefined && adtsDurationSeconds(audio) === 0) {
    throw new CliError('NoAudio', `no AAC frames (ADTS) found in '${options.audio}'`);
  }
  const fps = options.fps ?? 25;
  const playlistKey = `${options.prefix}index.m3u8`;

  const writer = new HlsWriter({
    store: ossSegmentStore(oss, options.bucket, options.prefix),
    playlistKey: 'index.m3u8',
    segmentKey: (sequence) => `segment-${String(sequence).padStart(5, '0')}.ts`,
    kind: options.live ? 'live' : 'vod',
    windowSize: options.window ?? 5,
    deleteOldSegments: options.live,
    video: { frameRate: fps },
    audio: audio !== undefined,
    targetDuration: options.segmentSeconds ?? 4,
  });

  const recordingMs = (audio === undefined ? pictures / fps : adtsDurationSeconds(audio)) * 1000;
  const paceMs = options.paceMs ?? (options.live ? recordingMs : 0);
  const total = video.length + (audio?.length ?? 0);
  const started = Date.now();

  for (let slice = 0; slice < SLICES; slice += 1) {
    const due = started + (paceMs * slice) / SLICES;
    if (due > Date.now()) await sleep(due - Date.now());
    const part = (bytes: Uint8Array) =>
      bytes.subarray(
        Math.floor((bytes.length * slice) / SLICES),
        Math.floor((bytes.length * (slice + 1)) / SLICES),
      );
    await writer.pushVideo(part(video));
    if (audio !== undefined) await writer.pushAudio(part(audio));
    const fed = Math.floor((total * (slice + 1)) / SLICES);
    options.onProgress?.(fed, total);
  }
  await writer.close();

  return {
    playlistKey,
    segments: writer.stats.segments,
    bytes: writer.stats.segmentBytes,
    retries: writer.stats.retries,
  };
}
