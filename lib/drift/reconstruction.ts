/**
 * Multivariate drift by PCA reconstruction error, as NannyML's data reconstruction drift
 * computes it: on the reference, missing values are imputed (continuous: the mean; categorical and
 * boolean: the most frequent value, ties to the smallest), categories replaced by their share of
 * reference rows (unseen ones by 0), every column standardized (population deviation; a constant
 * column keeps scale 1), and PCA kept to the fewest components whose variance share passes
 * `varianceShare`. A row's error is the Euclidean distance between its standardized values and
 * their reconstruction from those components; a chunk's value is the mean error, its sampling
 * error the errors' sample deviation over √rows.
 *
 * A shift that keeps every marginal but breaks a correlation moves this error while univariate
 * tests stay quiet.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { symmetricEigen } from "./_eigen.ts";
import { type ChunkedMeasure, measureChunks, type Measured } from "./chunked_measure.ts";
import { type ChunkBy, chunkRows } from "./chunks.ts";
import type { FeatureColumn } from "./data_drift.ts";

/** What a fitted reconstruction keeps from the reference. */
export interface Reconstruction {
  /** Feature names, in the order the columns were given. */
  readonly names: readonly string[];
  /** Per column: the reference mean (continuous) or category shares (categorical, boolean). */
  readonly encoders: readonly ColumnEncoder[];
  readonly center: Float64Array;
  readonly scale: Float64Array;
  /** PCA mean of the standardized reference (≈ 0). */
  readonly pcaMean: Float64Array;
  /** k × d components, row-major. */
  readonly components: Float64Array;
  readonly k: number;
}

/** How one column becomes a number. */
type ColumnEncoder =
  | { readonly kind: "numeric"; readonly fill: number }
  | {
    readonly kind: "shares";
    readonly fill: string;
    readonly shares: ReadonlyMap<string, number>;
  };

/** NannyML's default variance share kept by the PCA. */
export const DEFAULT_VARIANCE_SHARE = 0.65;

/**
 * Fits the reconstruction on the reference columns.
 *
 * @throws {DataError} for no columns, no rows, or a continuous column with no value.
 * @example Two correlated columns
 * ```ts
 * import { fitReconstruction, reconstructionErrors } from "./reconstruction.ts";
 * const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i));
 * const fit = fitReconstruction([
 *   { name: "a", kind: "continuous", values: x },
 *   { name: "b", kind: "continuous", values: x.map((v, i) => v + 0.1 * Math.cos(3 * i)) },
 * ]);
 * fit.k; // 1: the first component carries most of the variance
 * reconstructionErrors(fit, [
 *   { name: "a", kind: "continuous", values: [1] },
 *   { name: "b", kind: "continuous", values: [-1] },
 * ])[0]! > 1; // true: the correlation is broken
 * ```
 */
export function fitReconstruction(
  reference: readonly FeatureColumn[],
  options: { readonly varianceShare?: number } = {},
): Reconstruction {
  const n = reference[0]?.values.length ?? 0;
  if (reference.length === 0 || n < 2) {
    throw new DataError("multivariate drift needs at least 2 reference rows and one feature");
  }
  const encoders = reference.map(fitEncoder);
  const x = encodeRows(reference, encoders);
  const d = reference.length;
  const { center, scale } = standardize(x, d);
  const pca = principalComponents(x, d, options.varianceShare ?? DEFAULT_VARIANCE_SHARE);
  return { names: reference.map((c) => c.name), encoders, center, scale, ...pca };
}

/**
 * Each row's reconstruction error (rows of `columns`, matched to the fit by name).
 *
 * @throws {DataError} naming a fitted feature the columns lack.
 */
export function reconstructionErrors(
  fit: Reconstruction,
  columns: readonly FeatureColumn[],
): Float64Array {
  const ordered = fit.names.map((name) => {
    const c = columns.find((col) => col.name === name);
    if (!c) throw new DataError(`multivariate drift: the current sample lacks feature "${name}"`);
    return c;
  });
  const d = fit.names.length, x = encodeRows(ordered, fit.encoders);
  const n = x.length / d, errors = new Float64Array(n), z = new Float64Array(d);
  const t = new Float64Array(fit.k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      z[j] = (x[i * d + j]! - fit.center[j]!) / fit.scale[j]! - fit.pcaMean[j]!;
    }
    for (let c = 0; c < fit.k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += z[j]! * fit.components[c * d + j]!;
      t[c] = s;
    }
    let err = 0;
    for (let j = 0; j < d; j++) {
      let r = 0;
      for (let c = 0; c < fit.k; c++) r += t[c]! * fit.components[c * d + j]!;
      err += (z[j]! - r) ** 2;
    }
    errors[i] = Math.sqrt(err);
  }
  return errors;
}

/** A column's encoder from the reference: its mean, or its categories' shares and mode. */
function fitEncoder(column: FeatureColumn): ColumnEncoder {
  const values = column.values;
  if (column.kind === "continuous" && typeof values[0] !== "string") {
    let sum = 0, count = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isNaN(v)) (sum += v, count++);
    }
    if (count === 0) {
      throw new DataError(`multivariate drift: reference feature "${column.name}" has no value`);
    }
    return { kind: "numeric", fill: sum / count };
  }
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const key = categoryKey(values[i]!);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const fill = mostFrequent(counts);
  if (fill === null) return { kind: "shares", fill: "", shares: new Map([["", 1]]) };
  // Missing values take the mode before the shares are counted.
  counts.set(
    fill,
    counts.get(fill)! + values.length - [...counts.values()].reduce((a, b) => a + b),
  );
  const shares = new Map([...counts].map(([k, c]) => [k, c / values.length]));
  return { kind: "shares", fill, shares };
}

