/**
 * Wide categorical features: those with more than 254 categories, whose codes do not fit the u8
 * bins (255 value bins and the missing bin). XGBoost bins a categorical feature one bin per
 * category however many there are; so here such a feature keeps its codes as a u16 column of its
 * own (code `slot − 1` = missing), its u8 bins all say missing (the u8 kernels are unchanged and
 * never split on it), and every node histogram gives it a slot of `slot` bins after the u8
 * features' 4 KiB slots. The kernels read them through `buildHistWide`, `partition` (u16 codes),
 * `addTreeBinned` and `findBestSplit` (its slot table).
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";
import type { MissingCells } from "./missing_cells.ts";

/** Value bins a u8 feature may have (bin 255 is the missing bin). */
export const NARROW_BINS = 255;

/** Most category codes a categorical feature may hold (0 … 65,534; the slot's last bin is missing). */
export const MAX_CATEGORIES = 65_535;

/** Bytes of a u8 feature's histogram slot (256 bins of an f64 pair). */
const NARROW_SLOT_BYTES = 4096;

/** The wide categorical features of a fit, placed in the workspace. */
export interface WideCategories {
  /** Their feature indices, ascending (wide feature k is feature `features[k]`). */
  readonly features: Int32Array;
  /** Their codes: u16, column-major (wide feature k's column at `col + 2 · k · n`). */
  readonly col: number;
  /** Rows (the column length). */
  readonly n: number;
  /** Bins of each wide slot: a multiple of 256 above every wide feature's category count. */
  readonly slot: number;
  /** Per feature (i32): its wide index, or −1. */
  readonly index: number;
  /** Where the wide slots start in a node histogram (bytes: nfeat · 4096). */
  readonly base: number;
}

/**
 * Places the categorical features with more than {@link NARROW_BINS} categories (`bins[j]`: one
 * per code) in the workspace, or returns undefined when there are none. Their codes must already
 * be valid (integers in [0, {@link MAX_CATEGORIES}) or NaN).
 */
export function placeWideCategories(
  ws: Workspace,
  data: {
    columns: readonly ArrayLike<number>[];
    bins: readonly number[];
    categorical: ReadonlySet<number>;
  },
): WideCategories | undefined {
  const nf = data.columns.length, n = data.columns[0]?.length ?? 0;
  const features = Int32Array.from(
    [...data.categorical].filter((j) => data.bins[j]! > NARROW_BINS).sort((a, b) => a - b),
  );
  if (features.length === 0) return undefined;
  const most = Math.max(...Array.from(features, (j) => data.bins[j]!));
  const slot = 256 * Math.ceil((most + 1) / 256), base = nf * NARROW_SLOT_BYTES;
  const col = ws.alloc(2 * n * features.length), index = ws.alloc(4 * nf);
  const idx = ws.i32(index, nf).fill(-1);
  features.forEach((j, k) => {
    idx[j] = k;
    const codes = ws.u16(col + 2 * k * n, n), src = data.columns[j]!;
    for (let i = 0; i < n; i++) codes[i] = Number.isNaN(src[i]!) ? slot - 1 : src[i]!;
  });
  return { features, col, n, slot, index, base };
}

/**
 * Bytes of a node histogram: the u8 features' slots, then the wide ones', then with `missing` a
 * missing pair per feature.
 */
export function nodeHistBytes(
  nfeat: number,
  wide: WideCategories | undefined,
  missing?: MissingCells | undefined,
): number {
  const slots = nfeat * NARROW_SLOT_BYTES + (wide ? wide.features.length * wide.slot * 16 : 0);
  return slots + (missing ? 16 * nfeat : 0);
}

/**
 * Each feature's histogram slot in a node histogram, for the split search (i32 pairs in the
 * workspace: the slot's offset, its missing pair's offset within the slot), or 0 when every
 * feature has the usual 4 KiB slot at f · 4096 with bin 255 missing.
 */
export function placeHistogramSlots(
  ws: Workspace,
  nfeat: number,
  layout: { wide: WideCategories | undefined; missing: MissingCells | undefined },
): number {
  const { wide, missing } = layout;
  if (!wide && !missing) return 0;
  const slots = ws.alloc(8 * nfeat), table = ws.i32(slots, 2 * nfeat);
  for (let f = 0; f < nfeat; f++) table.set([f * NARROW_SLOT_BYTES, 255 * 16], 2 * f);
  wide?.features.forEach((j, k) =>
    table.set([wide.base + k * wide.slot * 16, (wide.slot - 1) * 16], 2 * j)
  );
  missing?.features.forEach((f) =>
    table[2 * f + 1] = missing.extras + 16 * f - f * NARROW_SLOT_BYTES
  );
  return slots;
}

/** The positions [from, to) of the ascending `values` that lie in [lo, hi). */
export function sortedRange(values: Int32Array, lo: number, hi: number): [number, number] {
  let from = 0;
  while (from < values.length && values[from]! < lo) from++;
  let to = from;
  while (to < values.length && values[to]! < hi) to++;
  return [from, to];
}

/** The wide features [k0, k1) among the features [f0, f1) (a thread's share). */
export function wideShare(wide: WideCategories, f0: number, f1: number): [number, number] {
  return sortedRange(wide.features, f0, f1);
}

/**
 * Where a partition reads feature `f`: its column-major u8 bins (`binsCol`, `n` a column) with
 * its bitmap of missing rows when some feature has 256 value bins (`missing`; else 0), or a wide
 * feature's u16 codes with their missing code (0 for a u8 feature).
 */
export function columnOf(
  wide: WideCategories | undefined,
  at: { binsCol: number; n: number; f: number; missing?: MissingCells | undefined },
): { column: number; wideMissing: number; missingBits: number } {
  const k = wide ? wide.features.indexOf(at.f) : -1;
  if (k >= 0) {
    return { column: wide!.col + 2 * k * at.n, wideMissing: wide!.slot - 1, missingBits: 0 };
  }
  const missingBits = at.missing ? at.missing.bits + at.f * at.missing.stride : 0;
  return { column: at.binsCol + at.f * at.n, wideMissing: 0, missingBits };
}

/** The most categories a category set must hold: 256, or the wide slot's size. */
export function categoryCapacity(wide: WideCategories | undefined): number {
  return wide?.slot ?? 256;
}
