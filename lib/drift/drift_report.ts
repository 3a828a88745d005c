/**
 * The drift report: data, prediction and performance drift with their context and the alarms
 * they raise. It serializes to the JSON contract (`features[]`, `dataset`, `alarms`) and displays
 * itself in notebooks.
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
  /** Problems met while reading the samples (e.g. a Redis rescan that found rows gone). */
  readonly warnings?: readonly string[];
}

/** One reason for the alarm (exit code 3 in the task). */
export interface DriftAlarm {
  readonly trigger: "drift_share" | "importance_share" | "schema" | "prediction" | "performance";
  /** What was found, with its value and threshold. */
  readonly detail: string;
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
   * Why the report raises the alarm: a dataset trigger fired (drifted-feature share, drifted
   * importance share, missing features), the scores drifted with at least medium severity
   * (p < α/10), or ROC AUC fell by more than the margin. Single features flagged at α — expected
   * by chance across many features — are reported per feature but do not raise the alarm alone.
   */
  get alarms(): DriftAlarm[] {
    const d = this.data;
    const out: DriftAlarm[] = d.dataset.triggers.filter((t) => t.fired).map((t) => ({
      trigger: t.name,
      detail: t.name === "schema"
        ? `${t.value} reference feature(s) missing from the current sample: ${
          d.missingFeatures.join(", ")
        }`
        : `${t.name === "drift_share" ? "drifted-feature share" : "drifted importance share"} ${
          t.value.toFixed(2)
        } ≥ ${t.threshold}`,
    }));
    const p = this.prediction;
    if (p && (p.severity === "medium" || p.severity === "high")) {
      out.push({
        trigger: "prediction",
        detail: `scores drifted: KS p = ${p.pValue.toExponential(2)} (severity ${p.severity})`,
      });
    }
    const auc = this.performance?.metrics.find((m) => m.metric === "roc_auc");
    if (this.performance?.degraded && auc) {
      out.push({
        trigger: "performance",
        detail: `ROC AUC fell from ${auc.reference.toFixed(3)} to ${
          auc.current.toFixed(3)
        } (margin ${this.performance.margin})`,
      });
    }
    return out;
  }

  /** True when any alarm is raised (exit code 3 in the task). */
  get driftFound(): boolean {
    return this.alarms.length > 0;
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
          ? { unseen_categories: f.unseenCategories, unseen_share: f.unseenShare }
          : {}),
        ...(f.importance !== null ? { importance_share: f.importance } : {}),
        n_reference: f.nReference,
        n_current: f.nCurrent,
      })),
      dataset: {
        drifted: d.dataset.drifted,
        drifted_share: d.dataset.driftedShare,
        drifted_count: d.dataset.driftedCount,
        drifted_importance_share: d.dataset.driftedImportanceShare,
        triggers: d.dataset.triggers,
        n_reference: d.dataset.nReference,
        n_current: d.dataset.nCurrent,
      },
      missing_features: d.missingFeatures,
      new_columns: d.newColumns,
      significance_level: d.significanceLevel,
      correction: d.correction,
      ...(this.prediction ? { prediction: predictionJson(this.prediction) } : {}),
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
      alarms: this.alarms,
      drift_found: this.driftFound,
      context: this.context,
    };
  }

  /** Rich display in Jupyter (Deno kernel): the summary as an HTML table. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": driftSummaryHtml(this) };
  }
}

function predictionJson(p: PredictionDrift): Record<string, unknown> {
  return {
    test: "ks",
    statistic: p.ksStatistic,
    p_value: p.pValue,
    psi: p.psi,
    severity: p.severity,
    drifted: p.drifted,
  };
}
