import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnnexBSplitter, nalType, parseSps, unescapeRbsp } from '../src/index.js';
import { makeSps } from './helpers/streams.js';
import { missing, SAMPLE_DIR } from './helpers/tools.js';

describe('sequence parameter set', () => {
  it('reads size and the VUI frame rate (time_scale / 2·num_units_in_tick)', () => {
    expect(parseSps(makeSps(320, 240, 30))).toMatchObject({
      profileIdc: 66,
      width: 320,
      height: 240,
      frameRate: 30,
    });
  });

  it('reports no frame rate when the SPS has no VUI', () => {
    expect(parseSps(makeSps(640, 360)).frameRate).toBeUndefined();
  });

  it('applies cropping to the height', () => {
    expect(parseSps(makeSps(1920, 1080, 25))).toMatchObject({ width: 1920, height: 1080 });
  });

  it('removes emulation prevention bytes', () => {
    expect(unescapeRbsp(Uint8Array.of(1, 0, 0, 3, 0, 0, 3, 1))).toEqual(
      Uint8Array.of(1, 0, 0, 0, 0, 1),
    );
  });

  it.skipIf(missing('samples') !== undefined)(
    'reads the sample camera SPS: High 3.1, 1280×720, 25 fps',
    () => {
      const bytes = new Uint8Array(readFileSync(join(SAMPLE_DIR, 'live/video/1.h264')));
      let sps: Uint8Array | undefined;
      new AnnexBSplitter().push(bytes, (nal) => {
        if (!sps && nalType(nal) === 7) sps = nal.slice();
      });
      expect(parseSps(sps as Uint8Array)).toMatchObject({
        profileIdc: 100,
        levelIdc: 31,
        width: 1280,
        height: 720,
        frameRate: 25,
      });
    },
  );
});
