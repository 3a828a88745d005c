/**
 * A fixed, seeded synthetic benchmark set for tree models: standard-normal features with a share
 * of missing values and a non-linear logistic signal, used by tests and benchmarks alike.
 *
 * @module
 */

import { Rng } from "../../lib/util/rng.ts";
import { Frame } from "../../lib/data/frame.ts";

/** A labeled frame. */
export interface Dataset {
  /** Feature columns `f0`, `f1`, …. */
  readonly frame: Frame;
  /** 0/1 labels. */
  readonly labels: Uint8Array;
}

/**
 * `rows × features` standard-normal features with `missing` share of NaN and a non-linear
 * logistic signal on the first five features (sine, square, a step and an interaction).
 *
 * @example
 * ```ts
 * const { frame, labels } = nonLinear(100_000, 30, 1);
 * ```
 */
export function nonLinear(rows: number, features: number, seed: number, missing = 0.05): Dataset {
  const rng = new Rng(seed);
  const cols = Array.from({ length: features }, () => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  const v = (x: number, fill: number) => (Number.isNaN(x) ? fill : x);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) cols[j]![i] = rng.next() < missing ? NaN : rng.normal();
    const [a, b, c, d, e] = [0, 1, 2, 3, 4].map((j) => cols[j]![i]!);
    const z = Math.sin(2 * v(a!, 0.25)) + v(b!, 0) ** 2 - 1 + (v(c!, 0) > 0.5 ? 1.5 : 0) +
      0.3 * v(d!, 0) * v(e!, 0);
    labels[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { frame: new Frame(cols.map((_, j) => `f${j}`), cols), labels };
}

/** The benchmark's datasets: plain numbers, with categorical columns, with row weights. */
export const DATASETS = ["plain", "categorical", "weighted"] as const;

/** A dataset name. */
export type DatasetName = typeof DATASETS[number];

/** Category counts of the categorical set's first columns (one bin per category; 1,000 is wide). */
export const CATEGORY_COUNTS = [10, 100, 1000] as const;

/** A labeled frame with what the dataset adds: categorical columns, row weights. */
export interface BenchDataset extends Dataset {
  /** Names of the categorical columns (integer codes). */
  readonly categorical: readonly string[];
  /** Row weights, for the weighted set. */
  readonly weights?: Float64Array;
}

/**
 * One of {@link DATASETS}: `plain` is {@link nonLinear}; `categorical` replaces its first columns by
 * codes of 10, 100 and 1,000 categories, each category with its own seeded effect on the label;
 * `weighted` is `plain` with row weights (positives 3, the rest 0.5–1.5, seeded).
 */
export function benchDataset(
  name: DatasetName,
  size: { rows: number; features: number },
  seed: number,
): BenchDataset {
  const base = nonLinear(size.rows, size.features, seed, 0.05);
  if (name === "plain") return { ...base, categorical: [] };
  const rng = new Rng(seed + 1000);
  if (name === "weighted") {
    const weights = Float64Array.from(base.labels, (y) => (y ? 3 : 0.5 + rng.next()));
    return { ...base, categorical: [], weights };
  }
  const k = Math.min(CATEGORY_COUNTS.length, size.features);
  const effects = CATEGORY_COUNTS.slice(0, k).map((n, j) => {
    const r = new Rng(77 + j); // the same category effects for every part of the data
    return Float64Array.from({ length: n }, () => r.normal());
  });
  const cols = base.frame.columns.map((c) => Float64Array.from(c));
  const labels = new Uint8Array(size.rows);
  for (let i = 0; i < size.rows; i++) {
    let z = -0.5 + 0.8 * (Number.isNaN(cols[k]![i]!) ? 0 : cols[k]![i]!);
    for (let j = 0; j < k; j++) {
      const code = rng.int(CATEGORY_COUNTS[j]!);
      cols[j]![i] = code;
      z += effects[j]![code]!;
    }
    labels[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const names = base.frame.names;
  return { frame: new Frame([...names], cols), labels, categorical: names.slice(0, k) };
}
