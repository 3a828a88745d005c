/**
 * Features with 256 value bins, XGBoost's default `max_bin`: their u8 bin 255 is both the top
 * value bin and the missing bin. The kernels tell the two apart from a bitmap per feature (a bit
 * per row, set where the value is missing) and, for histograms, from a list of the rows in a top
 * bin: a node histogram holds such a feature's missing pair apart from its bins (16 bytes per
 * feature after the u8 and wide slots), so its scan sees 256 value bins and the missing values as
 * XGBoost's does (kernel `missing.ts`, `splitTopBins`). Top bins hold few rows (about one in 256
 * per feature), so listing them, not the missing values, keeps that work small.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";

/** Value bins a u8 feature holds when its bin 255 is a value bin too. */
export const FULL_BINS = 256;

/** Every u8 feature's bitmap of missing rows, for a fit where some feature has 256 value bins. */
export interface MissingBits {
  /** Feature f's bitmap at `bits + f · stride` (zeroed; the binning sets its NaN rows' bits). */
  readonly bits: number;
  /** Bytes per bitmap (a multiple of 4). */
  readonly stride: number;
  /** The features with {@link FULL_BINS} value bins, ascending. */
  readonly features: Int32Array;
}

/** The bitmaps with the rows in a top bin listed, placed in the workspace. */
export interface MissingCells extends MissingBits {
  /**
   * The kernels' descriptor (f64 words): the top-bin rows' starts (u32 × (n + 1)) and cells (u16
   * features), a bit per row in any top bin, {@link extras}, the features (i32) and their count,
   * {@link bits} and {@link stride}.
   */
  readonly desc: number;
  /** Where the missing pairs start in a node histogram (bytes; feature f's at extras + 16 f). */
  readonly extras: number;
}

/**
 * Zeroed missing bitmaps for `n` rows when some numeric feature has {@link FULL_BINS} value bins
 * (`bins[j]`, its cut count; 0 for a wide one), else undefined. The binning marks the missing rows
 * (`OP_MARK_MISSING`) before {@link placeMissingCells} reads them.
 */
export function placeMissingBits(
  ws: Workspace,
  data: { n: number; bins: readonly number[] },
): MissingBits | undefined {
  const features = Int32Array.from(data.bins.flatMap((b, j) => (b === FULL_BINS ? [j] : [])));
  if (features.length === 0) return undefined;
  const stride = 4 * Math.ceil(data.n / 32), bits = ws.alloc(stride * data.bins.length);
  ws.i32(bits, (stride / 4) * data.bins.length).fill(0);
  return { bits, stride, features };
}

/**
 * The rows in a top bin of each feature with {@link FULL_BINS} value bins, listed from the
 * column-major u8 bins (`binsCol`, `n` a column; 255 where a value is missing or in the top bin)
 * and the marked bitmaps; `histBytes` is a node histogram's size before the missing pairs.
 */
export function placeMissingCells(
  ws: Workspace,
  missing: MissingBits,
  data: { binsCol: number; n: number; histBytes: number },
): MissingCells {
  const { bits, stride, features } = missing, { binsCol, n } = data;
  const list = ws.alloc(4 * features.length), rowStart = ws.alloc(4 * (n + 1));
  const rowBits = ws.alloc(stride), desc = ws.alloc(64);
  ws.i32(list, features.length).set(features);
  const found = [binsCol, n, list, features.length, bits, stride, rowStart] as const;
  const total = ws.k.countTopCells(...found, rowBits), cells = ws.alloc(2 * Math.max(1, total));
  ws.k.fillTopCells(...found, cells);
  const extras = data.histBytes;
  ws.f64(desc, 8).set([rowStart, cells, rowBits, extras, list, features.length, bits, stride]);
  return { desc, bits, stride, extras, features };
}
