import { OssError } from '../errors.js';
import type { ObjectMeta } from '../store/types.js';

function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((item) => item.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((item) => item === '*' || item.toUpperCase() === etag);
}

// HTTP dates have second precision; compare the object's time truncated to seconds.
function modifiedAfter(meta: ObjectMeta, header: string): boolean | undefined {
  const since = Date.parse(header);
  if (Number.isNaN(since)) return undefined;
  return Math.floor(meta.lastModified / 1000) * 1000 > since;
}

/**
 * Evaluates conditional headers (`if-match`, `if-none-match`, `if-modified-since`,
 * `if-unmodified-since`, or the `x-oss-copy-source-if-*` forms) against an object.
 * Returns true when the answer is 304 Not Modified; unparseable dates are ignored.
 *
 * @throws OssError PreconditionFailed (412) when If-Match or If-Unmodified-Since fails.
 */
export function evaluateConditions(
  headers: Record<string, string>,
  meta: ObjectMeta,
  prefix: 'if-' | 'x-oss-copy-source-if-',
): boolean {
  const match = headers[`${prefix}match`];
  const noneMatch = headers[`${prefix}none-match`];
  const modifiedSince = headers[`${prefix}modified-since`];
  const unmodifiedSince = headers[`${prefix}unmodified-since`];

  if (match !== undefined && !etagMatches(match, meta.etag))
    throw preconditionFailed(`${prefix}match`);
  if (match === undefined && unmodifiedSince !== undefined) {
    if (modifiedAfter(meta, unmodifiedSince) === true) {
      throw preconditionFailed(`${prefix}unmodified-since`);
    }
  }
  if (noneMatch !== undefined) return etagMatches(noneMatch, meta.etag);
  if (modifiedSince !== undefined) return modifiedAfter(meta, modifiedSince) === false;
  return false;
}

function preconditionFailed(condition: string): OssError {
  return new OssError(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold.',
    {
      Condition: condition.replace(
        /(^|-)([a-z])/g,
        (_, dash: string, c: string) => dash + c.toUpperCase(),
      ),
    },
  );
}

/**
 * Parses a Range header against an object of `size` bytes (protocol §5). Returns the byte span
 * `[start, end)` to send with 206, or undefined to send the whole object with 200.
 * By default anything invalid or unsatisfiable is ignored; in standard behaviour an end past the
 * size is clamped and a start at or past the size is an error.
 *
 * @throws OssError InvalidRange (416) in standard behaviour when the range cannot be satisfied.
 */
export function parseRange(
  header: string | undefined,
  size: number,
  standard: boolean,
): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;

  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return unsatisfiable(standard, size, header);
    if (suffix > size) return standard && size > 0 ? { start: 0, end: size } : undefined;
    return { start: size - suffix, end: size };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) return undefined;
  if (start >= size) return unsatisfiable(standard, size, header);
  if (end >= size)
    return standard ? { start, end: size } : last === '' ? { start, end: size } : undefined;
  return { start, end: end + 1 };
}

function unsatisfiable(standard: boolean, size: number, header: string): undefined {
  if (standard) {
    throw new OssError('InvalidRange', 'The requested range cannot be satisfied', {
      RangeRequested: header.slice(0, 128),
      ActualObjectSize: String(size),
    });
  }
  return undefined;
}
