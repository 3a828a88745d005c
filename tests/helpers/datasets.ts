/**
 * Seeded synthetic datasets for model tests, and their exchange with the reference Python
 * (float64 row-major matrices on disk; NaN = missing).
 *
 * @module
 */

import { join } from "node:path";

export { type Dataset, nonLinear } from "../../tasks/bench/benchmark_set.ts";
import type { Dataset } from "../../tasks/bench/benchmark_set.ts";

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
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
