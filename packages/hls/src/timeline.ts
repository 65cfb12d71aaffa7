/**
 * Timestamps for frames that arrive without one: counted from the last timestamp the caller gave
 * (or 0) in whole frames, so rounding never accumulates into drift.
 */
import { TS_CLOCK } from './ts.js';

/** A presentation and a decoding time on the 90 kHz clock. */
export interface FrameTime {
  pts: number;
  dts: number;
}

/** Assigns 90 kHz times to frames of a constant rate, restarting at every caller timestamp. */
export class FrameClock {
  private base = 0;
  private units = 0;
  private last: FrameTime | undefined;

  /** @param unitsPerSecond frames (video) or samples (audio) per second. */
  constructor(private unitsPerSecond: number) {}

  /** Changes the rate from the next frame on, keeping the timeline continuous. */
  setRate(unitsPerSecond: number): void {
    if (unitsPerSecond === this.unitsPerSecond) return;
    this.base = this.next().dts;
    this.units = 0;
    this.unitsPerSecond = unitsPerSecond;
  }

  /** Ticks one frame of `units` lasts at the current rate. */
  duration(units = 1): number {
    return Math.round((units * TS_CLOCK) / this.unitsPerSecond);
  }

  /**
   * Times the next frame, which lasts `units`; `given` comes from the caller and wins.
   * Without `given.dts`, DTS equals PTS (no reordering).
   */
  stamp(units: number, given?: { pts?: number | undefined; dts?: number | undefined }): FrameTime {
    if (given?.pts !== undefined) {
      const dts = given.dts ?? given.pts;
      this.base = dts;
      this.units = 0;
      this.last = { pts: given.pts, dts };
    } else {
      this.last = this.next();
    }
    this.units += units;
    return this.last;
  }

  private next(): FrameTime {
    const dts = this.base + Math.round((this.units * TS_CLOCK) / this.unitsPerSecond);
    return { pts: dts, dts };
  }
}
