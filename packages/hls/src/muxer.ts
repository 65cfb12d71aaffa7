/**
 * From elementary streams to transport-stream segments: parses H.264 and AAC, times the frames,
 * interleaves the two streams by decoding time, and cuts a segment at the first keyframe once
 * the target duration is reached.
 */
import { type AdtsFrame, AdtsParser } from './adts.js';
import {
  type AccessUnit,
  AccessUnitAssembler,
  AnnexBSplitter,
  NalType,
  nalType,
} from './annexb.js';
import { HlsError, invalidArgument } from './errors.js';
import { parseSps } from './sps.js';
import { FrameClock } from './timeline.js';
import {
  Pid,
  type ProgramStream,
  patSection,
  pesHeader,
  pmtSection,
  StreamId,
  StreamType,
  TS_CLOCK,
  TsPacketizer,
} from './ts.js';

/** Timestamps a caller may give with a chunk, on the 90 kHz clock (milliseconds × 90). */
export interface ChunkTime {
  /** Presentation time of the first frame that starts in this chunk. */
  pts?: number;
  /** Decoding time of that frame; defaults to `pts`. */
  dts?: number;
}

/** Options of {@link TsMuxer}. */
export interface TsMuxerOptions {
  /**
   * The H.264 stream, on by default. `frameRate` times frames that come without a timestamp when
   * the SPS declares no VUI timing (default 25).
   */
  video?: boolean | { frameRate?: number };
  /** The AAC (ADTS) stream, off by default; its frames are timed by their sample rate. */
  audio?: boolean;
  /** Seconds a segment should last at least before it is cut at a keyframe (default 6). */
  targetDuration?: number;
  /** Seconds between PAT/PMT repetitions inside a segment (default 0.5). */
  psiInterval?: number;
  /**
   * Seconds of one stream held back while waiting for the other, so both are written in
   * decoding-time order (default 2). Beyond it, frames are written as they are.
   */
  maxInterleave?: number;
  /** Media sequence number of the first segment (default 0). */
  firstSequence?: number;
  /**
   * Copy the bytes kept past a call (an unfinished picture, frames waiting for the other
   * stream), for callers that reuse their buffers. Off by default: the muxer then keeps views
   * into the chunks until their frames are written, so a chunk must not change after it is
   * passed, as with a chunk enqueued to a web stream.
   */
  copyInput?: boolean;
}

/** One finished transport-stream segment. */
export interface TsSegment {
  /** Media sequence number. */
  sequence: number;
  /** Whole 188-byte packets, starting with PAT and PMT. */
  bytes: Uint8Array;
  /** Duration on the 90 kHz clock: from this segment's first frame to the next segment's. */
  durationTicks: number;
  /** Duration in seconds. */
  duration: number;
  /** Decoding time of the first frame, 90 kHz. */
  startDts: number;
  /** The caller signalled a discontinuity before this segment. */
  discontinuity: boolean;
}

interface Frame {
  video: boolean;
  pts: number;
  dts: number;
  duration: number;
  keyframe: boolean;
  /** Payload pieces; may view a caller's chunk until detached. */
  pieces: Uint8Array[];
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);
const AUD = Uint8Array.of(NalType.AUD, 0xf0); // primary_pic_type 7 (any), stop bit

/**
 * A synchronous H.264/AAC to MPEG-TS segmenter. Feed it chunks of any size; each call returns
 * the segments it finished. Output depends only on the bytes and timestamps fed, not on how the
 * input was cut.
 *
 * @example
 * const muxer = new TsMuxer({ audio: true, targetDuration: 4 });
 * const segments = [...muxer.pushVideo(h264Chunk), ...muxer.pushAudio(aacChunk), ...muxer.close()];
 */
export class TsMuxer {
  /** Video frames dropped because no keyframe had been seen yet (with their audio). */
  droppedFrames = 0;

  private readonly hasVideo: boolean;
  private readonly hasAudio: boolean;
  private readonly targetTicks: number;
  private readonly psiTicks: number;
  private readonly maxInterleaveTicks: number;
  private readonly pcrPid: number;
  private readonly copyInput: boolean;
  private readonly pat: Uint8Array;
  private readonly pmt: Uint8Array;

