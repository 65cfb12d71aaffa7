/**
 * `@oss-media/hls`: H.264 (Annex B) and AAC (ADTS) from a camera into MPEG-TS segments and HLS
 * playlists in object storage, live or on demand. Runs wherever JavaScript runs.
 */
export { ADTS_SAMPLE_RATES, type AdtsFrame, AdtsParser, parseAdtsHeader } from './adts.js';
export {
  type AccessUnit,
  AccessUnitAssembler,
  AnnexBSplitter,
  NalType,
  nalType,
} from './annexb.js';
export { crc32Mpeg2 } from './crc32.js';
export { SegmentCipher, sequenceIv } from './encryption.js';
export { HlsError, type HlsErrorCode } from './errors.js';
export { MediaClientStore, type MediaClientStoreOptions } from './media-client-store.js';
export { type ChunkTime, TsMuxer, type TsMuxerOptions, type TsSegment } from './muxer.js';
export {
  type ListedSegment,
  type MediaPlaylist,
  type PlaylistEntry,
  type PlaylistKey,
  PlaylistWindow,
  type PlaylistWindowOptions,
  renderMediaPlaylist,
  targetDurationOf,
} from './playlist.js';
export { BitReader, parseSps, type SequenceParameterSet, unescapeRbsp } from './sps.js';
export { ContentType, MemorySegmentStore, type SegmentStore } from './store.js';
export { FrameClock, type FrameTime } from './timeline.js';
export {
  type PesPacketOptions,
  Pid,
  type ProgramStream,
  patSection,
  pesHeader,
  pmtSection,
  StreamId,
  StreamType,
  TS_CLOCK,
  TS_PACKET_SIZE,
  TsPacketizer,
  writePcr,
  writeTimestamp,
} from './ts.js';
export {
  type EncryptionOptions,
  HlsWriter,
  type HlsWriterOptions,
  type HlsWriterStats,
  relativeUri,
  type UploadRetryOptions,
} from './writer.js';
