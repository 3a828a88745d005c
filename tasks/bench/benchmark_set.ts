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