/** A category's key, or null for a missing cell (NaN or ""). */
function categoryKey(v: number | string): string | null {
  if (typeof v === "number") return Number.isNaN(v) ? null : String(v);
  return v === "" ? null : v;
}

/** The most frequent key; ties go to the smallest (numerically for numbers). */
function mostFrequent(counts: ReadonlyMap<string, number>): string | null {
  let best: string | null = null, bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && smaller(key, best))) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

/** Numbers compare as numbers, text as text. */
function smaller(a: string, b: string): boolean {
  const [x, y] = [Number(a), Number(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? a < b : x < y;
}

/** The columns as an n × d row-major matrix of numbers, missing values imputed. */
function encodeRows(
  columns: readonly FeatureColumn[],
  encoders: readonly ColumnEncoder[],
): Float64Array {
  const d = columns.length, n = columns[0]!.values.length, x = new Float64Array(n * d);
  columns.forEach((column, j) => {
    const e = encoders[j]!, values = column.values;
    for (let i = 0; i < n; i++) {
      if (e.kind === "numeric") {
        const v = Number(values[i]);
        x[i * d + j] = Number.isNaN(v) ? e.fill : v;
      } else {
        x[i * d + j] = e.shares.get(categoryKey(values[i]!) ?? e.fill) ?? 0;
      }
    }
  });
  return x;
}

/**
 * Standardizes `x` in place as scikit-learn's `StandardScaler` does (population deviation; a
 * column whose variance is within rounding of 0 keeps scale 1) and returns the center and scale.
 */
function standardize(x: Float64Array, d: number) {
  const n = x.length / d, center = new Float64Array(d), scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i * d + j]!;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (x[i * d + j]! - mean) ** 2;
    const variance = ss / n, eps = Number.EPSILON;
    const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
    center[j] = mean;
    scale[j] = constant ? 1 : Math.sqrt(variance);
    for (let i = 0; i < n; i++) x[i * d + j] = (x[i * d + j]! - mean) / scale[j]!;
  }
  return { center, scale };
}

/**
 * PCA of the standardized rows by the covariance's eigenvectors: the fewest components whose
 * cumulative variance share is strictly above `share` (all of them when `share` ≥ 1).
 */
function principalComponents(z: Float64Array, d: number, share: number) {
  const n = z.length / d, pcaMean = new Float64Array(d), cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) pcaMean[j]! += z[i * d + j]!;
  for (let j = 0; j < d; j++) pcaMean[j]! /= n;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const za = z[i * d + a]! - pcaMean[a]!;
      for (let b = a; b < d; b++) cov[a * d + b]! += za * (z[i * d + b]! - pcaMean[b]!);
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] = cov[a * d + b]! / (n - 1);
  }
  const { values, vectors } = symmetricEigen(cov, d);
  const clipped = values.map((v) => Math.max(v, 0));
  const total = clipped.reduce((s, v) => s + v, 0);
  let k = 0, cumulative = 0;
  while (k < d) {
    cumulative += clipped[k]! / total;
    k++;
    if (cumulative > share) break;
  }
  return { pcaMean, components: vectors.slice(0, k * d), k };
}

/** A sample's feature columns and, when it has them, its rows' timestamps (ms). */
export interface ChunkSample {
  readonly columns: readonly FeatureColumn[];
  readonly timestamps?: ArrayLike<number>;
}

/**
 * Reconstruction error chunk by chunk: fitted on the reference, measured on the reference's own
 * chunks (the band: mean ± 3 deviations, no lower side at or below 0) and on the current ones.
 * Undefined when the PCA keeps every component (one feature, or features so little correlated
 * that `varianceShare` needs them all): every row then reconstructs exactly, and the error says
 * nothing.
 *
 * @throws {DataError} as {@link fitReconstruction} and {@link chunkRows}.
 */
export function reconstructionDrift(
  reference: ChunkSample,
  current: ChunkSample,
  options: { readonly by: ChunkBy; readonly varianceShare?: number },
): ChunkedMeasure | undefined {
  const fit = fitReconstruction(reference.columns, options);
  if (fit.k === fit.names.length) return undefined;
  const side = (s: ChunkSample) => {
    const errors = reconstructionErrors(fit, s.columns);
    return {
      chunks: chunkRows(errors.length, options.by, s.timestamps),
      measure: meanError(errors),
    };
  };
  return measureChunks("reconstruction_error", {
    reference: side(reference),
    current: side(current),
    limits: { lower: 0, dropPastLimit: true, strictlyInside: true },
  });
}

/** A chunk's mean error and its sampling error (sample deviation over √rows). */
function meanError(errors: Float64Array): (rows: Int32Array) => Measured {
  return (rows) => {
    const n = rows.length;
    let sum = 0;
    for (const r of rows) sum += errors[r]!;
    const mean = sum / n;
    let ss = 0;
    for (const r of rows) ss += (errors[r]! - mean) ** 2;
    return { value: mean, samplingError: Math.sqrt(ss / (n - 1)) / Math.sqrt(n) };
  };
}
