/**
 * Imputation of missing values, fitted on training rows only and applied to any frame.
 *
 * @module
 */

import { Frame } from "./frame.ts";

/** How a missing value is filled: the training column's median, mean, or zero. */
export type ImputeStrategy = "median" | "mean" | "zero";

/** Fill values learned from training data, one per column. */
export interface Imputer {
  /** The strategy used. */
  readonly strategy: ImputeStrategy;
  /** Column names, in order. */
  readonly names: readonly string[];
  /** Fill value per column (0 for a column with no present values). */
  readonly values: Float64Array;
}

/**
 * Learns fill values from `frame` (missing values ignored).
 *
 * @example Fill missing amounts with the training median
 * ```ts
 * import { Frame } from "./frame.ts";
 * import { applyImputer, fitImputer } from "./impute.ts";
 * const train = new Frame(["amount"], [Float64Array.of(1, 3, NaN, 10)]);
 * const imputer = fitImputer(train, "median"); // amount: 3
 * const test = new Frame(["amount"], [Float64Array.of(NaN, 7)]);
 * applyImputer(imputer, test).column("amount"); // Float64Array [3, 7]
 * ```
 */
export function fitImputer(frame: Frame, strategy: ImputeStrategy): Imputer {
  const values = new Float64Array(frame.width);
  frame.columns.forEach((col, j) => {
    if (strategy === "zero") return;
    const present = col.filter((v) => !Number.isNaN(v));
    if (present.length === 0) return;
    if (strategy === "mean") {
      let s = 0;
      for (const v of present) s += v;
      values[j] = s / present.length;
    } else {
      present.sort();
      const m = present.length >> 1;
      values[j] = present.length % 2 ? present[m]! : (present[m - 1]! + present[m]!) / 2;
    }
  });
  return { strategy, names: frame.names, values };
}

/** A copy of `frame` with each NaN replaced by its column's fill value. */
export function applyImputer(imputer: Imputer, frame: Frame): Frame {
  const cols = imputer.names.map((name, j) => {
    const src = frame.column(name);
    const fill = imputer.values[j]!;
    const dst = src.slice();
    for (let i = 0; i < dst.length; i++) if (Number.isNaN(dst[i]!)) dst[i] = fill;
    return dst;
  });
  return new Frame(imputer.names, cols);
}

/** Indices of rows with no missing value in any column. */
export function completeRows(frame: Frame): Int32Array {
  const keep: number[] = [];
  outer: for (let i = 0; i < frame.rows; i++) {
    for (const col of frame.columns) if (Number.isNaN(col[i]!)) continue outer;
    keep.push(i);
  }
  return Int32Array.from(keep);
}
