/**
 * The drift report: data, prediction and performance drift with their context. It serializes to
 * the JSON contract (`features[]`, `dataset`) and displays itself in notebooks.
 *
 * @module
 */

import { driftSummaryHtml } from "../report/drift_html.ts";
import type { DataDrift } from "./data_drift.ts";
import type { PerformanceDrift, PredictionDrift } from "./model_drift.ts";

/** Where the samples came from. */
export interface DriftContext {
  readonly reference: string;
  readonly current: string;
  readonly scenario?: string;
  readonly referenceRunId?: string;
  readonly createdAt: string;
}

/**
 * A full drift report.
 *
 * @example
 * ```ts
 * const report = new DriftReport(detectDataDrift(ref, cur), { reference: "ref.csv", current: "cur.csv", createdAt });
 * report.driftFound; // → exit code 3 in the task
 * ```
 */
export class DriftReport {
  readonly data: DataDrift;
  readonly prediction?: PredictionDrift;
  readonly performance?: PerformanceDrift;
  readonly context: DriftContext;

  constructor(
    data: DataDrift,
    context: DriftContext,
    model: { prediction?: PredictionDrift; performance?: PerformanceDrift } = {},
  ) {
    this.data = data;
    this.context = context;
    if (model.prediction) this.prediction = model.prediction;
    if (model.performance) this.performance = model.performance;
  }

  /**
   * The alarm (exit code 3 in the task): the dataset drifted (share of drifted features ≥ the
   * drift share), or the scores drifted with at least medium severity (p < α/10), or performance
   * degraded. Single features flagged at α — expected by chance across many features — are
   * reported per feature but do not raise the alarm alone.
   */
  get driftFound(): boolean {
    const sev = this.prediction?.severity;
    return this.data.dataset.drifted || sev === "medium" || sev === "high" ||
      (this.performance?.degraded ?? false);
  }

  /** The JSON contract: `features: [{ name, kind, test, statistic, p_value, psi, severity, drifted }]`, `dataset`. */
  toJSON(): Record<string, unknown> {
    const d = this.data;
    return {
      features: d.features.map((f) => ({
        name: f.name,
        kind: f.kind,
        test: f.test,
        statistic: f.statistic,
        p_value: f.pValue,
        psi: f.psi,
        severity: f.severity,
        drifted: f.drifted,
        threshold: f.threshold,
        psi_label: f.psiLabel,
        ...(d.correction !== "none" ? { p_value_uncorrected: f.rawPValue } : {}),
        ...(Object.keys(f.unseenCategories).length
          ? { unseen_categories: f.unseenCategories }
          : {}),
        n_reference: f.nReference,
        n_current: f.nCurrent,
      })),
      dataset: {
        drifted: d.dataset.drifted,
        drifted_share: d.dataset.driftedShare,
        n_reference: d.dataset.nReference,
        n_current: d.dataset.nCurrent,
        drifted_count: d.dataset.driftedCount,
      },
      missing_features: d.missingFeatures,
      significance_level: d.significanceLevel,
      correction: d.correction,
      ...(this.prediction
        ? {
          prediction: {
            test: "ks",
            statistic: this.prediction.ksStatistic,
            p_value: this.prediction.pValue,
            psi: this.prediction.psi,
            severity: this.prediction.severity,
            drifted: this.prediction.drifted,
          },
        }
        : {}),
      ...(this.performance
        ? {
          performance: {
            degraded: this.performance.degraded,
            margin: this.performance.margin,
            threshold: this.performance.threshold,
            metrics: this.performance.metrics,
          },
        }
        : {}),
      drift_found: this.driftFound,
      context: this.context,
    };
  }

  /** Rich display in Jupyter (Deno kernel): the summary as an HTML table. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": driftSummaryHtml(this) };
  }
}
