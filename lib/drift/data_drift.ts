/**
 * Data drift: every feature of the reference against the current sample, each with its test,
 * threshold, PSI and severity, and a dataset-level verdict from named triggers — the share of
 * drifted features, the share of model importance they carry, and schema changes.
 *
 * A feature drifts when its test says so (the registry's one rule), or when current rows fall in
 * categories the reference never saw at a share ≥ `unseenShare`. Severity always follows from the
 * test's evidence alone (p against α, or the distance against its threshold).
 *
 * A test needs `minSamples` present values on each side: below that the feature is reported as
 * not measurable, with its counts, never as a verdict. Missing values are a finding of their own:
 * a feature whose missing share rose by `missingShareRise` or more (a current sample with no value
 * at all included: a broken upstream feed) fires the dataset's `missing_values` trigger.
 *
 * @module
 */

import type { FeatureKind } from "../data/feature_spec.ts";
import { unseenCategories } from "./chi_square.ts";
import { type DatasetVerdict, datasetVerdict } from "./dataset_verdict.ts";
import { psiCategorical, psiContinuous, psiLabel, type PsiResult } from "./psi.ts";
import {
  defaultTest,
  DRIFT_TESTS,
  type DriftTest,
  type FeatureValues,
  isDrifted,
  type Layered,
  resolveLayered,
  type TestOutcome,
  thresholdFor,
} from "./registry.ts";
import {
  adjustPValues,
  type Correction,
  type Severity,
  severityFromDistance,
  severityFromP,
} from "./severity.ts";

/** One feature's values in a sample. */
export interface FeatureColumn {
  readonly name: string;
  readonly kind: FeatureKind;
  /** Numbers (NaN = missing) for continuous/boolean/numeric categorical; strings otherwise. */
  readonly values: FeatureValues;
}

/** Options of {@link detectDataDrift}. */
export interface DataDriftOptions {
  /** Significance level α for p-value tests. @default 0.05 */
  readonly significanceLevel?: number;
  /** PSI bins for continuous features. @default 10 */
  readonly psiBins?: number;
  /** Multiple-testing correction across p-value tests. @default "none" */
  readonly correction?: Correction;
  /** Share of drifted features at which the dataset counts as drifted. @default 0.5 */
  readonly driftShare?: number;
  /** Test choice per feature / kind / globally (default: {@link defaultTest}). */
  readonly tests?: Layered<DriftTest["name"]>;
  /** Thresholds per feature / kind / globally, on each test's own scale. */
  readonly thresholds?: Layered<number>;
  /** Share of current rows in unseen categories that alone marks a feature drifted. @default 0.01 */
  readonly unseenShare?: number;
  /** The model's importance per feature (any non-negative scale; normalized to shares). */
  readonly importance?: Readonly<Record<string, number>>;
  /** Importance share carried by drifted features that makes the dataset drifted (off if unset). */
  readonly importanceShare?: number;
  /** Present values each sample needs for a test; fewer: not measurable. @default 30 */
  readonly minSamples?: number;
  /** Rise of a feature's missing share (current − reference) that fires an alarm. @default 0.1 */
  readonly missingShareRise?: number;
  /**
   * The reference's missing share per feature when its sample does not show it (a training run
   * that dropped its incomplete rows): else it is measured on the reference sample.
   */
  readonly referenceMissingShare?: Readonly<Record<string, number>>;
}

/** The default of {@link DataDriftOptions.minSamples}. */
export const MIN_SAMPLES = 30;

/** The default of {@link DataDriftOptions.missingShareRise}. */
export const MISSING_SHARE_RISE = 0.1;

