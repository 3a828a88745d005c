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

/** The features with {@link FULL_BINS} value bins and their rows' cells, placed in the workspace. */
export interface MissingCells {
  /**
   * The kernel's descriptor (f64 words): the top-bin rows' starts (u32 × (n + 1)) and cells (u16
   * features), a bit per row in any top bin, {@link extras}, the features (i32) and their count.
   */
  readonly desc: number;
  /** Every u8 feature's bitmap of missing rows: feature f's at `bits + f · stride`. */
  readonly bits: number;
  /** Bytes per bitmap (a multiple of 4). */
  readonly stride: number;
  /** Where the missing pairs start in a node histogram (bytes; feature f's at extras + 16 f). */
  readonly extras: number;
  /** The features with {@link FULL_BINS} value bins, ascending. */
  readonly features: Int32Array;
}

/**
 * Places the missing bitmaps and top-bin rows when some numeric feature has {@link FULL_BINS}
 * value bins (`bins[j]`, its cut count), else returns undefined. `binsCol` holds the column-major
 * u8 bins (255 where a value is missing or in the top bin), `histBytes` a node histogram's size
 * before the missing pairs.
 */
export function placeMissingCells(
  ws: Workspace,
  data: {
    columns: readonly ArrayLike<number>[];
    bins: readonly number[];
    binsCol: number;
    histBytes: number;
  },
): MissingCells | undefined {
  const nf = data.columns.length, n = data.columns[0]?.length ?? 0;
  const features = Int32Array.from(data.bins.flatMap((b, j) => (b === FULL_BINS ? [j] : [])));
  if (features.length === 0) return undefined;
  const stride = 4 * Math.ceil(n / 32), bits = ws.alloc(stride * nf), rowBits = ws.alloc(stride);
  const words = ws.i32(bits, (stride / 4) * nf).fill(0), perRow = new Int32Array(n + 1);
  const topRows = ws.i32(rowBits, stride / 4).fill(0), full = new Set(features);
  for (let f = 0; f < nf; f++) {
    const codes = ws.u8(data.binsCol + f * n, n), col = data.columns[f]!, at = (stride / 4) * f;
    for (let i = codes.indexOf(255); i >= 0; i = codes.indexOf(255, i + 1)) {
      if (Number.isNaN(col[i]!)) words[at + (i >>> 5)]! |= 1 << (i & 31);
      else if (full.has(f)) perRow[i + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) {
    if (perRow[i + 1]! > 0) topRows[i >>> 5]! |= 1 << (i & 31);
    perRow[i + 1]! += perRow[i]!;
  }
  const rowStart = ws.alloc(4 * (n + 1)), cells = ws.alloc(2 * Math.max(1, perRow[n]!));
  ws.i32(rowStart, n + 1).set(perRow);
  const out = ws.u16(cells, perRow[n]!), next = perRow.slice(0, n);
  for (const f of features) {
    const codes = ws.u8(data.binsCol + f * n, n), at = (stride / 4) * f;
    for (let i = codes.indexOf(255); i >= 0; i = codes.indexOf(255, i + 1)) {
      if (!((words[at + (i >>> 5)]! >>> (i & 31)) & 1)) out[next[i]!++] = f;
    }
  }
  const list = ws.alloc(4 * features.length), desc = ws.alloc(48);
  ws.i32(list, features.length).set(features);
  const extras = data.histBytes;
  ws.f64(desc, 6).set([rowStart, cells, rowBits, extras, list, features.length]);
  return { desc, bits, stride, extras, features };
}
