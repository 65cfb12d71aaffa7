/** External tools and sample files the slow tests need, with the reason when one is missing. */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The shared sample recordings, outside the repository: `<repo>/../shared/fixtures/...`. */
export const SAMPLE_DIR = resolve(here, '../../../../../shared/fixtures/media-c-sample');

/** Why a sample- or tool-dependent test cannot run here, or `undefined` when it can. */
export function missing(what: 'samples' | 'ffprobe'): string | undefined {
  if (what === 'samples') {
    return existsSync(resolve(SAMPLE_DIR, 'live/video/1.h264'))
      ? undefined
      : `sample recordings not found at ${SAMPLE_DIR}`;
  }
  const probe = spawnSync('ffprobe', ['-version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'ffprobe is not installed (Debian package ffmpeg)';
}

/**
 * Skips with a printed reason, except in CI, where a missing tool is a failure.
 * Returns true when the test should run.
 */
export function requireOrSkip(reason: string | undefined, skip: () => void): boolean {
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`required in CI: ${reason}`);
  console.warn(`skipped: ${reason}`);
  skip();
  return false;
}

/** ffprobe's JSON for `file` and everything it printed on stderr at debug level. */
export function ffprobe(
  file: string,
  extra: string[] = [],
): { json: FfprobeResult; stderr: string } {
  const result = spawnSync(
    'ffprobe',
    [
      '-v',
      'debug',
      ...extra,
      '-count_packets',
      '-show_entries',
      [
        'stream=codec_name,codec_type,duration,nb_read_packets,sample_rate,channels,width,height',
        'format=duration,format_name',
      ].join(':'),
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`ffprobe failed: ${result.stderr.slice(-2000)}`);
  return { json: JSON.parse(result.stdout) as FfprobeResult, stderr: result.stderr };
}

/** The parts of ffprobe's JSON the tests read. */
export interface FfprobeResult {
  streams: Array<{
    codec_name: string;
    codec_type: string;
    duration?: string;
    nb_read_packets?: string;
    sample_rate?: string;
    channels?: number;
    width?: number;
    height?: number;
  }>;
  format: { duration?: string; format_name: string };
}

/** Decodes with ffmpeg and returns its stderr (errors only), for a decode-cleanliness check. */
export function ffmpegDecodeErrors(file: string, extra: string[] = []): string {
  try {
    execFileSync('ffmpeg', ['-v', 'error', ...extra, '-i', file, '-f', 'null', '-'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return '';
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}

/**
 * {@link ffprobe} without blocking the event loop, for URLs served by this same process.
 */
export function ffprobeAsync(
  url: string,
  extra: string[] = [],
): Promise<{ json: FfprobeResult; stderr: string }> {
  const args = [
    '-v',
    'debug',
    ...extra,
    '-show_entries',
    'stream=codec_name,codec_type:format=duration',
    '-of',
    'json',
    url,
  ];
  return new Promise((resolvePromise, reject) => {
    execFile(
      'ffprobe',
      args,
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`ffprobe failed: ${stderr.slice(-2000)}`));
        else resolvePromise({ json: JSON.parse(stdout) as FfprobeResult, stderr });
      },
    );
  });
}
