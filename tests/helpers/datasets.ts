/**
 * Seeded synthetic datasets for model tests, and their exchange with the reference Python
 * (float64 row-major matrices on disk; NaN = missing).
 *
 * @module
 */

import { join } from "node:path";
import { Frame } from "../../lib/data/frame.ts";
import { Rng } from "../../lib/util/rng.ts";

/** A labeled frame. */
export interface Dataset {
  readonly frame: Frame;
  readonly labels: Uint8Array;
}

/**
 * `rows × features` standard-normal features with `missing` share of NaN and a non-linear
 * logistic signal on the first five features (sine, square, a step and an interaction).
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

/** Writes `name.x` (float64 row-major) and `name.y` (uint8) under `dir`; returns the base path. */
export async function writeDataset(dir: string, name: string, d: Dataset): Promise<string> {
  const { frame } = d;
  const m = new Float64Array(frame.rows * frame.width);
  frame.columns.forEach((c, j) => {
    for (let i = 0; i < frame.rows; i++) m[i * frame.width + j] = c[i]!;
  });
  const base = join(dir, name);
  await Deno.writeFile(`${base}.x`, new Uint8Array(m.buffer));
  await Deno.writeFile(`${base}.y`, d.labels);
  return base;
}

/** Python lines defining `load(base, features) -> (X, y)` for {@link writeDataset} files. */
export const PY_LOAD = `
import numpy as np
def load(base, features):
    X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features)
    y = np.fromfile(base + ".y", dtype=np.uint8)
    return X, y
`;

/** Reads a float64 array written by Python's `ndarray.tofile`. */
export async function readFloat64(path: string): Promise<Float64Array> {
  const bytes = await Deno.readFile(path);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

/** Largest |a − b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
