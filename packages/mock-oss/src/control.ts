import type { FaultSpec } from './faults.js';
import type { MockRequest, MockResponse } from './http.js';
import type { MockOss } from './mock.js';
import { readSmallBody } from './operations/context.js';

/**
 * The test controls over HTTP, under `/_mock/` (never signed; do not expose the mock publicly):
 *
 * - `POST /_mock/reset`
 * - `GET /_mock/clock`, `POST /_mock/clock` with `{"set": <ISO or ms>}` or `{"advance": <ms>}`
 * - `GET /_mock/faults`, `POST /_mock/faults` with a fault (`key` a glob, or `keyRegex`),
 *   `DELETE /_mock/faults`, `DELETE /_mock/faults/<id>`
 * - `GET /_mock/requests` (filters: `operation`, `bucket`, `key`), `DELETE /_mock/requests`
 * - `GET /_mock/info`: credentials, role ARNs, region, STS path
 */
export async function handleControl(raw: MockRequest, server: MockOss): Promise<MockResponse> {
  const route = raw.path.replace(/^\/_mock\/?/, '').replace(/\/$/, '');
  const method = raw.method.toUpperCase();
  try {
    if (route === 'reset' && method === 'POST') {
      await server.reset();
      return json(200, { ok: true });
    }
    if (route === 'clock') {
      if (method === 'POST') {
        const body = (await readJson(raw)) as { set?: string | number; advance?: number };
        if (body.set !== undefined) server.clock.set(body.set);
        if (body.advance !== undefined) server.clock.advance(Number(body.advance));
      }
      const now = server.clock.now();
      return json(200, { now: new Date(now).toISOString(), ms: now });
    }
    if (route === 'faults') {
      if (method === 'GET') return json(200, server.faults.list().map(serializeFault));
      if (method === 'DELETE') {
        server.faults.clear();
        return json(200, { ok: true });
      }
      if (method === 'POST') {
        const body = (await readJson(raw)) as FaultSpec & { keyRegex?: string };
        const { keyRegex, ...spec } = body;
        if (keyRegex !== undefined) spec.key = new RegExp(keyRegex);
        return json(200, { id: server.faults.add(spec) });
      }
    }
    const faultId = /^faults\/(\d+)$/.exec(route)?.[1];
    if (faultId !== undefined && method === 'DELETE') {
      return json(server.faults.remove(Number(faultId)) ? 200 : 404, { ok: true });
    }
    if (route === 'requests') {
      if (method === 'DELETE') {
        server.requests.clear();
        return json(200, { ok: true });
      }
      const filter = new URLSearchParams(raw.rawQuery);
      const entries = server.requests.list(
        (entry) =>
          entry.operation !== 'MockControl' &&
          [...filter].every(
            ([name, value]) =>
              String((entry as unknown as Record<string, unknown>)[name]) === value,
          ),
      );
      return json(200, entries);
    }
    if (route === 'info' || route === '') {
      return json(200, {
        region: server.region,
        credentials: server.credentials,
        roleArns: server.roleArns,
        stsEndpointPath: server.stsEndpointPath,
      });
    }
    return json(404, { error: `no control endpoint ${method} /_mock/${route}` });
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}

function serializeFault(fault: ReturnType<MockOss['faults']['list']>[number]): unknown {
  return fault.key instanceof RegExp
    ? { ...fault, key: undefined, keyRegex: fault.key.source }
    : fault;
}

async function readJson(raw: MockRequest): Promise<unknown> {
  const bytes = await readSmallBody(raw.body, 64 * 1024);
  const text = new TextDecoder().decode(bytes);
  return text.trim() === '' ? {} : JSON.parse(text);
}

function json(status: number, value: unknown): MockResponse {
  const body = new TextEncoder().encode(JSON.stringify(value));
  return {
    status,
    headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength) },
    body,
  };
}