/** The drift of one feature. */
export interface FeatureDrift {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly test: DriftTest["name"];
  /** The test's statistic; null when not measurable. */
  readonly statistic: number | null;
  /** p-value (after correction, if any); null for distance tests and when not measurable. */
  readonly pValue: number | null;
  /** p-value before correction; null for distance tests and when not measurable. */
  readonly rawPValue: number | null;
  readonly threshold: number;
  /** null when not measurable. */
  readonly psi: number | null;
  readonly psiLabel: "none" | "minor" | "major" | null;
  /** From the test's evidence alone (see {@link severityFromP}); none when not measurable. */
  readonly severity: Severity;
  readonly drifted: boolean;
  /** Both samples held enough present values (`minSamples`) for the test. */
  readonly measurable: boolean;
  /** Why the feature was not measured (with the counts), else null. */
  readonly note: string | null;
  /** Share of each sample's rows with no value (missing or unreadable). */
  readonly missingShare: { readonly reference: number; readonly current: number };
  /** The missing share rose by `missingShareRise` or more. */
  readonly missingRose: boolean;
  /** Current values in categories the reference never saw, by category. */
  readonly unseenCategories: Readonly<Record<string, number>>;
  /** Share of the current values in those categories. */
  readonly unseenShare: number;
  /** The feature's share of the model's importance (null without a model). */
  readonly importance: number | null;
  /** Present values in each sample. */
  readonly nReference: number;
  readonly nCurrent: number;
  /** PSI bins and shares, for charts (null when not measurable). */
  readonly distribution: PsiResult | null;
}

/** Data drift over all features. */
export interface DataDrift {
  readonly features: readonly FeatureDrift[];
  readonly dataset: DatasetVerdict;
  /** Reference features the current sample lacks (a schema change: counted as drift). */
  readonly missingFeatures: readonly string[];
  /** Current columns the reference does not have (reported only). */
  readonly newColumns: readonly string[];
  readonly significanceLevel: number;
  readonly correction: Correction;
}

const SEVERITY_ORDER: readonly Severity[] = ["none", "low", "medium", "high"];

/**
 * Compares every reference feature with the same-named current feature.
 *
 * @example Amounts shifted upwards
 * ```ts
 * import { detectDataDrift } from "./data_drift.ts";
 * const amounts = (shift: number) => Float64Array.from({ length: 200 }, (_, i) => i % 50 + shift);
 * const drift = detectDataDrift(
 *   [{ name: "amount", kind: "continuous", values: amounts(0) }],
 *   [{ name: "amount", kind: "continuous", values: amounts(25) }],
 *   { significanceLevel: 0.05 },
 * );
 * drift.features[0]?.severity; // "high" (KS statistic 0.5, p ≈ 4e-23)
 * drift.dataset.drifted; // true
 * ```
 */
export function detectDataDrift(
  reference: readonly FeatureColumn[],
  current: readonly FeatureColumn[],
  options: DataDriftOptions = {},
): DataDrift {
  const alpha = options.significanceLevel ?? 0.05;
  const correction = options.correction ?? "none";
  const byName = new Map(current.map((c) => [c.name, c]));
  const refNames = new Set(reference.map((r) => r.name));
  const missingFeatures = reference.filter((r) => !byName.has(r.name)).map((r) => r.name);
  const newColumns = current.filter((c) => !refNames.has(c.name)).map((c) => c.name);
  const raw = reference.filter((r) => byName.has(r.name)).map((r) =>
    runTest(r, byName.get(r.name)!, options)
  );
  const pIndex = raw.flatMap((x, i) => (x.outcome?.pValue !== undefined ? [i] : []));
  const adjusted = adjustPValues(pIndex.map((i) => raw[i]!.outcome!.pValue!), correction);
  const pAdj = new Map(pIndex.map((i, k) => [i, adjusted[k]!]));
  const shares = importanceShares(options.importance, reference.map((r) => r.name));
  const features = raw.map((x, i) =>
    judge(x, { p: pAdj.get(i), importance: shares?.get(x.r.name) ?? null }, {
      ...options,
      significanceLevel: alpha,
    })
  );
  return {
    features,
    dataset: datasetVerdict(features, missingFeatures, {
      driftShare: options.driftShare ?? 0.5,
      missingShareRise: options.missingShareRise ?? MISSING_SHARE_RISE,
      ...(options.importanceShare !== undefined
        ? { importanceShare: options.importanceShare }
        : {}),
      hasImportance: shares !== null,
    }),
    missingFeatures,
    newColumns,
    significanceLevel: alpha,
    correction,
  };
}

interface Tested {
  readonly r: FeatureColumn;
  readonly test: DriftTest;
  /** null when a sample has fewer than `minSamples` present values. */
  readonly outcome: TestOutcome | null;
  readonly unseen: Readonly<Record<string, number>>;
  readonly distribution: PsiResult | null;
  readonly nRef: number;
  readonly nCur: number;
  readonly missingShare: { readonly reference: number; readonly current: number };
}

