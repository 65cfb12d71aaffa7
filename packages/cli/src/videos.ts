/**
 * How the application server sees a camera's objects: plain recordings, and HLS renditions
 * (a playlist plus its segments in one folder) folded into one entry.
 */

/** One object as a listing returns it. */
export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
  /** Normal | Appendable | Multipart | Symlink. */
  objectType: string;
}

/** One row of the page's list. */
export interface VideoEntry {
  /** The key that plays and deletes it: the object, or the playlist of an HLS rendition. */
  key: string;
  camera: string;
  name: string;
  kind: 'file' | 'hls';
  /** A MIME type: video/mp4, application/vnd.apple.mpegurl, video/h264, … */
  type: string;
  /** Bytes; for HLS the playlist and every segment beside it. */
  size: number;
  lastModified: string;
  /** Still being written: an appendable object touched recently, or a playlist without ENDLIST. */
  growing: boolean;
  /** Whether a browser can play it (MP4/WebM directly, HLS through hls.js). */
  playable: boolean;
}

const TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  ts: 'video/mp2t',
  h264: 'video/h264',
  '264': 'video/h264',
  aac: 'audio/aac',
  m3u8: 'application/vnd.apple.mpegurl',
  jpg: 'image/jpeg',
};

const BROWSER_PLAYABLE = new Set(['video/mp4', 'video/webm']);

/** The MIME type a key's extension names, `application/octet-stream` otherwise. */
export function typeOfKey(key: string): string {
  const dot = key.lastIndexOf('.');
  const extension = dot === -1 ? '' : key.slice(dot + 1).toLowerCase();
  return TYPES[extension] ?? 'application/octet-stream';
}

function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/**
 * Groups a listing under `prefix` (`videos/`) into the page's entries. `isLive` says whether
 * a playlist is still growing (the caller reads it); `now` and `growingWindowMs` decide when an
 * appendable object counts as still being written.
 */
export function groupVideos(
  objects: StoredObject[],
  options: { prefix: string; now: number; growingWindowMs: number; liveKeys: ReadonlySet<string> },
): VideoEntry[] {
  const playlists = objects.filter((o) => o.key.endsWith('.m3u8'));
  const hlsFolders = new Map(playlists.map((p) => [folderOf(p.key), p]));
  const entries: VideoEntry[] = [];

  for (const playlist of playlists) {
    const folder = folderOf(playlist.key);
    const members = objects.filter((o) => o.key.startsWith(folder) && !o.key.endsWith('.m3u8'));
    const newest = Math.max(
      playlist.lastModified.getTime(),
      ...members.map((m) => m.lastModified.getTime()),
    );
    entries.push({
      key: playlist.key,
      ...cameraAndName(folder.slice(0, -1), options.prefix),
      kind: 'hls',
      type: TYPES.m3u8!,
      size: members.reduce((sum, m) => sum + m.size, playlist.size),
      lastModified: new Date(newest).toISOString(),
      growing: options.liveKeys.has(playlist.key),
      playable: true,
    });
  }

  for (const object of objects) {
    if (object.key.endsWith('/') || hlsFolders.has(folderOf(object.key))) continue;
    const type = typeOfKey(object.key);
    const age = options.now - object.lastModified.getTime();
    entries.push({
      key: object.key,
      ...cameraAndName(object.key, options.prefix),
      kind: 'file',
      type,
      size: object.size,
      lastModified: object.lastModified.toISOString(),
      growing: object.objectType === 'Appendable' && age < options.growingWindowMs,
      playable: BROWSER_PLAYABLE.has(type),
    });
  }

  return entries.sort((a, b) => b.lastModified.localeCompare(a.lastModified));
}

/** `videos/cam-1/2026/a.mp4` → camera `cam-1`, name `2026/a.mp4`. */
function cameraAndName(key: string, prefix: string): { camera: string; name: string } {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const slash = rest.indexOf('/');
  if (slash === -1) return { camera: '', name: rest };
  return { camera: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** True when a media playlist will not grow any more. */
export function playlistEnded(text: string): boolean {
  return /^#EXT-X-ENDLIST\s*$/m.test(text);
}

/**
 * Rewrites a media playlist so that every segment and key URI becomes an absolute presigned
 * URL: the page then plays a private bucket without holding any credentials.
 */
export async function presignPlaylist(
  text: string,
  playlistKey: string,
  presign: (key: string) => Promise<string>,
): Promise<string> {
  const base = new URL(playlistKey, 'oss://bucket/');
  const keyOf = (uri: string) => decodeURIComponent(new URL(uri, base).pathname.slice(1));
  const isRelative = (uri: string) => !/^[a-z][a-z0-9+.-]*:/i.test(uri);

  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#EXT-X-KEY') || line.startsWith('#EXT-X-MAP')) {
      const uri = /URI="([^"]*)"/.exec(line)?.[1];
      lines.push(
        uri !== undefined && isRelative(uri)
          ? line.replace(`URI="${uri}"`, `URI="${await presign(keyOf(uri))}"`)
          : line,
      );
    } else if (line === '' || line.startsWith('#') || !isRelative(line.trim())) {
      lines.push(line);
    } else {
      lines.push(await presign(keyOf(line.trim())));
    }
  }
  return lines.join('\n');
}
