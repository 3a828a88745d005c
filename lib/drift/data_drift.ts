/**
 * Data drift: every feature of the reference against the current sample, each with its test,
 * threshold, PSI and severity, and a dataset-level verdict from the share of drifted features.
 *
 * @module
 */

import type { FeatureKind } from "../features/catalog.ts";
import { psiCategorical, psiContinuous, psiLabel, type PsiResult } from "./psi.ts";
import {
  defaultTest,
  DRIFT_TESTS,
  type DriftTest,
  type FeatureValues,
  isDrifted,
  type Layered,
  resolveLayered,
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
  readonly severity: Severity;
  readonly drifted: boolean;
  /** Current categories the reference never saw (counted as drift evidence). */
  readonly unseenCategories: Readonly<Record<string, number>>;
  readonly nReference: number;
  readonly nCurrent: number;
  /** PSI bins and shares, for charts. */
  readonly distribution: PsiResult;
}

/** Data drift over all features. */
export interface DataDrift {
  readonly features: readonly FeatureDrift[];
  readonly dataset: {
    readonly drifted: boolean;
    readonly driftedShare: number;
    readonly driftedCount: number;
    readonly nReference: number;
    readonly nCurrent: number;
  };
  /** Reference features missing from the current sample (and vice versa). */
  readonly missingFeatures: readonly string[];
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
  const missingFeatures = [
    ...reference.filter((r) => !byName.has(r.name)).map((r) => r.name),
    ...current.filter((c) => !reference.some((r) => r.name === c.name)).map((c) => c.name),
  ];
  const pairs = reference.filter((r) => byName.has(r.name)).map((r) =>
    [r, byName.get(r.name)!] as const
  );
  const raw = pairs.map(([r, c]) => {
    const nRef = present(r.values), nCur = present(c.values);
    const test =
      DRIFT_TESTS[resolveLayered(options.tests, r.name, r.kind, defaultTest(r.kind, nRef).name)];
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
    return { r, test, outcome, distribution, nRef, nCur };
  });
  const pIndex = raw.flatMap((x, i) => (x.outcome.pValue !== undefined ? [i] : []));
  const adjusted = adjustPValues(pIndex.map((i) => raw[i]!.outcome.pValue!), correction);
  const pAdj = new Map(pIndex.map((i, k) => [i, adjusted[k]!]));

  const features: FeatureDrift[] = raw.map((x, i) => {
    const threshold = thresholdFor(x.test, x.r.name, x.r.kind, options.thresholds, alpha);
    const p = pAdj.get(i);
    const unseen = x.outcome.unseen ?? {};
    const hasUnseen = Object.keys(unseen).length > 0;
    let drifted = isDrifted(x.test, {
      statistic: x.outcome.statistic,
      ...(p !== undefined ? { pValue: p } : {}),
    }, threshold);
    let severity = x.test.scoring === "p_value"
      ? severityFromP(p!, threshold)
      : severityFromDistance(x.outcome.statistic, threshold);
    if (hasUnseen) {
      drifted = true;
      if (severity === "none") severity = "low";
    }
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
      severity,
      drifted,
      unseenCategories: unseen,
      nReference: x.nRef,
      nCurrent: x.nCur,
      distribution: x.distribution,
    };
  });
  const driftedCount = features.filter((f) => f.drifted).length;
  const driftedShare = features.length ? driftedCount / features.length : 0;
  return {
    features,
    dataset: {
      drifted: features.length > 0 && driftedShare >= (options.driftShare ?? 0.5),
      driftedShare,
      driftedCount,
      nReference: Math.max(0, ...raw.map((x) => x.nRef)),
      nCurrent: Math.max(0, ...raw.map((x) => x.nCur)),
    },
    missingFeatures,
    significanceLevel: alpha,
    correction,
  };
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
