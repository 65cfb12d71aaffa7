import cliProgress from 'cli-progress';
import { formatBytes, formatRate } from './format.js';

/** What an upload reports while it runs. */
export interface ProgressReporter {
  /** Total bytes sent so far. */
  update(bytes: number): void;
  /** A line of its own (a token refresh, a retry) that must not be mangled by the bar. */
  note(line: string): void;
  /** Ends the bar or prints the last plain line. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Overrides the TTY detection (tests force plain lines). */
  tty?: boolean;
  /** No output at all. */
  quiet?: boolean;
  now?: () => number;
}

/**
 * A progress bar (cli-progress) when the stream is a terminal, otherwise one plain line per
 * quarter of the total, so logs and CI output stay readable.
 */
export function createProgress(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update() {}, note() {}, stop() {} };
  const tty = options.tty ?? stream.isTTY === true;
  return tty ? barProgress(options, stream) : plainProgress(options, stream);
}

function barProgress(options: ProgressOptions, stream: NodeJS.WriteStream): ProgressReporter {
  const now = options.now ?? Date.now;
  const started = now();
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% | {done} of {size} | {rate}`,
      stream,
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (bytes: number) => ({
    done: formatBytes(bytes),
    size: formatBytes(options.total),
    rate: formatRate(bytes, now() - started),
  });
  bar.start(Math.max(options.total, 1), 0, payload(0));

  let last = 0;
  let stopped = false;
  return {
    update(bytes) {
      last = bytes;
      bar.update(bytes, payload(bytes));
    },
    note(line) {
      // Clear the bar's line, print ours, and let the bar draw itself again below it.
      stream.write(`\r\x1b[K${line}\n`);
      bar.update(last, payload(last));
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

function plainProgress(options: ProgressOptions, stream: NodeJS.WriteStream): ProgressReporter {
  const now = options.now ?? Date.now;
  const started = now();
  let nextQuarter = 1;
  let last = 0;
  const line = (bytes: number) => {
    const percent = options.total > 0 ? Math.floor((bytes * 100) / options.total) : 100;
    const rate = formatRate(bytes, now() - started);
    stream.write(`${options.label}: ${percent}% ${formatBytes(bytes)} at ${rate}\n`);
  };

  return {
    update(bytes) {
      last = bytes;
      if (options.total <= 0) return;
      const quarter = Math.min(4, Math.floor((bytes * 4) / options.total));
      if (quarter < nextQuarter) return;
      nextQuarter = quarter + 1;
      line(bytes);
    },
    note(text) {
      stream.write(`${text}\n`);
    },
    stop() {
      if (nextQuarter <= 4 && last > 0) line(last);
      nextQuarter = 5;
    },
  };
}