  private readonly splitter = new AnnexBSplitter();
  private readonly assembler = new AccessUnitAssembler();
  private readonly adts = new AdtsParser();
  private readonly videoClock: FrameClock;
  private readonly audioClock = new FrameClock(48_000);
  private readonly packetizer = new TsPacketizer();
  private readonly videoTimes = new Map<number, ChunkTime>();
  private readonly audioTimes = new Map<number, ChunkTime>();
  private videoChunks = -1;
  private audioChunks = -1;
  private sps: Uint8Array | undefined;
  private pps: Uint8Array | undefined;

  private readonly videoQueue: Frame[] = [];
  private readonly audioQueue: Frame[] = [];
  private sequence: number;
  private segmentOpen = false;
  private segmentStart = 0;
  private lastPsi = 0;
  private lastDriving: Frame | undefined;
  private discontinuityPending = false;
  private segmentDiscontinuity = false;
  private closed = false;

  constructor(options: TsMuxerOptions = {}) {
    const video = options.video ?? true;
    this.hasVideo = video !== false;
    this.hasAudio = options.audio ?? false;
    if (!this.hasVideo && !this.hasAudio)
      invalidArgument('video/audio', 'at least one stream', 'none');

    const frameRate = typeof video === 'object' ? (video.frameRate ?? 25) : 25;
    if (!(frameRate > 0)) invalidArgument('video.frameRate', 'a positive number', frameRate);
    this.videoClock = new FrameClock(frameRate);

    this.targetTicks = seconds('targetDuration', options.targetDuration ?? 6);
    this.psiTicks = seconds('psiInterval', options.psiInterval ?? 0.5);
    this.maxInterleaveTicks = seconds('maxInterleave', options.maxInterleave ?? 2);
    this.sequence = options.firstSequence ?? 0;
    this.copyInput = options.copyInput ?? false;

    const streams: ProgramStream[] = [];
    if (this.hasVideo) streams.push({ streamType: StreamType.H264, pid: Pid.VIDEO });
    if (this.hasAudio) streams.push({ streamType: StreamType.AAC_ADTS, pid: Pid.AUDIO });
    this.pcrPid = this.hasVideo ? Pid.VIDEO : Pid.AUDIO;
    this.pat = patSection(Pid.PMT);
    this.pmt = pmtSection(this.pcrPid, streams);
  }

  /**
   * Feeds H.264 Annex-B bytes, cut anywhere. `time` applies to the first access unit whose
   * start code arrives in this chunk; later ones are timed by the frame rate.
   *
   * @throws {HlsError} `INVALID_STATE` after {@link close} or without a video stream,
   *   `INVALID_ARGUMENT` for a chunk that is not a `Uint8Array`.
   */
  pushVideo(chunk: Uint8Array, time?: ChunkTime): TsSegment[] {
    this.checkOpen(this.hasVideo, 'video', chunk);
    const index = ++this.videoChunks;
    if (time?.pts !== undefined) this.videoTimes.set(index, time);

    this.splitter.push(chunk, (nal, chunkIndex) => {
      const unit = this.assembler.push(nal, chunkIndex);
      if (unit) this.queueVideo(unit);
    });
    if (this.copyInput) this.assembler.detach(chunk);
    return this.drain(chunk, false);
  }

  /**
   * Feeds AAC ADTS bytes, cut anywhere. `time` applies to the first frame that starts in this
   * chunk; later ones are timed by the sample rate.
   *
   * @throws {HlsError} `INVALID_STATE` after {@link close} or without an audio stream,
   *   `INVALID_ARGUMENT` for a chunk that is not a `Uint8Array`.
   */
  pushAudio(chunk: Uint8Array, time?: ChunkTime): TsSegment[] {
    this.checkOpen(this.hasAudio, 'audio', chunk);
    const index = ++this.audioChunks;
    if (time?.pts !== undefined) this.audioTimes.set(index, time);

    for (const frame of this.adts.push(chunk)) this.queueAudio(frame);
    return this.drain(chunk, false);
  }

  /**
   * Marks a discontinuity (new encoder settings, a timestamp jump, a resumed recording): the
   * next keyframe starts a new segment that the playlist precedes with `#EXT-X-DISCONTINUITY`.
   */
  discontinuity(): void {
    this.discontinuityPending = true;
  }

