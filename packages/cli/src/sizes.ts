import { CliError } from './errors.js';

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a byte count such as `65536`, `256KiB`, `1MiB`, `4m` or `1.5MB`.
 *
 * @throws CliError 'InvalidSize' (exit code 2) naming the option.
 */
export function parseSize(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const multiplier = match === null ? undefined : MULTIPLIERS[match[2]!.toLowerCase()];
  if (match === null || multiplier === undefined) {
    throw new CliError('InvalidSize', `${option}: expected a size like 262144, 256KiB or 1MiB`, {
      exitCode: 2,
    });
  }
  const bytes = Math.round(Number(match[1]) * multiplier);
  if (bytes < 1)
    throw new CliError('InvalidSize', `${option} must be at least 1 byte`, { exitCode: 2 });
  return bytes;
}

/** A byte range as `--range` takes it: `0-99`, `100-` (to the end) or `-100` (the last 100). */
export interface ByteRange {
  start?: number;
  end?: number;
  suffix?: number;
}

/**
 * Parses `--range` (inclusive byte positions, like HTTP's Range header).
 *
 * @throws CliError 'InvalidRange' (exit code 2).
 */
export function parseRange(text: string): ByteRange {
  const fail = (): never => {
    throw new CliError(
      'InvalidRange',
      `--range: expected START-END, START- or -LENGTH, got '${text}'`,
      {
        exitCode: 2,
      },
    );
  };
  const match = /^(\d*)-(\d*)$/.exec(text.trim());
  if (match === null || (match[1] === '' && match[2] === '')) return fail();
  if (match[1] === '') return { suffix: Number(match[2]) };
  const start = Number(match[1]);
  if (match[2] === '') return { start };
  const end = Number(match[2]);
  if (end < start) fail();
  return { start, end };
}

/** The `Range` header value of a {@link ByteRange}. */
export function rangeHeader(range: ByteRange): string {
  if (range.suffix !== undefined) return `bytes=-${range.suffix}`;
  return `bytes=${range.start ?? 0}-${range.end ?? ''}`;
}
