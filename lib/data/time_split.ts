/**
 * Out-of-time splits: the latest rows as the test set, and forward-chaining cross-validation
 * (expanding window) with the fold boundaries of scikit-learn's `TimeSeriesSplit`.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { classCounts, type SplitIndices } from "./split.ts";

/**
 * Row indices in time order (ties keep row order).
 *
 * @throws {DataError} when a timestamp is missing.
 */
export function timeOrder(timestamps: Float64Array): Int32Array {
  let missing = 0;
  for (const t of timestamps) if (Number.isNaN(t)) missing++;
  if (missing) {
    throw new DataError(
      `the time split needs a timestamp on every row; ${missing} of ${timestamps.length} have ` +
        `none (a file source needs data.timestampColumn)`,
    );
  }
  const order = Int32Array.from({ length: timestamps.length }, (_, i) => i);
  return order.sort((a, b) => timestamps[a]! - timestamps[b]! || a - b);
}

/**
 * The last `round(share × n)` positions (at least one, and at least one left) as the held-out
 * part, the rest before them; positions 0..n−1 are assumed in time order.
 */
export function latestSplit(n: number, share: number): SplitIndices {
  const k = Math.min(n - 1, Math.max(1, Math.round(share * n)));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return { train: all.slice(0, n - k), test: all.slice(n - k) };
}

/**
 * A train/test split by time: the latest `testSize` share of rows is the test set. Both parts
 * are listed in time order (row indices into `timestamps`), so no test row is earlier than any
 * training row.
 *
 * @throws {DataError} for a missing timestamp, or a part with a single class.
 */
export function timeSplit(
  labels: ArrayLike<number>,
  timestamps: Float64Array,
  testSize: number,
): SplitIndices {
  const order = timeOrder(timestamps);
  const { train, test } = latestSplit(order.length, testSize);
  const split = { train: train.map((p) => order[p]!), test: test.map((p) => order[p]!) };
  const lone = loneClass(labels, split);
  if (lone) {
    throw new DataError(
      `the time split's ${lone.part} part (${lone.rows} rows) has only class ${lone.cls}; ` +
        `change data.testSize or use data.split "stratified"`,
    );
  }
  return split;
}

/**
 * Forward-chaining folds over `n` rows in time order, exactly scikit-learn's
 * `TimeSeriesSplit(n_splits=folds)`: `n // (folds + 1)` rows per test block, the blocks at the
 * end, each fold training on every row before its block.
 *
 * @throws {DataError} when there are fewer rows than folds + 1, or a fold has a single class.
 */
export function timeSeriesFolds(labels: ArrayLike<number>, folds: number): SplitIndices[] {
  const n = labels.length, size = Math.floor(n / (folds + 1));
  if (size < 1) {
    throw new DataError(
      `forward-chaining CV needs more rows than folds + 1 (${n} rows, ${folds} folds)`,
    );
  }
  const out: SplitIndices[] = [];
  for (let start = n - folds * size; start < n; start += size) {
    const fold = {
      train: Int32Array.from({ length: start }, (_, i) => i),
      test: Int32Array.from({ length: size }, (_, i) => start + i),
    };
    const lone = loneClass(labels, fold);
    if (lone) {
      throw new DataError(
        `forward-chaining fold ${out.length + 1} has only class ${lone.cls} in its ${lone.part} ` +
          `rows (${lone.rows}); lower data.cvFolds or use more samples`,
      );
    }
    out.push(fold);
  }
  return out;
}

/** The first part of a split (training, then test) whose rows hold one class only. */
function loneClass(
  labels: ArrayLike<number>,
  split: SplitIndices,
): { part: "training" | "test"; rows: number; cls: number } | undefined {
  for (const [part, rows] of [["training", split.train], ["test", split.test]] as const) {
    const [neg, pos] = classCounts(Array.from(rows, (i) => labels[i]!));
    if (neg === 0 || pos === 0) return { part, rows: rows.length, cls: pos ? 1 : 0 };
  }
  return undefined;
}
