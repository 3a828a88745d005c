/**
 * The drift report: a {@link DriftResult} that serializes to the JSON contract (`features[]`,
 * `dataset`, `alarms`) and displays itself in notebooks.
 *
 * @module
 */

import type { ChunkedDrift } from "../drift/chunked_drift.ts";
import type { ChunkValue } from "../drift/chunk_band.ts";
import type { ChunkedMeasure } from "../drift/chunked_measure.ts";
import type { DataDrift } from "../drift/data_drift.ts";
import {
  type DriftAlarm,
  driftAlarms,
  type DriftContext,
  type DriftResult,
} from "../drift/drift_result.ts";
import type { PerformanceDrift, PredictionDrift } from "../drift/model_drift.ts";
import { driftSummaryHtml } from "./drift_html.ts";
import { JUPYTER_DISPLAY } from "./display.ts";

/**
 * A full drift report.
 *
 * @example Amounts shifted upwards raise the alarm
 * ```ts
 * import { detectDataDrift } from "../drift/data_drift.ts";
 * import { DriftReport } from "./drift_report.ts";
 * const amounts = (shift: number) => Float64Array.from({ length: 200 }, (_, i) => i % 50 + shift);
 * const data = detectDataDrift(
 *   [{ name: "amount", kind: "continuous", values: amounts(0) }],
 *   [{ name: "amount", kind: "continuous", values: amounts(25) }],
 * );
 * const context = { reference: "ref.csv", current: "cur.csv", createdAt: "2024-06-03T03:00:00Z" };
 * const report = new DriftReport(data, context);
 * report.driftFound; // true → exit code 3 in the task; in a notebook, `report` shows its table
 * ```
 */
export class DriftReport implements DriftResult {
  readonly data: DataDrift;
  readonly prediction?: PredictionDrift;
  readonly performance?: PerformanceDrift;
  readonly chunks?: ChunkedDrift;
  readonly context: DriftContext;
  /** Why the report raises the alarm (see {@link driftAlarms}). */
  readonly alarms: readonly DriftAlarm[];

  constructor(
    data: DataDrift,
    context: DriftContext,
    model: {
      prediction?: PredictionDrift;
      performance?: PerformanceDrift;
      chunks?: ChunkedDrift;
    } = {},
  ) {
    this.data = data;
    this.context = context;
    if (model.prediction) this.prediction = model.prediction;
    if (model.performance) this.performance = model.performance;
    if (model.chunks) this.chunks = model.chunks;
    this.alarms = driftAlarms(this);
  }

  /** This report with one more chunked measure (its alarms recomputed). */
  withChunkMeasure(measure: ChunkedMeasure): DriftReport {
    if (!this.chunks) throw new RangeError("a chunked measure needs a report with chunks");
    const chunks = { ...this.chunks, measures: [...this.chunks.measures, measure] };
    return new DriftReport(this.data, this.context, {
      ...(this.prediction ? { prediction: this.prediction } : {}),
      ...(this.performance ? { performance: this.performance } : {}),
      chunks,
    });
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
        measurable: f.measurable,
        ...(f.note ? { note: f.note } : {}),
        missing_share: f.missingShare,
        missing_rose: f.missingRose,
      })),
      dataset: {
        drifted: d.dataset.drifted,
        drifted_share: d.dataset.driftedShare,
        drifted_count: d.dataset.driftedCount,
        measured_count: d.dataset.measuredCount,
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
      ...(this.chunks ? { chunks: chunksJson(this.chunks) } : {}),
      alarms: this.alarms,
      drift_found: this.driftFound,
      context: this.context,
    };
  }

  /** Rich display in Jupyter (Deno kernel): the summary as an HTML table. */
  [JUPYTER_DISPLAY](): Record<string, string> {
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

/** The chunked measures: per measure its band, the reference's chunks, the current ones, overall. */
function chunksJson(c: ChunkedDrift): Record<string, unknown> {
  const chunk = (v: ChunkValue) => ({
    key: v.key,
    rows: v.rows,
    ...(v.start !== undefined ? { start: new Date(v.start).toISOString() } : {}),
    ...(v.end !== undefined ? { end: new Date(v.end).toISOString() } : {}),
    value: v.value,
    sampling_error: v.samplingError,
    lower_confidence_bound: v.lowerBound,
    upper_confidence_bound: v.upperBound,
    alert: v.alert,
  });
  return {
    by: c.by,
    ...(c.calibrated !== undefined ? { calibrated: c.calibrated } : {}),
    warnings: c.warnings,
    measures: c.measures.map((m) => ({
      measure: m.measure,
      lower_threshold: m.band.lower,
      upper_threshold: m.band.upper,
      alerts: m.alerts,
      overall: chunk(m.overall),
      reference: m.reference.map(chunk),
      chunks: m.chunks.map(chunk),
    })),
  };
}