  /** Ends both streams and returns the remaining segments, the last one included. */
  close(): TsSegment[] {
    if (this.closed) return [];
    if (this.hasVideo) {
      this.splitter.flush((nal, chunkIndex) => {
        const unit = this.assembler.push(nal, chunkIndex);
        if (unit) this.queueVideo(unit);
      });
      const last = this.assembler.flush();
      if (last) this.queueVideo(last);
    }
    this.adts.flush();
    this.closed = true;

    const segments = this.drain(undefined, true);
    const last = this.finishSegment(
      this.lastDriving ? this.lastDriving.dts + this.lastDriving.duration : 0,
    );
    if (last) segments.push(last);
    return segments;
  }

  /** Bytes of ADTS input skipped because they held no valid frame. */
  get skippedAudioBytes(): number {
    return this.adts.skippedBytes;
  }

  private checkOpen(hasStream: boolean, name: string, chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) invalidArgument('chunk', 'a Uint8Array', chunk);
    if (this.closed) throw new HlsError('INVALID_STATE', 'the muxer is closed');
    if (!hasStream) throw new HlsError('INVALID_STATE', `the muxer was created without ${name}`);
  }

  private queueVideo(unit: AccessUnit): void {
    for (const nal of unit.nals) {
      const type = nalType(nal);
      if (type === NalType.SPS) this.learnSps(nal);
      else if (type === NalType.PPS) this.pps = nal.slice();
    }
    const time = takeTime(this.videoTimes, unit.chunkIndex);
    const { pts, dts } = this.videoClock.stamp(1, time);
    const pieces = this.videoPayload(unit);
    this.videoQueue.push({
      video: true,
      pts,
      dts,
      duration: this.videoClock.duration(),
      keyframe: unit.keyframe,
      pieces,
    });
  }

  private learnSps(nal: Uint8Array): void {
    if (this.sps && equalBytes(this.sps, nal)) return;
    this.sps = nal.slice();
    const { frameRate } = parseSps(nal);
    if (frameRate !== undefined && frameRate > 0 && frameRate < 1000)
      this.videoClock.setRate(frameRate);
  }

  /**
   * Start codes and NAL units of one access unit, with an AUD first (HLS requires one) and the
   * last SPS/PPS put before a keyframe that lacks them, so every segment decodes on its own.
   */
  private videoPayload(unit: AccessUnit): Uint8Array[] {
    const nals = unit.nals;
    let hasSps = false;
    let hasPps = false;
    for (const nal of nals) {
      const type = nalType(nal);
      if (type === NalType.SPS) hasSps = true;
      else if (type === NalType.PPS) hasPps = true;
    }

    const pieces: Uint8Array[] = [];
    let next = 0;
    if (nalType(nals[0] as Uint8Array) === NalType.AUD) {
      pieces.push(START_CODE, nals[0] as Uint8Array);
      next = 1;
    } else {
      pieces.push(START_CODE, AUD);
    }
    if (unit.keyframe) {
      if (!hasSps && this.sps) pieces.push(START_CODE, this.sps);
      if (!hasPps && this.pps) pieces.push(START_CODE, this.pps);
    }
    for (; next < nals.length; next++) pieces.push(START_CODE, nals[next] as Uint8Array);
    return pieces;
  }

  private queueAudio(frame: AdtsFrame): void {
    this.audioClock.setRate(frame.sampleRate);
    const time = takeTime(this.audioTimes, frame.chunkIndex);
    const { pts, dts } = this.audioClock.stamp(frame.samples, time);
    this.audioQueue.push({
      video: false,
      pts,
      dts,
      duration: this.audioClock.duration(frame.samples),
      keyframe: true,
      pieces: [frame.bytes],
    });
  }

  /** Writes queued frames in decoding-time order as far as both queues allow. */
  private drain(chunk: Uint8Array | undefined, final: boolean): TsSegment[] {
    const segments: TsSegment[] = [];
    for (;;) {
      const frame = this.nextFrame(final);
      if (!frame) break;
      const finished = this.write(frame);
      if (finished) segments.push(finished);
    }
    if (chunk && this.copyInput) {
      detachFrames(this.videoQueue, chunk);
      detachFrames(this.audioQueue, chunk);
    }
    return segments;
  }

  private nextFrame(final: boolean): Frame | undefined {
    const video = this.videoQueue[0];
    const audio = this.audioQueue[0];
    if (video && audio) return (video.dts <= audio.dts ? this.videoQueue : this.audioQueue).shift();
    if (video && (!this.hasAudio || final || this.waitedTooLong(this.videoQueue))) {
      return this.videoQueue.shift();
    }
    if (audio && (!this.hasVideo || final || this.waitedTooLong(this.audioQueue))) {
      return this.audioQueue.shift();
    }
    return undefined;
  }

  private waitedTooLong(queue: Frame[]): boolean {
    const first = queue[0] as Frame;
    const last = queue[queue.length - 1] as Frame;
    return last.dts - first.dts > this.maxInterleaveTicks;
  }

  /** Writes one frame, starting a segment first when due; returns the segment it finished. */
  private write(frame: Frame): TsSegment | undefined {
    const driving = frame.video || !this.hasVideo;
    let finished: TsSegment | undefined;

    if (driving && frame.keyframe && this.segmentDue(frame)) {
      finished = this.finishSegment(frame.dts);
      this.startSegment(frame);
    } else if (!this.segmentOpen) {
      this.droppedFrames += frame.video ? 1 : 0;
      return undefined;
    } else if (frame.dts - this.lastPsi >= this.psiTicks) {
      this.writeTables(frame.dts);
    }

    if (driving) this.lastDriving = frame;
    const streamId = frame.video ? StreamId.VIDEO : StreamId.AUDIO;
    let payloadLength = 0;
    for (const piece of frame.pieces) payloadLength += piece.length;
    const header = pesHeader(streamId, payloadLength, frame.pts, frame.dts, true);
    const pid = frame.video ? Pid.VIDEO : Pid.AUDIO;

    this.packetizer.writePes({
      pid,
      pieces: [header, ...frame.pieces],
      pcr: pid === this.pcrPid ? frame.dts : undefined,
      randomAccess: frame.keyframe,
    });
    return finished;
  }

  private segmentDue(frame: Frame): boolean {
    if (!this.segmentOpen || this.discontinuityPending) return true;
    return frame.dts - this.segmentStart >= this.targetTicks;
  }

  private startSegment(frame: Frame): void {
    this.segmentOpen = true;
    this.segmentStart = frame.dts;
    this.segmentDiscontinuity = this.discontinuityPending;
    this.discontinuityPending = false;
    this.writeTables(frame.dts);
  }

  private writeTables(dts: number): void {
    this.packetizer.writeSection(Pid.PAT, this.pat);
    this.packetizer.writeSection(Pid.PMT, this.pmt);
    this.lastPsi = dts;
  }

  private finishSegment(endDts: number): TsSegment | undefined {
    if (!this.segmentOpen) return undefined;
    this.segmentOpen = false;
    const durationTicks = Math.max(0, endDts - this.segmentStart);
    return {
      sequence: this.sequence++,
      bytes: this.packetizer.take(),
      durationTicks,
      duration: durationTicks / TS_CLOCK,
      startDts: this.segmentStart,
      discontinuity: this.segmentDiscontinuity,
    };
  }
}

/** Seconds to 90 kHz ticks; `Infinity` stays infinite (never cut, never flush early). */
function seconds(name: string, value: number): number {
  if (!(value >= 0)) invalidArgument(name, 'a number of seconds ≥ 0', value);
  return value === Number.POSITIVE_INFINITY ? value : Math.round(value * TS_CLOCK);
}

/** The caller's time for the first frame starting in `chunkIndex`; older entries are spent. */
function takeTime(times: Map<number, ChunkTime>, chunkIndex: number): ChunkTime | undefined {
  if (times.size === 0) return undefined;
  const time = times.get(chunkIndex);
  for (const index of times.keys()) if (index <= chunkIndex) times.delete(index);
  return time;
}

function detachFrames(queue: Frame[], chunk: Uint8Array): void {
  for (const frame of queue) {
    const pieces = frame.pieces;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as Uint8Array;
      if (piece.buffer === chunk.buffer) pieces[i] = piece.slice();
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
