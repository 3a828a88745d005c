/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: accurate to
 * rounding for the few dozen columns a drift check standardizes.
 *
 * @module
 */

/** Eigenvalues (descending) and their unit eigenvectors (row `i` of `vectors` for value `i`). */
export interface Eigen {
  readonly values: Float64Array;
  /** d × d, row-major: one eigenvector per row. */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric d × d matrix `a` (row-major; not changed).
 *
 * @example A diagonal matrix
 * ```ts
 * import { symmetricEigen } from "./_eigen.ts";
 * symmetricEigen(Float64Array.from([1, 0, 0, 3]), 2).values; // Float64Array [3, 1]
 * ```
 */
export function symmetricEigen(a: Float64Array, d: number): Eigen {
  const m = Float64Array.from(a), v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let norm = 0;
  for (const x of m) norm += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += m[p * d + q]! ** 2;
    if (off <= 1e-36 * norm) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) rotate(m, v, { d, p, q });
    }
  }
  const order = Array.from({ length: d }, (_, i) => i)
    .sort((x, y) => m[y * d + y]! - m[x * d + x]!);
  const values = Float64Array.from(order, (i) => m[i * d + i]!);
  const vectors = new Float64Array(d * d);
  order.forEach((col, row) => {
    for (let k = 0; k < d; k++) vectors[row * d + k] = v[k * d + col]!;
  });
  return { values, vectors };
}

/** One Jacobi rotation zeroing m[p][q], accumulated into the eigenvector columns of v. */
function rotate(m: Float64Array, v: Float64Array, at: { d: number; p: number; q: number }) {
  const { d, p, q } = at;
  const apq = m[p * d + q]!;
  if (apq === 0) return;
  const theta = (m[q * d + q]! - m[p * d + p]!) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1), s = t * c;
  for (let k = 0; k < d; k++) {
    const mkp = m[k * d + p]!, mkq = m[k * d + q]!;
    m[k * d + p] = c * mkp - s * mkq;
    m[k * d + q] = s * mkp + c * mkq;
  }
  for (let k = 0; k < d; k++) {
    const mpk = m[p * d + k]!, mqk = m[q * d + k]!;
    m[p * d + k] = c * mpk - s * mqk;
    m[q * d + k] = s * mpk + c * mqk;
  }
  for (let k = 0; k < d; k++) {
    const vkp = v[k * d + p]!, vkq = v[k * d + q]!;
    v[k * d + p] = c * vkp - s * vkq;
    v[k * d + q] = s * vkp + c * vkq;
  }
}