function runTest(r: FeatureColumn, c: FeatureColumn, options: DataDriftOptions): Tested {
  const nRef = present(r.values), nCur = present(c.values);
  const missingShare = {
    reference: options.referenceMissingShare?.[r.name] ??
      (r.values.length ? 1 - nRef / r.values.length : 0),
    current: c.values.length ? 1 - nCur / c.values.length : 0,
  };
  const test = DRIFT_TESTS[resolveLayered(options.tests, r, defaultTest(r.kind, nRef).name)];
  const counts = { r, test, nRef, nCur, missingShare };
  if (Math.min(nRef, nCur) < (options.minSamples ?? MIN_SAMPLES)) {
    return { ...counts, outcome: null, unseen: {}, distribution: null };
  }
  const outcome = test.compute(r.values, c.values, r.kind);
  const distribution = r.kind === "continuous"
    ? psiContinuous(
      r.values as ArrayLike<number>,
      c.values as ArrayLike<number>,
      options.psiBins ?? 10,
    )
    : psiCategorical(
      r.values as ArrayLike<number | string>,
      c.values as ArrayLike<number | string>,
    );
  const unseen = r.kind === "continuous" ? {} : unseenCategories(
    r.values as ArrayLike<number | string>,
    c.values as ArrayLike<number | string>,
  );
  return { ...counts, outcome, unseen, distribution };
}

function judge(
  x: Tested,
  found: { p: number | undefined; importance: number | null },
  options: DataDriftOptions & { significanceLevel: number },
): FeatureDrift {
  const threshold = thresholdFor(x.test, x.r, {
    thresholds: options.thresholds,
    alpha: options.significanceLevel,
  });
  const rise = options.missingShareRise ?? MISSING_SHARE_RISE;
  const common = {
    name: x.r.name,
    kind: x.r.kind,
    test: x.test.name,
    threshold,
    missingShare: x.missingShare,
    missingRose: x.missingShare.current - x.missingShare.reference >= rise,
    importance: found.importance,
    nReference: x.nRef,
    nCurrent: x.nCur,
  };
  if (!x.outcome || !x.distribution) return { ...common, ...notMeasured(x, options) };
  const { p } = found;
  const evidence = { statistic: x.outcome.statistic, ...(p !== undefined ? { pValue: p } : {}) };
  const unseenCount = Object.values(x.unseen).reduce((a, b) => a + b, 0);
  const unseenShare = x.nCur > 0 ? unseenCount / x.nCur : 0;
  const byUnseen = unseenCount > 0 && unseenShare >= (options.unseenShare ?? 0.01);
  return {
    ...common,
    statistic: x.outcome.statistic,
    pValue: p ?? null,
    rawPValue: x.outcome.pValue ?? null,
    psi: x.distribution.psi,
    psiLabel: psiLabel(x.distribution.psi),
    severity: x.test.scoring === "p_value"
      ? severityFromP(p!, threshold)
      : severityFromDistance(x.outcome.statistic, threshold),
    drifted: isDrifted(x.test, evidence, threshold) || byUnseen,
    measurable: true,
    note: null,
    unseenCategories: x.unseen,
    unseenShare,
    distribution: x.distribution,
  };
}

/** The fields of a feature too thinly sampled to test. */
function notMeasured(x: Tested, options: DataDriftOptions) {
  const min = options.minSamples ?? MIN_SAMPLES;
  return {
    statistic: null,
    pValue: null,
    rawPValue: null,
    psi: null,
    psiLabel: null,
    severity: "none" as const,
    drifted: false,
    measurable: false,
    note: `${x.nRef} reference and ${x.nCur} current values, fewer than drift.minSamples (${min})`,
    unseenCategories: {},
    unseenShare: 0,
    distribution: null,
  };
}

/** Importance normalized to shares over `names` (null without importance or when all zero). */
function importanceShares(
  importance: Readonly<Record<string, number>> | undefined,
  names: readonly string[],
): Map<string, number> | null {
  if (!importance) return null;
  const values = names.map((n) => Math.max(0, importance[n] ?? 0));
  const total = values.reduce((a, b) => a + b, 0);
  return total > 0 ? new Map(names.map((n, i) => [n, values[i]! / total])) : null;
}

/** The more severe of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}

function present(values: FeatureValues): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== undefined && !(typeof v === "number" && Number.isNaN(v)) && v !== "") n++;
  }
  return n;
}
