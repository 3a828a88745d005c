/**
 * Splits that keep query groups whole (ranking): a seeded share of the groups is the test set,
 * and k-fold CV deals shuffled groups to the folds, so no group is on both sides.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { Rng } from "../util/rng.ts";
import type { SplitIndices } from "./split.ts";

/** The distinct groups of `groups` (each row's group number), ascending. */
function distinctGroups(groups: ArrayLike<number>): Int32Array {
  return Int32Array.from(new Set(Array.from(groups))).sort();
}

/** Each group's side: the seeded shuffle of the distinct groups, dealt by `side(position)`. */
function dealGroups(
  groups: ArrayLike<number>,
  deal: { seed: number; side: (position: number) => number },
): Map<number, number> {
  const order = new Rng(deal.seed).shuffle(distinctGroups(groups));
  return new Map(Array.from(order, (g, k) => [g, deal.side(k)]));
}

/** Rows of the groups on side `fold` are the test part, the others training (both ascending). */
function rowsBy(groups: ArrayLike<number>, side: Map<number, number>, fold: number): SplitIndices {
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < groups.length; i++) (side.get(groups[i]!) === fold ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/**
 * A seeded train/test split of whole groups (any group numbers): `round(testSize × groups)` of them (at least one, and
 * at least one left for training) are the test part.
 *
 * @throws {DataError} with fewer than 2 groups.
 * @example Hold out a quarter of four groups
 * ```ts
 * import { groupSplit } from "./group_split.ts";
 * const { train, test } = groupSplit([0, 0, 1, 1, 1, 2, 3, 3], 0.25, 42);
 * train.length + test.length; // 8, and no group on both sides
 * ```
 */
export function groupSplit(
  groups: ArrayLike<number>,
  testSize: number,
  seed: number,
): SplitIndices {
  const n = distinctGroups(groups).length;
  if (n < 2) throw new DataError(`${n} query group(s): a train/test split needs at least 2`);
  const nTest = Math.min(n - 1, Math.max(1, Math.round(testSize * n)));
  return rowsBy(groups, dealGroups(groups, { seed, side: (k) => (k < nTest ? 1 : 0) }), 1);
}

/**
 * Seeded group k-fold: shuffled groups dealt to the folds in turn (folds differ by at most one
 * group).
 *
 * @throws {DataError} with fewer groups than folds.
 */
export function groupKFold(groups: ArrayLike<number>, folds: number, seed: number): SplitIndices[] {
  const n = distinctGroups(groups).length;
  if (n < folds) {
    throw new DataError(
      `${n} query group(s) to train on for ${folds} CV folds: lower data.cvFolds or use more groups`,
    );
  }
  const side = dealGroups(groups, { seed, side: (k) => k % folds });
  return Array.from({ length: folds }, (_, f) => rowsBy(groups, side, f));
}
