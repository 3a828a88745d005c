/**
 * The drift tests as small descriptors, the default choice of test per feature, and threshold
 * precedence. One meaning of `drifted` for every test: the evidence crosses the threshold —
 * p-value tests drift when p < threshold (the significance level), distance tests when the
 * distance ≥ threshold.
 *
 * Default selection (Evidently's size rule): with at most 1,000 reference values, KS for
 * continuous features and the two-sample chi-square (`chi_square_2s`, as
 * `scipy.stats.chi2_contingency`) for categorical and boolean ones — it keeps its false-alarm
 * rate at α where the goodness-of-fit `chi_square`, which takes the reference's shares as exact,
 * does not; with more, where p-values flag trivial shifts, the Wasserstein distance normalized by
 * the reference's std (continuous) and the Jensen–Shannon distance (categorical, boolean), each
 * with threshold 0.1.
 *
 * @module
 */

import type { FeatureKind } from "../data/feature_spec.ts";
import { chiSquare, chiSquareTwoSample } from "./chi_square.ts";
import {
  jensenShannonCategorical,
  jensenShannonContinuous,
  wassersteinNormalized,
} from "./distances.ts";
import { ks2samp } from "./ks.ts";

/** Values of one feature: numbers (NaN = missing) or category labels. */
export type FeatureValues = ArrayLike<number> | readonly string[];

/** What a test computes. */
export interface TestOutcome {
  readonly statistic: number;
  /** p-value (p-value tests only). */
  readonly pValue?: number;
}

/** A drift test. */
export interface DriftTest {
  readonly name: typeof DRIFT_TEST_NAMES[number];
  /** Feature kinds it applies to. */
  readonly kinds: readonly FeatureKind[];
  /** How the outcome is read: a p-value against α, or a distance against a threshold. */
  readonly scoring: "p_value" | "distance";
  /** Default threshold for distance tests (p-value tests use the significance level). */
  readonly defaultThreshold?: number;
  readonly compute: (
    reference: FeatureValues,
    current: FeatureValues,
    kind: FeatureKind,
  ) => TestOutcome;
}

const asNumbers = (v: FeatureValues) => v as ArrayLike<number>;

/** The names of the drift tests. */
export const DRIFT_TEST_NAMES = [
  "ks",
  "chi_square",
  "chi_square_2s",
  "wasserstein",
  "jensen_shannon",
] as const;

/** Every test, by name. */
export const DRIFT_TESTS: Readonly<Record<DriftTest["name"], DriftTest>> = {
  ks: {
    name: "ks",
    kinds: ["continuous"],
    scoring: "p_value",
    compute: (r, c) => {
      const k = ks2samp(asNumbers(r), asNumbers(c));
      return { statistic: k.statistic, pValue: k.pValue };
    },
  },
  chi_square: {
    name: "chi_square",
    kinds: ["categorical", "boolean"],
    scoring: "p_value",
    compute: (r, c) => {
      const x = chiSquare(r as ArrayLike<number | string>, c as ArrayLike<number | string>);
      return { statistic: x.statistic, pValue: x.pValue };
    },
  },
  chi_square_2s: {
    name: "chi_square_2s",
    kinds: ["categorical", "boolean"],
    scoring: "p_value",
    compute: (r, c) => {
      const x = chiSquareTwoSample(
        r as ArrayLike<number | string>,
        c as ArrayLike<number | string>,
      );
      return { statistic: x.statistic, pValue: x.pValue };
    },
  },
  wasserstein: {
    name: "wasserstein",
    kinds: ["continuous"],
    scoring: "distance",
    defaultThreshold: 0.1,
    compute: (r, c) => ({ statistic: wassersteinNormalized(asNumbers(r), asNumbers(c)) }),
  },
  jensen_shannon: {
    name: "jensen_shannon",
    kinds: ["categorical", "boolean", "continuous"],
    scoring: "distance",
    defaultThreshold: 0.1,
    compute: (r, c, kind) => ({
      statistic: kind === "continuous"
        ? jensenShannonContinuous(asNumbers(r), asNumbers(c))
        : jensenShannonCategorical(
          r as ArrayLike<number | string>,
          c as ArrayLike<number | string>,
        ),
    }),
  },
};

/** Reference sizes above this switch the default to distance tests. */
export const LARGE_SAMPLE = 1000;

/** The default test for a feature kind and reference size (see the module docs). */
export function defaultTest(kind: FeatureKind, referenceSize: number): DriftTest {
  if (referenceSize <= LARGE_SAMPLE) {
    return kind === "continuous" ? DRIFT_TESTS.ks : DRIFT_TESTS.chi_square_2s;
  }
  return kind === "continuous" ? DRIFT_TESTS.wasserstein : DRIFT_TESTS.jensen_shannon;
}

/** Per-feature > per-kind > global settings. */
export interface Layered<T> {
  readonly byFeature?: Readonly<Record<string, T>>;
  readonly byKind?: Readonly<Partial<Record<FeatureKind, T>>>;
  readonly global?: T;
}

const KINDS: readonly string[] = ["continuous", "categorical", "boolean"];

/**
 * A layered setting from `who → value` pairs (as `--test amount=ks` or a config file's
 * `drift.tests`): `*` is global, a feature kind (`continuous`, `categorical`, `boolean`) sets
 * that kind, any other name a feature.
 *
 * @example Thresholds as a config file writes them
 * ```ts
 * import { layeredFrom } from "./registry.ts";
 * layeredFrom({ "*": 0.01, categorical: 0.05, amount: 0.2 });
 * // { byFeature: { amount: 0.2 }, byKind: { categorical: 0.05 }, global: 0.01 }
 * ```
 */
export function layeredFrom<T>(pairs: Readonly<Record<string, T>>): Layered<T> {
  const byFeature: Record<string, T> = {}, byKind: Partial<Record<FeatureKind, T>> = {};
  let global: T | undefined;
  for (const [who, value] of Object.entries(pairs)) {
    if (who === "*") global = value;
    else if (KINDS.includes(who)) byKind[who as FeatureKind] = value;
    else byFeature[who] = value;
  }
  return { byFeature, byKind, ...(global !== undefined ? { global } : {}) };
}

/** A feature as the layered settings see it. */
export interface FeatureRef {
  readonly name: string;
  readonly kind: FeatureKind;
}

/** Resolves a layered setting: per feature, then per kind, then global, then `fallback`. */
export function resolveLayered<T>(
  layers: Layered<T> | undefined,
  feature: FeatureRef,
  fallback: T,
): T {
  return layers?.byFeature?.[feature.name] ?? layers?.byKind?.[feature.kind] ?? layers?.global ??
    fallback;
}

/** The threshold of `test` for a feature: layered, else α (p-value tests) or the test's default. */
export function thresholdFor(
  test: DriftTest,
  feature: FeatureRef,
  settings: { thresholds?: Layered<number> | undefined; alpha: number },
): number {
  const fallback = test.scoring === "p_value" ? settings.alpha : test.defaultThreshold ?? 0.1;
  return resolveLayered(settings.thresholds, feature, fallback);
}

/** The one meaning of drifted: p < threshold for p-value tests, distance ≥ threshold otherwise. */
export function isDrifted(
  test: DriftTest,
  outcome: { statistic: number; pValue?: number },
  threshold: number,
): boolean {
  return test.scoring === "p_value"
    ? (outcome.pValue ?? 1) < threshold
    : outcome.statistic >= threshold;
}
