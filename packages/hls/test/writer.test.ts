import { describe, expect, it } from 'vitest';
import {
  HlsWriter,
  type HlsWriterOptions,
  MemorySegmentStore,
  relativeUri,
  type SegmentStore,
} from '../src/index.js';
import { makeAdts, makeH264 } from './helpers/streams.js';

const noWait = { sleep: async () => {} };

/** Eight seconds at 25 fps with a keyframe every 2 s. */
const video = makeH264({ frames: 200, gop: 50, frameRate: 25, aud: true, sliceBytes: 60 });

/** A store that fails the calls `shouldFail` picks, and records every call. */
class FlakyStore implements SegmentStore {
  readonly inner = new MemorySegmentStore();
  readonly calls: string[] = [];

  constructor(public shouldFail: (operation: string, key: string) => boolean) {}

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.calls.push(`put ${key}`);
    if (this.shouldFail('put', key)) throw new Error(`injected failure: put ${key}`);
    await this.inner.put(key, bytes, contentType);
  }

  async delete(key: string): Promise<void> {
    this.calls.push(`delete ${key}`);
    if (this.shouldFail('delete', key)) throw new Error(`injected failure: delete ${key}`);
    await this.inner.delete(key);
  }
}

function writer(options: Partial<HlsWriterOptions> & Pick<HlsWriterOptions, 'store'>): HlsWriter {
  return new HlsWriter({
    playlistKey: 'cam/live.m3u8',
    targetDuration: 2,
    retry: noWait,
    ...options,
  });
}

