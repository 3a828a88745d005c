/**
 * Prediction drift (the model's score distribution on current data vs on the reference: KS and
 * PSI) and performance drift (AUC, precision, recall and F1 on labeled current data vs the
 * training run's, degraded beyond a margin).
 *
 * @module
 */

import { confusionAt, prf } from "../evaluate/binary_metrics.ts";
import { MIN_SAMPLES } from "./data_drift.ts";
import { rocAuc } from "../evaluate/curves.ts";
import { ks2samp } from "./ks.ts";
import { psiContinuous, psiLabel, type PsiResult } from "./psi.ts";
import { DRIFT_TESTS, isDrifted } from "./registry.ts";
import { type Severity, severityFromP } from "./severity.ts";

/** Drift of the model's scores. */
export interface PredictionDrift {
  readonly ksStatistic: number;
  readonly pValue: number;
  readonly psi: number;
  readonly psiLabel: "none" | "minor" | "major";
  readonly severity: Severity;
  readonly drifted: boolean;
  /** The significance level the p-value was read against. */
  readonly alpha: number;
  readonly distribution: PsiResult;
}

/** Options of {@link predictionDrift}. */
export interface PredictionDriftOptions {
  /** Significance level. @default 0.05 */
  readonly alpha?: number;
  /** PSI bins. @default 10 */
  readonly psiBins?: number;
}

/** KS and PSI of current scores against reference scores. */
export function predictionDrift(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: PredictionDriftOptions = {},
): PredictionDrift {
  const alpha = options.alpha ?? 0.05, psiBins = options.psiBins ?? 10;
  const ks = ks2samp(reference, current);
  const distribution = psiContinuous(reference, current, psiBins);
  return {
    ksStatistic: ks.statistic,
    pValue: ks.pValue,
    psi: distribution.psi,
    psiLabel: psiLabel(distribution.psi),
    severity: severityFromP(ks.pValue, alpha),
    drifted: isDrifted(DRIFT_TESTS.ks, ks, alpha),
    alpha,
    distribution,
  };
}

/**
 * Why a comparison is not measurable — `what` ("prediction drift") over `unit` ("scores") with
 * fewer than `min` (default {@link MIN_SAMPLES}) values on a side — or null when it is.
 *
 * @example Why prediction drift was not measured
 * ```ts
 * import { scoreNote } from "./model_drift.ts";
 * scoreNote("prediction drift", "scores", { rs: [0.1, 0.2], cs: [0.3], min: 30 });
 * // "prediction drift not measurable: 2 reference and 1 current scores (drift.minSamples 30)"
 * ```
 */
export function scoreNote(
  what: string,
  unit: string,
  samples: { rs: ArrayLike<number>; cs: ArrayLike<number>; min?: number | undefined },
): string | null {
  const min = samples.min ?? MIN_SAMPLES;
  if (Math.min(samples.rs.length, samples.cs.length) >= min) return null;
  return `${what} not measurable: ${samples.rs.length} reference and ` +
    `${samples.cs.length} current ${unit} (drift.minSamples ${min})`;
}

/** The metrics compared. */
export const PERFORMANCE_METRICS = ["roc_auc", "precision", "recall", "f1"] as const;

/** One metric then and now. */
export interface MetricChange {
  readonly metric: typeof PERFORMANCE_METRICS[number];
  readonly reference: number;
  readonly current: number;
  /** reference − current (positive = worse now). */
  readonly drop: number;
  readonly degraded: boolean;
}

/** Performance drift verdict. */
export interface PerformanceDrift {
  readonly metrics: readonly MetricChange[];
  readonly margin: number;
  readonly threshold: number;
  /** ROC AUC fell by more than the margin (threshold metrics are reported, too noisy to alarm on). */
  readonly degraded: boolean;
}

/**
 * Compares current performance with the training run's: a metric is degraded when it fell by
 * more than `margin` (absolute). The verdict follows ROC AUC: precision, recall and F1 at a
 * threshold swing widely on the few positives of a fraud sample (±0.1 with 20 positives), so
 * they are flagged but do not raise the verdict alone.
 */
export function performanceDrift(
  reference: Readonly<Record<string, number>>,
  current: { readonly labels: ArrayLike<number>; readonly scores: ArrayLike<number> },
  options: { readonly threshold: number; readonly margin?: number },
): PerformanceDrift {
  const { labels, scores } = current, { threshold } = options, margin = options.margin ?? 0.05;
  const at = prf(confusionAt(labels, scores, { threshold }));
  const now: Record<string, number> = { roc_auc: rocAuc(labels, scores), ...at };
  const metrics = PERFORMANCE_METRICS.map((metric) => {
    const ref = reference[metric] ?? NaN, cur = now[metric]!;
    const drop = ref - cur;
    return { metric, reference: ref, current: cur, drop, degraded: drop > margin };
  });
  return { metrics, margin, threshold, degraded: metrics[0]!.degraded };
}
