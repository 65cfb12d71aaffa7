import type { ConnectionFlags } from '../config.js';
import { publishHls } from '../hls-adapter.js';
import { type Io, println } from '../io.js';
import { parseOssUrl } from '../url.js';
import { withOperations } from './connect.js';
import { fileSize } from './upload.js';

/** The flags of `oss-media hls`. */
export interface HlsFlags extends ConnectionFlags {
  audio?: string;
  live?: boolean;
  fps: number;
  segmentSeconds: number;
  window: number;
  fast?: boolean;
  quiet?: boolean;
}

/** `oss-media hls VIDEO.h264 [--audio A.aac] oss://bucket/prefix [--live]`. */
export async function hlsCommand(
  video: string,
  target: string,
  options: HlsFlags,
  io: Io,
): Promise<void> {
  const { bucket, key } = parseOssUrl(target, { requireKey: true });
  await fileSize(video);
  if (options.audio !== undefined) await fileSize(options.audio);
  const prefix = key.endsWith('/') ? key : `${key}/`;

  const result = await withOperations(options, io, (oss) =>
    publishHls(oss, {
      bucket,
      prefix,
      video,
      ...(options.audio === undefined ? {} : { audio: options.audio }),
      live: options.live === true,
      fps: options.fps,
      segmentSeconds: options.segmentSeconds,
      window: options.window,
      ...(options.fast ? { paceMs: 0 } : {}),
    }),
  );
  println(
    io.stdout,
    `published ${result.segments} segments to oss://${bucket}/${result.playlistKey}`,
  );
}
