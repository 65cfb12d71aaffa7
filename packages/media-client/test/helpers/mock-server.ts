/**
 * Starts @oss-media/mock-oss on 127.0.0.1 port 0 and builds clients against it with either
 * transport, so every integration test runs once per transport.
 */
import { createMockOss } from '@oss-media/mock-oss';
import {
  type ClientEvent,
  type ClientOptions,
  createClient,
  fetchTransport,
  type OssClient,
  type Transport,
  undiciTransport,
} from '../../src/node.js';

export const TRANSPORTS = ['fetch', 'undici'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** A seeded generator, so fault patterns repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function startMock(buckets: string[] = ['media', 'videos'], seed = 42) {
  const oss = createMockOss({ buckets, random: seededRandom(seed) });
  await oss.ready;
  const server = await oss.listen({ host: '127.0.0.1', port: 0 });
  const transports: Transport[] = [];
  const events: ClientEvent[] = [];

  function transport(name: TransportName): Transport {
    const made = name === 'fetch' ? fetchTransport() : undiciTransport({ connections: 4 });
    transports.push(made);
    return made;
  }

  /** A client of the mock with the root keys (or other auth), fast retries, events logged. */
  function client(name: TransportName, extra: Partial<ClientOptions> = {}): OssClient {
    return createClient({
      endpoint: server.url,
      auth: oss.credentials,
      transport: transport(name),
      retry: { attempts: 10, baseDelayMs: 2, maxDelayMs: 20 },
      timeoutMs: 10_000,
      onEvent: (event) => events.push(event),
      ...extra,
    });
  }

  async function stop(): Promise<void> {
    await Promise.all(transports.map((t) => t.close?.()));
    await server.close();
    await oss.close();
  }

  return { oss, server, client, events, stop };
}

/** Deterministic pseudo-random bytes, fast enough for tens of MiB. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(length / 4));
  let state = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  for (let i = words.length * 4; i < length; i++) bytes[i] = i & 0xff;
  return bytes;
}
