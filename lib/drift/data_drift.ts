/**
 * Data drift: every feature of the reference against the current sample, each with its test,
 * threshold, PSI and severity, and a dataset-level verdict from named triggers — the share of
 * drifted features, the share of model importance they carry, and schema changes.
 *
 * A feature drifts when its test says so (the registry's one rule), or when current rows fall in
 * categories the reference never saw at a share ≥ `unseenShare`. Severity always follows from the
 * test's evidence alone (p against α, or the distance against its threshold).
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
}

/** The drift of one feature. */
export interface FeatureDrift {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly test: DriftTest["name"];
  readonly statistic: number;
  /** p-value (after correction, if any); null for distance tests. */
  readonly pValue: number | null;
  /** p-value before correction; null for distance tests. */
  readonly rawPValue: number | null;
  readonly threshold: number;
  readonly psi: number;
  readonly psiLabel: "none" | "minor" | "major";
  /** From the test's evidence alone (see {@link severityFromP}). */
  readonly severity: Severity;
  readonly drifted: boolean;
  /** Current values in categories the reference never saw, by category. */
  readonly unseenCategories: Readonly<Record<string, number>>;
  /** Share of the current values in those categories. */
  readonly unseenShare: number;
  /** The feature's share of the model's importance (null without a model). */
  readonly importance: number | null;
  readonly nReference: number;
  readonly nCurrent: number;
  /** PSI bins and shares, for charts. */
  readonly distribution: PsiResult;
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
 * @example
 * ```ts
 * const drift = detectDataDrift(referenceColumns, currentColumns, { significanceLevel: 0.05 });
 * drift.dataset.drifted;
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
  const pIndex = raw.flatMap((x, i) => (x.outcome.pValue !== undefined ? [i] : []));
  const adjusted = adjustPValues(pIndex.map((i) => raw[i]!.outcome.pValue!), correction);
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
  readonly outcome: TestOutcome;
  readonly unseen: Readonly<Record<string, number>>;
  readonly distribution: PsiResult;
  readonly nRef: number;
  readonly nCur: number;
}

function runTest(r: FeatureColumn, c: FeatureColumn, options: DataDriftOptions): Tested {
  const nRef = present(r.values), nCur = present(c.values);
  const test = DRIFT_TESTS[resolveLayered(options.tests, r, defaultTest(r.kind, nRef).name)];
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
  return { r, test, outcome, unseen, distribution, nRef, nCur };
}

function judge(
  x: Tested,
  found: { p: number | undefined; importance: number | null },
  options: DataDriftOptions & { significanceLevel: number },
): FeatureDrift {
  const { p, importance } = found;
  const threshold = thresholdFor(x.test, x.r, {
    thresholds: options.thresholds,
    alpha: options.significanceLevel,
  });
  const evidence = { statistic: x.outcome.statistic, ...(p !== undefined ? { pValue: p } : {}) };
  const unseen = x.unseen;
  const unseenCount = Object.values(unseen).reduce((a, b) => a + b, 0);
  const unseenShare = x.nCur > 0 ? unseenCount / x.nCur : 0;
  const byUnseen = unseenCount > 0 && unseenShare >= (options.unseenShare ?? 0.01);
  return {
    name: x.r.name,
    kind: x.r.kind,
    test: x.test.name,
    statistic: x.outcome.statistic,
    pValue: p ?? null,
    rawPValue: x.outcome.pValue ?? null,
    threshold,
    psi: x.distribution.psi,
    psiLabel: psiLabel(x.distribution.psi),
    severity: x.test.scoring === "p_value"
      ? severityFromP(p!, threshold)
      : severityFromDistance(x.outcome.statistic, threshold),
    drifted: isDrifted(x.test, evidence, threshold) || byUnseen,
    unseenCategories: unseen,
    unseenShare,
    importance,
    nReference: x.nRef,
    nCurrent: x.nCur,
    distribution: x.distribution,
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
