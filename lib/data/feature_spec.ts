/**
 * The feature vocabulary every layer shares: a feature's kind, its spec, and a view (a named group
 * of features of one entity). The catalog of actual views is `lib/features/catalog.ts`.
 *
 * @module
 */

/** How a feature is distributed and tested: continuous, categorical (small integer codes) or boolean (0/1). */
export type FeatureKind = "continuous" | "categorical" | "boolean";

/** One feature of a view. */
export interface FeatureSpec {
  /** Column name, as written to the feature store. */
  readonly name: string;
  /** Continuous, categorical or boolean. */
  readonly kind: FeatureKind;
  /** What it means and how it is computed. */
  readonly description: string;
  /** Inclusive valid range; values outside it are counted as out of range in data-quality reports. */
  readonly range: readonly [number, number];
  /** Whole numbers only (counts, codes): stored as int64 in Feast, `long` in MLflow signatures. */
  readonly integer?: boolean;
  /** Categorical features read from text: the category of each code (code i = `categories[i]`). */
  readonly categories?: readonly string[];
}

/** A named group of features keyed by one entity type. */
export interface FeatureView {
  /** View name, e.g. `transaction`. */
  readonly name: string;
  /** The entity the rows describe, e.g. `card`. */
  readonly entityType: string;
  /** The features, in column order. */
  readonly features: readonly FeatureSpec[];
}

/**
 * The names of the categorical features among `specs`, in order (what a fit's `categorical` takes).
 *
 * @example
 * ```ts
 * import { categoricalNames } from "./feature_spec.ts";
 * categoricalNames([
 *   { name: "amount", kind: "continuous", description: "", range: [0, Infinity] },
 *   { name: "channel", kind: "categorical", description: "", range: [0, 2] },
 * ]); // ["channel"]
 * ```
 */
export function categoricalNames(specs: readonly FeatureSpec[]): string[] {
  return specs.filter((s) => s.kind === "categorical").map((s) => s.name);
}

/**
 * The categories of the features read from text (a model's `vocabulary`), by feature name.
 *
 * @example
 * ```ts
 * import { vocabularyOf } from "./feature_spec.ts";
 * vocabularyOf([{ name: "channel", kind: "categorical", description: "", range: [0, 1], categories: ["atm", "web"] }]);
 * // { channel: ["atm", "web"] }
 * ```
 */
export function vocabularyOf(specs: readonly FeatureSpec[]): Record<string, readonly string[]> {
  return Object.fromEntries(specs.flatMap((s) => (s.categories ? [[s.name, s.categories]] : [])));
}
