/** Human-readable figures for progress lines and summaries. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `'1.5 KiB'`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

/** Bytes over milliseconds → `'1.2 MiB/s'`. */
export function formatRate(bytes: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return '-';
  return `${formatBytes(Math.round((bytes * 1000) / elapsedMs))}/s`;
}
