import { describe, expect, it } from 'vitest';
import {
  type ListedSegment,
  PlaylistWindow,
  renderMediaPlaylist,
  sequenceIv,
  targetDurationOf,
} from '../src/index.js';

const segment = (sequence: number, seconds: number, discontinuity = false): ListedSegment => ({
  sequence,
  objectKey: `live-${sequence}.ts`,
  uri: `live-${sequence}.ts`,
  durationTicks: Math.round(seconds * 90_000),
  discontinuity,
});

describe('media playlist', () => {
  it('renders a finished VOD playlist', () => {
    const text = renderMediaPlaylist({
      targetDuration: 5,
      mediaSequence: 0,
      discontinuitySequence: 0,
      playlistType: 'VOD',
      entries: [segment(0, 4), segment(1, 4.04), segment(2, 1.5)],
      endList: true,
    });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:5',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXTINF:4.000,',
        'live-0.ts',
        '#EXTINF:4.040,',
        'live-1.ts',
        '#EXTINF:1.500,',
        'live-2.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('rounds the target duration up from the longest segment', () => {
    expect(targetDurationOf([360_000, 363_600, 90_000])).toBe(5);
    expect(targetDurationOf([360_000])).toBe(4);
    expect(targetDurationOf([])).toBe(1);
  });

  it('writes an EXT-X-KEY with the IV before each encrypted segment', () => {
    const text = renderMediaPlaylist({
      targetDuration: 4,
      mediaSequence: 7,
      discontinuitySequence: 0,
      entries: [{ ...segment(7, 4), key: { uri: 'k.key', iv: sequenceIv(7) } }],
      endList: false,
    });
    expect(text).toContain(
      '#EXT-X-KEY:METHOD=AES-128,URI="k.key",IV=0x00000000000000000000000000000007\n' +
        '#EXTINF:4.000,\nlive-7.ts',
    );
  });
});

describe('playlist window', () => {
  it('lists every segment of a VOD, as EVENT until it ends', () => {
    const window = new PlaylistWindow({ kind: 'vod' });
    for (let i = 0; i < 8; i++) expect(window.add(segment(i, 4))).toEqual([]);
    expect(window.render()).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(window.render()).not.toContain('ENDLIST');
    window.end();
    expect(window.render()).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(window.render().match(/#EXTINF/g)).toHaveLength(8);
    expect(window.render().endsWith('#EXT-X-ENDLIST\n')).toBe(true);
  });

  it('slides a live window, advancing the media sequence and returning what left', () => {
    const window = new PlaylistWindow({ kind: 'live', windowSize: 3 });
    const left: number[] = [];
    for (let i = 0; i < 6; i++) left.push(...window.add(segment(i, 4)).map((s) => s.sequence));
    expect(left).toEqual([0, 1, 2]);
    const text = window.render();
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:3\n');
    expect(text).not.toContain('PLAYLIST-TYPE');
    expect(text.match(/live-\d\.ts/g)).toEqual(['live-3.ts', 'live-4.ts', 'live-5.ts']);
  });

  it('counts discontinuities that leave the window in EXT-X-DISCONTINUITY-SEQUENCE', () => {
    const window = new PlaylistWindow({ kind: 'live', windowSize: 2 });
    window.add(segment(0, 4));
    window.add(segment(1, 4, true));
    window.add(segment(2, 4));
    expect(window.render()).toContain('#EXT-X-DISCONTINUITY\n#EXTINF:4.000,\nlive-1.ts');
    expect(window.render()).not.toContain('DISCONTINUITY-SEQUENCE');
    window.add(segment(3, 4));
    expect(window.render()).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
  });

  it('never lowers the target duration while live', () => {
    const window = new PlaylistWindow({ kind: 'live', windowSize: 1 });
    window.add(segment(0, 6.2));
    window.add(segment(1, 4));
    expect(window.render()).toContain('#EXT-X-TARGETDURATION:7\n');
  });

  it('rejects a window smaller than one', () => {
    expect(() => new PlaylistWindow({ kind: 'live', windowSize: 0 })).toThrow(/windowSize/);
  });
});
