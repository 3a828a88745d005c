/**
 * Seeded stratified splits: a train/test split and stratified k-fold, both keeping each
 * class's share in every part.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { Rng } from "../util/rng.ts";

/** Row indices of a train part and a held-out part. */
export interface SplitIndices {
  /** Training rows, ascending. */
  readonly train: Int32Array;
  /** Held-out rows (test set or validation fold), ascending. */
  readonly test: Int32Array;
}

/**
 * Checks that binary labels can be trained on: at least one row and both classes present.
 *
 * @throws {DataError} for an empty set or a single class, with the counts found.
 */
export function assertTrainableLabels(labels: ArrayLike<number>, what = "the data"): void {
  const [neg, pos] = classCounts(labels);
  if (labels.length === 0) throw new DataError(`${what} is empty: no rows to train on`);
  if (neg === 0 || pos === 0) {
    throw new DataError(
      `${what} has only one class (${pos === 0 ? 0 : 1}) in ${labels.length} rows; ` +
        `training needs both fraud (1) and legitimate (0) examples`,
    );
  }
}

/** Counts of label 0 and label 1. */
export function classCounts(labels: ArrayLike<number>): [number, number] {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i] === 1 ? 1 : 0;
  return [labels.length - pos, pos];
}

/**
 * A seeded stratified train/test split: each class contributes `round(testSize × count)` rows to
 * the test part (at least one, and at least one left for training).
 *
 * @throws {DataError} when a class has fewer than 2 rows.
 * @example Hold out a fifth of each class
 * ```ts
 * import { stratifiedSplit } from "./split.ts";
 * const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
 * const { train, test } = stratifiedSplit(labels, 0.2, 42);
 * test.length; // 3: two of the eight 0s and one of the two 1s
 * train.length; // 7
 * ```
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testSize: number,
  seed: number,
): SplitIndices {
  assertTrainableLabels(labels);
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx = rng.shuffle(indicesOf(labels, cls));
    if (idx.length < 2) {
      throw new DataError(
        `class ${cls} has ${idx.length} row(s); a train/test split needs at least 2 per class`,
      );
    }
    const nTest = Math.min(idx.length - 1, Math.max(1, Math.round(testSize * idx.length)));
    for (let i = 0; i < idx.length; i++) (i < nTest ? test : train).push(idx[i]!);
  }
  return { train: sorted(train), test: sorted(test) };
}

/**
 * Seeded stratified k-fold: rows of each class are shuffled and dealt to the folds in turn,
 * continuing across classes, so folds differ in size by at most one row per class.
 *
 * @throws {DataError} when a class has fewer rows than folds.
 * @example Three folds, each with a third of each class
 * ```ts
 * import { stratifiedKFold } from "./split.ts";
 * const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1];
 * for (const { train, test } of stratifiedKFold(labels, 3, 42)) {
 *   console.log(train.length, test.length); // 6 3: two 0s and one 1 held out per fold
 * }
 * ```
 */
export function stratifiedKFold(
  labels: ArrayLike<number>,
  folds: number,
  seed: number,
): SplitIndices[] {
  assertTrainableLabels(labels);
  const rng = new Rng(seed);
  const member = new Int32Array(labels.length);
  let offset = 0;
  for (const cls of [0, 1]) {
    const idx = rng.shuffle(indicesOf(labels, cls));
    if (idx.length < folds) {
      throw new DataError(
        `too few rows per fold: class ${cls} has ${idx.length} row(s), fewer than the ` +
          `${folds} folds; lower data.cvFolds or use more samples`,
      );
    }
    for (let i = 0; i < idx.length; i++) member[idx[i]!] = (offset + i) % folds;
    offset = (offset + idx.length) % folds;
  }
  const out: SplitIndices[] = [];
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < labels.length; i++) (member[i] === f ? test : train).push(i);
    out.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return out;
}

function indicesOf(labels: ArrayLike<number>, cls: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === cls) out.push(i);
  return Int32Array.from(out);
}

function sorted(values: number[]): Int32Array {
  return Int32Array.from(values).sort();
}
