/**
 * Just enough of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1 and Annex E.1.1) to
 * learn the picture size and the frame rate the encoder declared in its VUI timing info.
 */

/** What this package reads from a sequence parameter set. */
export interface SequenceParameterSet {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  width: number;
  height: number;
  /** Frames per second from VUI timing info, or `undefined` when the SPS carries none. */
  frameRate: number | undefined;
}

/**
 * Removes emulation-prevention bytes (`00 00 03` → `00 00`), turning a NAL unit payload into
 * its raw byte sequence payload (H.264 §7.4.1).
 */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let length = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const byte = nal[i] as number;
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** Reads bits most significant first, with the Exp-Golomb codes of H.264 §9.1. */
export class BitReader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Reads one bit; past the end it reads zeros, so a truncated SPS gives odd values, no crash. */
  bit(): number {
    const byte = this.bytes[this.position >>> 3] ?? 0;
    const bit = (byte >>> (7 - (this.position & 7))) & 1;
    this.position++;
    return bit;
  }

  /** Reads `count` bits (up to 32) as an unsigned number. */
  bits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 2 + this.bit();
    return value;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let leadingZeros = 0;
    while (this.bit() === 0) {
      if (++leadingZeros > 31) return 0;
    }
    return 2 ** leadingZeros - 1 + this.bits(leadingZeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const code = this.ue();
    return code & 1 ? (code + 1) / 2 : -code / 2;
  }
}

const PROFILES_WITH_CHROMA_INFO = new Set([
  100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135,
]);

/**
 * Parses an SPS NAL unit (including its one-byte NAL header).
 *
 * @example parseSps(spsNal).frameRate // 25 for time_scale 50 and num_units_in_tick 1
 */
export function parseSps(nal: Uint8Array): SequenceParameterSet {
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  r.ue(); // seq_parameter_set_id

  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  if (PROFILES_WITH_CHROMA_INFO.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.bit();
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.bit(); // qpprime_y_zero_transform_bypass_flag
    if (r.bit()) skipScalingMatrix(r, chromaFormatIdc === 3 ? 12 : 8);
  }

  r.ue(); // log2_max_frame_num_minus4
  skipPictureOrderCount(r);
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit(); // mb_adaptive_frame_field_flag
  r.bit(); // direct_8x8_inference_flag

  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.bit()) {
    crop.left = r.ue();
    crop.right = r.ue();
    crop.top = r.ue();
    crop.bottom = r.ue();
  }

  // Crop units per Table 6-1 and equations 7-19 to 7-22.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 0 ? 1 : chromaFormatIdc === 3 ? 1 : 2;
  const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
  const width = widthInMbs * 16 - cropUnitX * (crop.left + crop.right);
  const height = heightInMapUnits * 16 * (2 - frameMbsOnly) - cropUnitY * (crop.top + crop.bottom);

  const frameRate = r.bit() ? readVuiFrameRate(r) : undefined;
  return { profileIdc, constraintFlags, levelIdc, width, height, frameRate };
}

function skipScalingMatrix(r: BitReader, lists: number): void {
  for (let i = 0; i < lists; i++) {
    if (!r.bit()) continue;
    const size = i < 6 ? 16 : 64;
    let last = 8;
    let next = 8;
    for (let j = 0; j < size && next !== 0; j++) {
      next = (last + r.se() + 256) % 256;
      last = next === 0 ? last : next;
    }
  }
}

function skipPictureOrderCount(r: BitReader): void {
  const type = r.ue();
  if (type === 0) {
    r.ue(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (type === 1) {
    r.bit(); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    for (let i = 0; i < cycle; i++) r.se();
  }
}

/** Annex E.1.1 up to timing_info; frame rate = time_scale / (2 × num_units_in_tick) (E-37). */
function readVuiFrameRate(r: BitReader): number | undefined {
  if (r.bit()) {
    const aspectRatioIdc = r.bits(8);
    if (aspectRatioIdc === 255) r.bits(32); // sar_width, sar_height
  }
  if (r.bit()) r.bit(); // overscan_appropriate_flag
  if (r.bit()) {
    r.bits(4); // video_format, video_full_range_flag
    if (r.bit()) r.bits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
  }
  if (r.bit()) {
    r.ue(); // chroma_sample_loc_type_top_field
    r.ue(); // chroma_sample_loc_type_bottom_field
  }
  if (!r.bit()) return undefined;
  const numUnitsInTick = r.bits(32);
  const timeScale = r.bits(32);
  if (numUnitsInTick === 0 || timeScale === 0) return undefined;
  return timeScale / (2 * numUnitsInTick);
}
