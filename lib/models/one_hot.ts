/**
 * One-hot encoding of categorical codes inside a model: each categorical feature becomes one 0/1
 * column per level seen in training except the smallest (the reference, as pandas'
 * `get_dummies(drop_first=True)` and R's treatment contrasts), so that a model with an intercept
 * stays identifiable. Levels not seen in training encode as the reference.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";

/** The encoding of one categorical feature. */
export interface OneHot {
  /** The input feature. */
  readonly feature: string;
  /** The reference level (all dummies 0). */
  readonly reference: number;
  /** The levels with a column of their own, ascending. */
  readonly levels: readonly number[];
}

/** The levels of a column of codes (missing values already filled), as a {@link OneHot}. */
export function fitOneHot(feature: string, codes: Float64Array): OneHot {
  const seen = [...new Set(codes)].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return { feature, reference: seen[0] ?? 0, levels: seen.slice(1) };
}

/** A design matrix: named columns, one per numeric input and one per non-reference level. */
export interface Design {
  /** Column names: the feature, or `feature=level` for a level's dummy. */
  readonly names: string[];
  /** The columns. */
  readonly columns: Float64Array[];
}

/** Design column names: the feature, or `feature=level` per dummy of an encoded one, in order. */
export function designNames(features: readonly string[], encodings: readonly OneHot[]): string[] {
  const byFeature = new Map(encodings.map((e) => [e.feature, e]));
  return features.flatMap((f) => byFeature.get(f)?.levels.map((l) => `${f}=${l}`) ?? [f]);
}

/** The input feature (its index in `features`) each design column comes from. */
export function designOwners(features: readonly string[], encodings: readonly OneHot[]): number[] {
  const byFeature = new Map(encodings.map((e) => [e.feature, e]));
  return features.flatMap((f, j) => (byFeature.get(f)?.levels ?? [0]).map(() => j));
}

/**
 * The design matrix of `x` (missing values already filled): numeric features as they are, each
 * encoded feature as its dummies, in feature order (named as {@link designNames}).
 */
export function designMatrix(
  x: Frame,
  features: readonly string[],
  encodings: readonly OneHot[],
): Design {
  const byFeature = new Map(encodings.map((e) => [e.feature, e]));
  const columns = features.flatMap((f) => {
    const col = x.column(f), enc = byFeature.get(f);
    return enc ? enc.levels.map((l) => Float64Array.from(col, (v) => (v === l ? 1 : 0))) : [col];
  });
  return { names: designNames(features, encodings), columns };
}
