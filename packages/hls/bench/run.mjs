// Muxing throughput of @oss-media/hls against the limit of copying the same bytes.
// `npm run bench -w @oss-media/hls [-- --quick] [-- --json <file>]`, after a build.
//
// Input: the sample camera recording the tests use (../shared/fixtures/media-c-sample, nine
// H.264 and nine AAC files joined: 4.5 MB, 35 s of 720p), else the small demo recording the
// project ships (packages/cli/sample), else a synthetic stream. Both cases get the same chunks
// (64 KiB of video and a matching share of audio, taking turns); the reference copies each chunk
// into a new output buffer, the least any muxer must do with every input byte. Throughput is
// input MB/s; the ratio mux/copy is what counts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsMuxer } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const jsonIndex = process.argv.indexOf('--json');
const jsonFile = jsonIndex > 0 ? process.argv[jsonIndex + 1] : undefined;
const TARGET = 0.3;

function loadInput() {
  const camera = join(here, '../../../../shared/fixtures/media-c-sample/live');
  if (existsSync(join(camera, 'video/1.h264'))) {
    const read = (kind, extension) =>
      Buffer.concat(
        [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) =>
          readFileSync(join(camera, kind, `${n}.${extension}`)),
        ),
      );
    return {
      name: 'media-c-sample live (H.264 720p + AAC)',
      video: new Uint8Array(read('video', 'h264')),
      audio: new Uint8Array(read('audio', 'aac')),
    };
  }
  const sample = join(here, '../../cli/sample');
  if (existsSync(join(sample, 'sample.h264')) && existsSync(join(sample, 'sample.aac'))) {
    return {
      name: 'cli/sample (H.264 + AAC)',
      video: new Uint8Array(readFileSync(join(sample, 'sample.h264'))),
      audio: new Uint8Array(readFileSync(join(sample, 'sample.aac'))),
    };
  }
  return { name: 'synthetic', video: syntheticVideo(), audio: new Uint8Array(0) };
}

/** 500 pictures of 4 KiB without zero bytes, a keyframe every 50, 4-byte start codes. */
function syntheticVideo() {
  const out = [];
  for (let i = 0; i < 500; i++) {
    const header = i % 50 === 0 ? [0x65, 0x88] : [0x41, 0x88];
    const body = Array.from({ length: 4096 }, (_, k) => 1 + ((i * 31 + k * 7) % 255));
    out.push(0, 0, 0, 1, 9, 0xf0, 0, 0, 0, 1, ...header, ...body);
  }
  return Uint8Array.from(out);
}

function chunks(bytes, size) {
  const out = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    out.push(bytes.subarray(offset, offset + size));
  return out;
}

/**
 * The calls of one pass: 64 KiB of video and the same share of the audio taking turns, so both
 * streams advance together as they do when a camera delivers them.
 */
function schedule(input) {
  const video = chunks(input.video, 64 * 1024);
  const audio = chunks(input.audio, Math.ceil(input.audio.length / video.length) || 1);
  const calls = [];
  for (let i = 0; i < Math.max(video.length, audio.length); i++) {
    if (video[i]) calls.push({ video: true, bytes: video[i] });
    if (audio[i]) calls.push({ video: false, bytes: audio[i] });
  }
  return calls;
}

function muxPass(calls, hasAudio) {
  const muxer = new TsMuxer({ audio: hasAudio, targetDuration: 4 });
  let out = 0;
  for (const call of calls) {
    const segments = call.video ? muxer.pushVideo(call.bytes) : muxer.pushAudio(call.bytes);
    for (const segment of segments) out += segment.bytes.length;
  }
  for (const segment of muxer.close()) out += segment.bytes.length;
  return out;
}

function copyPass(calls, total) {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const call of calls) {
    out.set(call.bytes, offset);
    offset += call.bytes.length;
  }
  return out[offset - 1];
}

/** MB/s of one timing: `pass` repeated until at least `minMs` have passed. */
function rate(pass, bytes, minMs) {
  let repeats = 0;
  let elapsed = 0;
  const start = performance.now();
  do {
    pass();
    repeats++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (bytes * repeats) / 1e6 / (elapsed / 1000);
}

/** Median and relative spread (max − min over median). */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { median, spread: (sorted[sorted.length - 1] - sorted[0]) / median };
}

const input = loadInput();
const calls = schedule(input);
const total = input.video.length + input.audio.length;
const hasAudio = input.audio.length > 0;
const runs = quick ? 7 : 21;
const minMs = quick ? 100 : 300;

for (let i = 0; i < 3; i++) {
  muxPass(calls, hasAudio);
  copyPass(calls, total);
}
// Copy and mux take turns, and each run yields its own ratio, so a load spike on this shared
// machine hits both sides of a ratio alike.
const copyRates = [];
const muxRates = [];
const ratios = [];
for (let run = 0; run < runs; run++) {
  const c = rate(() => copyPass(calls, total), total, minMs);
  const m = rate(() => muxPass(calls, hasAudio), total, minMs);
  copyRates.push(c);
  muxRates.push(m);
  ratios.push(m / c);
}
const copy = summary(copyRates);
const mux = summary(muxRates);
const ratio = summary(ratios).median;
const pass = ratio >= TARGET;

const rows = [
  {
    case: 'copy the input (reference)',
    median: copy.median,
    unit: 'MB/s',
    spread: copy.spread,
    ratios: {},
    target: null,
    pass: null,
  },
  {
    case: 'mux H.264 + AAC into TS segments',
    median: mux.median,
    unit: 'MB/s',
    spread: mux.spread,
    ratios: { copy: ratio },
    target: `≥ ${TARGET}× copy`,
    pass,
  },
];

console.log(`@oss-media/hls: ${input.name}, ${(total / 1e6).toFixed(2)} MB per pass, ${runs} runs`);
console.log('case                               MB/s    spread   ×copy   target       result');
for (const row of rows) {
  const r = row.ratios.copy;
  console.log(
    [
      row.case.padEnd(34),
      row.median.toFixed(0).padStart(6),
      `${(row.spread * 100).toFixed(0)}%`.padStart(8),
      (r === undefined ? '' : r.toFixed(3)).padStart(7),
      (row.target ?? '').padStart(12),
      row.pass === null ? '' : row.pass ? 'PASS' : 'FAIL',
    ].join('  '),
  );
}
if (jsonFile)
  writeFileSync(jsonFile, `${JSON.stringify({ name: '@oss-media/hls', rows }, null, 2)}\n`);
