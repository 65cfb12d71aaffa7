/**
 * A tiny in-memory OSS behind a Transport, for unit tests of the client's own logic. It keeps
 * objects (bytes, type, CRC) and answers PUT, POST ?append, HEAD, GET (ranges) and DELETE with
 * the service's headers and error XML. It checks no signature; the real server side is
 * @oss-media/mock-oss, used by the integration tests.
 */
import { crc64, crc64ToString, toBase64 } from '@oss-media/oss-sign';
import type { Transport, TransportRequest, TransportResponse } from '../../src/transport.js';

export interface FakeObject {
  bytes: Uint8Array;
  type: 'Normal' | 'Appendable';
}

/** What a scripted fault does to one request. */
export type Fault =
  | { kind: 'status'; status: number; code: string } // answered with an error, not applied
  | { kind: 'reset' } // no answer, not applied
  | { kind: 'drop' } // applied, then no answer
  | { kind: 'respond'; response: TransportResponse }; // a canned answer, not applied

export class FakeOss {
  readonly objects = new Map<string, FakeObject>();
  readonly log: TransportRequest[] = [];
  /** Decides a fault for each request (undefined = none). */
  fault: (request: TransportRequest) => Fault | undefined = () => undefined;
  /** Overrides the CRC the service reports after a write. */
  reportCrc: ((actual: bigint) => bigint) | undefined;
  private requestCount = 0;

  readonly transport: Transport = async (request) => {
    this.log.push(request);
    const fault = this.fault(request);
    if (fault?.kind === 'reset') throw new Error('socket hang up');
    if (fault?.kind === 'status') return this.error(fault.status, fault.code, '');
    if (fault?.kind === 'respond') return fault.response;
    const response = this.handle(request);
    if (fault?.kind === 'drop') throw new Error('other side closed');
    return response;
  };

  put(name: string, bytes: Uint8Array, type: FakeObject['type'] = 'Normal'): void {
    this.objects.set(name, { bytes, type });
  }

  bytes(name: string): Uint8Array | undefined {
    return this.objects.get(name)?.bytes;
  }

  private handle(request: TransportRequest): TransportResponse {
    const url = new URL(request.url);
    const [, bucket, ...rest] = url.pathname.split('/');
    const name = `${bucket}/${decodeURIComponent(rest.join('/'))}`;
    const object = this.objects.get(name);
    const header = (n: string) =>
      Object.entries(request.headers).find(([k]) => k.toLowerCase() === n)?.[1];

    switch (request.method) {
      case 'PUT': {
        const bytes = request.body ?? new Uint8Array(0);
        this.objects.set(name, { bytes, type: 'Normal' });
        return this.ok({ etag: '"E"', 'x-oss-hash-crc64ecma': this.crcText(bytes) });
      }
      case 'POST': {
        const position = Number(url.searchParams.get('position'));
        const current = object?.bytes ?? new Uint8Array(0);
        if (object !== undefined && object.type !== 'Appendable') {
          return this.error(409, 'ObjectNotAppendable', name);
        }
        if (position !== current.length) {
          return this.error(409, 'PositionNotEqualToLength', name, {
            'x-oss-next-append-position': String(current.length),
          });
        }
        const body = request.body ?? new Uint8Array(0);
        const bytes = new Uint8Array(current.length + body.length);
        bytes.set(current);
        bytes.set(body, current.length);
        this.objects.set(name, { bytes, type: 'Appendable' });
        return this.ok({
          'x-oss-next-append-position': String(bytes.length),
          'x-oss-hash-crc64ecma': this.crcText(bytes),
        });
      }
      case 'HEAD': {
        if (object === undefined) {
          const xml = errorXml('NoSuchKey', name);
          return {
            status: 404,
            headers: { 'x-oss-err': toBase64(new TextEncoder().encode(xml)) },
            body: new Uint8Array(0),
          };
        }
        return this.ok(this.objectHeaders(object, object.bytes.length));
      }
      case 'GET': {
        if (object === undefined) return this.error(404, 'NoSuchKey', name);
        const range = /bytes=(\d+)-(\d*)/.exec(header('range') ?? '');
        const size = object.bytes.length;
        if (range === null) {
          return { ...this.ok(this.objectHeaders(object, size)), body: object.bytes };
        }
        const start = Number(range[1]);
        if (start >= size) {
          if (header('x-oss-range-behavior') === 'standard') {
            return this.error(416, 'InvalidRange', name);
          }
          return { ...this.ok(this.objectHeaders(object, size)), body: object.bytes };
        }
        const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
        const body = object.bytes.slice(start, end + 1);
        return {
          status: 206,
          headers: {
            ...this.objectHeaders(object, body.length),
            'content-range': `bytes ${start}-${end}/${size}`,
          },
          body,
        };
      }
      case 'DELETE':
        this.objects.delete(name);
        return { status: 204, headers: this.ids(), body: new Uint8Array(0) };
      default:
        return this.error(405, 'MethodNotAllowed', name);
    }
  }

  private objectHeaders(object: FakeObject, contentLength: number): Record<string, string> {
    const headers: Record<string, string> = {
      'content-length': String(contentLength),
      etag: '"E"',
      'last-modified': 'Thu, 03 Dec 2026 10:00:00 GMT',
      'x-oss-object-type': object.type,
      'x-oss-hash-crc64ecma': this.crcText(object.bytes),
    };
    if (object.type === 'Appendable') {
      headers['x-oss-next-append-position'] = String(object.bytes.length);
    }
    return headers;
  }

  private crcText(bytes: Uint8Array): string {
    const actual = crc64(bytes);
    return crc64ToString(this.reportCrc ? this.reportCrc(actual) : actual);
  }

  private ids(): Record<string, string> {
    this.requestCount += 1;
    return { 'x-oss-request-id': `REQ${String(this.requestCount).padStart(21, '0')}` };
  }

  private ok(headers: Record<string, string>): TransportResponse {
    return { status: 200, headers: { ...this.ids(), ...headers }, body: new Uint8Array(0) };
  }

  error(
    status: number,
    code: string,
    key: string,
    headers: Record<string, string> = {},
  ): TransportResponse {
    return {
      status,
      headers: { ...this.ids(), 'content-type': 'application/xml', ...headers },
      body: new TextEncoder().encode(errorXml(code, key)),
    };
  }
}

export function errorXml(code: string, key: string, extra = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' +
    code +
    '</Code><Message>fake ' +
    code +
    '</Message><RequestId>XMLREQID</RequestId><HostId>fake</HostId><Key>' +
    key +
    '</Key>' +
    extra +
    '</Error>'
  );
}

/** Deterministic pseudo-random bytes. */
export function randomBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

export const CREDENTIALS = { accessKeyId: 'AKID', accessKeySecret: 'SECRET' };

/** Byte equality without vitest's element-by-element deep comparison (slow on MiBs). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