describe('HlsWriter', () => {
  it('stores each segment, then the playlist that lists it, with content types', async () => {
    const store = new FlakyStore(() => false);
    const hls = writer({ store });
    await hls.pushVideo(video);
    await hls.close();

    // The push finishes three segments (cuts at 2, 4 and 6 s) and lists them in one write;
    // close finishes the fourth.
    expect(store.calls).toEqual([
      'put cam/live-0.ts',
      'put cam/live-1.ts',
      'put cam/live-2.ts',
      'put cam/live.m3u8',
      'put cam/live-3.ts',
      'put cam/live.m3u8',
    ]);
    expect(store.inner.objects.get('cam/live-0.ts')?.contentType).toBe('video/mp2t');
    expect(store.inner.objects.get('cam/live.m3u8')?.contentType).toBe(
      'application/vnd.apple.mpegurl',
    );
    const playlist = new TextDecoder().decode(store.inner.objects.get('cam/live.m3u8')?.bytes);
    expect(playlist).toBe(hls.playlist);
    expect(playlist.match(/^live-\d\.ts$/gm)).toEqual([
      'live-0.ts',
      'live-1.ts',
      'live-2.ts',
      'live-3.ts',
    ]);
    expect(playlist).toContain('#EXT-X-TARGETDURATION:2\n');
    expect(hls.stats).toMatchObject({ segments: 4, playlistWrites: 2, retries: 0 });
  });

  it('retries a failed segment upload and lists it once stored', async () => {
    let failures = 2;
    const store = new FlakyStore(
      (op, key) => op === 'put' && key.endsWith('-1.ts') && failures-- > 0,
    );
    const hls = writer({ store });
    await hls.pushVideo(video);
    await hls.close();
    expect(store.calls.filter((c) => c === 'put cam/live-1.ts')).toHaveLength(3);
    expect(hls.stats.retries).toBe(2);
    expect(hls.playlist).toContain('live-1.ts');
  });

  it(
    'never skips a segment: a call fails, the segment ' +
      'stays first in line, the next call stores it',
    async () => {
      let storeDown = false;
      const store = new FlakyStore((op, key) => storeDown && op === 'put' && key.endsWith('.ts'));
      const delays: number[] = [];
      const hls = writer({
        store,
        retry: { attempts: 3, delayMs: 100, sleep: async (ms) => void delays.push(ms) },
      });

      await hls.pushVideo(video.subarray(0, video.length / 4)); // segment 0 not finished yet
      storeDown = true;
      const failing = hls.pushVideo(video.subarray(video.length / 4, video.length / 2));
      await expect(failing).rejects.toMatchObject({
        code: 'SEGMENT_UPLOAD_FAILED',
        cause: expect.any(Error),
      });
      expect(delays).toEqual([100, 200]);
      expect(hls.playlist).not.toContain('live-0.ts');

      storeDown = false;
      await hls.pushVideo(video.subarray(video.length / 2));
      await hls.close();
      expect(hls.playlist.match(/^live-\d\.ts$/gm)).toEqual([
        'live-0.ts',
        'live-1.ts',
        'live-2.ts',
        'live-3.ts',
      ]);
    },
  );

  it('reports a playlist that cannot be stored and rewrites it at the next call', async () => {
    let down = true;
    const store = new FlakyStore((_op, key) => down && key.endsWith('.m3u8'));
    const hls = writer({ store });
    await expect(hls.pushVideo(video.subarray(0, video.length / 2))).rejects.toMatchObject({
      code: 'PLAYLIST_UPLOAD_FAILED',
    });
    down = false;
    await hls.pushVideo(video.subarray(video.length / 2));
    await hls.close();
    expect(hls.playlist).toContain('#EXT-X-ENDLIST');
    expect(hls.playlist.match(/\.ts$/gm)).toHaveLength(4);
  });

  it(
    'keeps a live window and deletes what left it, ' + 'after the playlist without it is stored',
    async () => {
      const store = new FlakyStore(() => false);
      const hls = writer({ store, kind: 'live', windowSize: 2, deleteOldSegments: true });
      await hls.pushVideo(video);
      await hls.close();
      expect([...store.inner.objects.keys()].sort()).toEqual([
        'cam/live-2.ts',
        'cam/live-3.ts',
        'cam/live.m3u8',
      ]);
      expect(hls.playlist).toContain('#EXT-X-MEDIA-SEQUENCE:2\n');
      const deleteAt = store.calls.indexOf('delete cam/live-0.ts');
      expect(store.calls.slice(deleteAt - 2, deleteAt)).toEqual([
        'put cam/live-2.ts',
        'put cam/live.m3u8',
      ]);
      expect(hls.stats.deletedSegments).toBe(2);
    },
  );

  it('keeps removed segments a little longer when asked', async () => {
    const store = new FlakyStore(() => false);
    const hls = writer({
      store,
      kind: 'live',
      windowSize: 1,
      deleteOldSegments: true,
      keepRemovedSegments: 1,
    });
    await hls.pushVideo(video);
    await hls.close();
    expect([...store.inner.objects.keys()].sort()).toEqual([
      'cam/live-2.ts',
      'cam/live-3.ts',
      'cam/live.m3u8',
    ]);
  });

  it('reports at close a segment that could not be deleted, and retries it', async () => {
    let down = true;
    const store = new FlakyStore((op) => down && op === 'delete');
    const hls = writer({ store, kind: 'live', windowSize: 3, deleteOldSegments: true });
    await hls.pushVideo(video);
    await expect(hls.close()).rejects.toMatchObject({ code: 'DELETE_FAILED' });
    down = false;
    await hls.close();
    expect(store.inner.objects.has('cam/live-0.ts')).toBe(false);
  });

  it(
    'writes URIs from the caller, ' + 'e.g. absolute or presigned, fresh at each playlist write',
    async () => {
      let signature = 0;
      const hls = writer({
        store: new MemorySegmentStore(),
        segmentUri: (key) => `https://bucket.example.com/${key}?Signature=${++signature}`,
      });
      await hls.pushVideo(video);
      await hls.close();
      expect(hls.playlist).toContain('https://bucket.example.com/cam/live-0.ts?Signature=');
      expect(signature).toBe(3 + 4); // two playlist writes, listing 3 and then 4 segments
    },
  );

  it('puts segment keys where the caller says and links them relatively', async () => {
    const hls = writer({
      store: new MemorySegmentStore(),
      segmentKey: (n) => `cam/segments/day 1/${n}.ts`,
    });
    await hls.pushVideo(video);
    await hls.close();
    expect(hls.playlist).toContain('\nsegments/day%201/0.ts\n');
  });

  it('precedes the segment after a discontinuity with EXT-X-DISCONTINUITY', async () => {
    const hls = writer({ store: new MemorySegmentStore(), targetDuration: 10 });
    await hls.pushVideo(video.subarray(0, video.length / 2));
    hls.discontinuity();
    await hls.pushVideo(video.subarray(video.length / 2));
    await hls.close();
    expect(hls.playlist).toContain('#EXT-X-DISCONTINUITY\n#EXTINF:4.000,\nlive-1.ts');
  });

  it('serializes calls that were not awaited', async () => {
    const store = new MemorySegmentStore();
    const hls = writer({ store, audio: true });
    const audio = makeAdts(62 * 8);
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 8; i++) {
      calls.push(
        hls.pushVideo(video.subarray((i * video.length) / 8, ((i + 1) * video.length) / 8)),
      );
      calls.push(
        hls.pushAudio(audio.subarray((i * audio.length) / 8, ((i + 1) * audio.length) / 8)),
      );
    }
    calls.push(hls.close());
    await Promise.all(calls);
    expect(hls.playlist.match(/\.ts$/gm)).toHaveLength(4);
    await expect(hls.pushVideo(video)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('stores the key object before the first segment when encrypting', async () => {
    const store = new FlakyStore(() => false);
    const key = new Uint8Array(16).fill(7);
    const hls = writer({
      store,
      encryption: { key, keyUri: 'https://keys.example.com/k1', keyObjectKey: 'keys/k1' },
    });
    await hls.pushVideo(video);
    await hls.close();
    expect(store.calls[0]).toBe('put keys/k1');
    expect(store.inner.objects.get('keys/k1')?.bytes).toEqual(key);
    const encrypted = store.inner.objects.get('cam/live-0.ts')?.bytes as Uint8Array;
    expect(encrypted.length % 16).toBe(0); // CBC blocks, PKCS#7 padded
    expect(encrypted[0]).not.toBe(0x47);
    expect(hls.playlist).toContain(
      '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k1",IV=0x',
    );
  });

  it('checks its arguments', () => {
    expect(() => new HlsWriter({ playlistKey: 'x.m3u8' } as HlsWriterOptions)).toThrow(/store/);
    expect(() => writer({ store: new MemorySegmentStore(), playlistKey: '' })).toThrow(
      /playlistKey/,
    );
    expect(() =>
      writer({
        store: new MemorySegmentStore(),
        encryption: { key: new Uint8Array(8), keyUri: 'k' },
      }),
    ).toThrow(/16 bytes/);
  });
});

describe('relativeUri', () => {
  it('links siblings, children and cousins', () => {
    expect(relativeUri('cam/live.m3u8', 'cam/live-1.ts')).toBe('live-1.ts');
    expect(relativeUri('cam/live.m3u8', 'cam/2026/1.ts')).toBe('2026/1.ts');
    expect(relativeUri('a/b/live.m3u8', 'a/c/1.ts')).toBe('../c/1.ts');
    expect(relativeUri('live.m3u8', 'x y/1.ts')).toBe('x%20y/1.ts');
  });
});
