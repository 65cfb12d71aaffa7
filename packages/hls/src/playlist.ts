/**
 * HLS media playlists (RFC 8216 §4.3): what a player reads to find the segments, rendered from
 * plain data, and the bookkeeping of a growing (VOD/event) or sliding (live) list.
 */
import { invalidArgument } from './errors.js';
import { TS_CLOCK } from './ts.js';

/** `#EXT-X-KEY` of a segment encrypted with AES-128. */
export interface PlaylistKey {
  /** Where a player fetches the 16-byte key. */
  uri: string;
  /** Initialization vector, 16 bytes. */
  iv: Uint8Array;
}

/** One `#EXTINF` line and the tags that precede it. */
export interface PlaylistEntry {
  /** Segment URI as the player should request it. */
  uri: string;
  /** Duration on the 90 kHz clock. */
  durationTicks: number;
  discontinuity: boolean;
  key?: PlaylistKey | undefined;
}

/** Everything a media playlist says. */
export interface MediaPlaylist {
  /** `#EXT-X-TARGETDURATION`, whole seconds. */
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  /** `EVENT` while a recording grows, `VOD` once it is closed; absent for live. */
  playlistType?: 'EVENT' | 'VOD' | undefined;
  entries: readonly PlaylistEntry[];
  endList: boolean;
}

/**
 * `#EXT-X-TARGETDURATION` for segments of these durations: the longest, rounded up to whole
 * seconds, so no segment exceeds it (RFC 8216 §4.3.3.1).
 */
export function targetDurationOf(durationsTicks: Iterable<number>, minimum = 1): number {
  let longest = 0;
  for (const ticks of durationsTicks) longest = Math.max(longest, ticks);
  return Math.max(minimum, Math.ceil(longest / TS_CLOCK));
}

/**
 * Renders a media playlist. Version 3 covers decimal `#EXTINF` durations and the `IV`
 * attribute.
 *
 * @example renderMediaPlaylist({ targetDuration: 4, mediaSequence: 0, discontinuitySequence: 0,
 *   entries: [{ uri: 'segment-0.ts', durationTicks: 360000, discontinuity: false }],
 *   endList: true })
 */
export function renderMediaPlaylist(playlist: MediaPlaylist): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${playlist.targetDuration}`];
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${playlist.mediaSequence}`);
  if (playlist.discontinuitySequence > 0) {
    lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${playlist.discontinuitySequence}`);
  }
  if (playlist.playlistType) lines.push(`#EXT-X-PLAYLIST-TYPE:${playlist.playlistType}`);

  let lastKey: string | undefined;
  for (const entry of playlist.entries) {
    if (entry.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    const key = entry.key ? keyTag(entry.key) : '#EXT-X-KEY:METHOD=NONE';
    if (key !== lastKey && (entry.key || lastKey !== undefined)) lines.push(key);
    lastKey = key;
    lines.push(`#EXTINF:${(entry.durationTicks / TS_CLOCK).toFixed(3)},`, entry.uri);
  }
  if (playlist.endList) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

function keyTag(key: PlaylistKey): string {
  if (key.uri.includes('"') || /[\r\n]/.test(key.uri))
    invalidArgument('key.uri', 'a URI without quotes', key.uri);
  return `#EXT-X-KEY:METHOD=AES-128,URI="${key.uri}",IV=0x${hex(key.iv)}`;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** A segment as the playlist bookkeeping knows it. */
export interface ListedSegment extends PlaylistEntry {
  sequence: number;
  /** Object key in the store. */
  objectKey: string;
}

/** Options of {@link PlaylistWindow}. */
export interface PlaylistWindowOptions {
  /** `vod` keeps every segment; `live` keeps the last `windowSize`. */
  kind: 'vod' | 'live';
  /** Entries a live playlist lists (default 5). */
  windowSize?: number;
}

/**
 * Keeps the list of segments a playlist shows. Live lists slide: each segment that leaves the
 * window advances the media sequence (and the discontinuity sequence when it carried a
 * discontinuity) and is returned so its object can be deleted. `#EXT-X-TARGETDURATION` is the
 * longest segment ever listed, so it never shrinks while players are watching.
 */
export class PlaylistWindow {
  private readonly entries: ListedSegment[] = [];
  private mediaSequence = 0;
  private discontinuitySequence = 0;
  private longest = 0;
  private ended = false;
  private readonly windowSize: number;

  constructor(private readonly options: PlaylistWindowOptions) {
    this.windowSize = options.windowSize ?? 5;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) {
      invalidArgument('windowSize', 'an integer ≥ 1', options.windowSize);
    }
  }

  /** Adds a segment; returns the segments that left the window. */
  add(segment: ListedSegment): ListedSegment[] {
    if (this.entries.length === 0) this.mediaSequence = segment.sequence;
    this.entries.push(segment);
    this.longest = Math.max(this.longest, segment.durationTicks);
    if (this.options.kind === 'vod') return [];

    const removed = this.entries.splice(0, Math.max(0, this.entries.length - this.windowSize));
    for (const old of removed) {
      this.mediaSequence = old.sequence + 1;
      // A discontinuity tag leaving the list is counted so sequence numbers stay aligned
      // (RFC 8216 §4.3.3.3).
      if (old.discontinuity) this.discontinuitySequence++;
    }
    // The first listed segment's discontinuity tag stays: it still separates it from the
    // segment before it, which players may hold.
    return removed;
  }

  /** Marks the end: the next rendering carries `#EXT-X-ENDLIST`. */
  end(): void {
    this.ended = true;
  }

  /** The segments currently listed, oldest first. */
  get listed(): readonly ListedSegment[] {
    return this.entries;
  }

  /** The playlist as a player should see it now. */
  render(): string {
    const vod = this.options.kind === 'vod';
    return renderMediaPlaylist({
      targetDuration: targetDurationOf([this.longest]),
      mediaSequence: this.mediaSequence,
      discontinuitySequence: this.discontinuitySequence,
      playlistType: vod ? (this.ended ? 'VOD' : 'EVENT') : undefined,
      entries: this.entries,
      endList: this.ended,
    });
  }
}
