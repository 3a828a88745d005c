/**
 * The retraining triggers of a monitoring cycle — drift, performance, age — each a pure function
 * from what was measured to a {@link Trigger}: fired or not, with its value and threshold, so a
 * cycle's decision can always be read back. The data trigger (a new fraud pattern) lives in
 * `pattern_shift.ts`.
 *
 * @module
 */

import { type ChunkedMeasure, latestFullChunk } from "../drift/chunked_measure.ts";
import type { DataDrift } from "../drift/data_drift.ts";
import type { PerformanceDrift } from "../drift/model_drift.ts";
import type { Severity } from "../drift/severity.ts";

/** A trigger's name. */
export type TriggerName =
  | "drift"
  | "performance"
  | "age"
  | "data"
  | "estimated_performance"
  | "multivariate";

/** One evaluated trigger. */
export interface Trigger {
  readonly name: TriggerName;
  readonly fired: boolean;
  /** What was measured (a share, a score, hours, a ratio). */
  readonly value: number;
  /** Where it fires (see `detail` for the direction). */
  readonly threshold: number;
  /** The measurement in words: which features, which rules, which scores. */
  readonly detail: string;
}

const RANK: Record<Severity, number> = { none: 0, low: 1, medium: 2, high: 3 };

/** Rules of {@link driftTrigger}. */
export interface DriftTriggerRules {
  /** The lowest severity that counts. */
  readonly severity: Exclude<Severity, "none">;
  /** The importance share the counted features must carry together. */
  readonly importanceShare: number;
}

/**
 * Fires when the features drifted at `severity` or above carry at least `importanceShare` of the
 * model's importance, or when the dataset verdict is drift.
 *
 * @example The one important feature drifted
 * ```ts
 * import { detectDataDrift } from "../drift/data_drift.ts";
 * import { driftTrigger } from "./triggers.ts";
 * const amounts = (shift: number) => Float64Array.from({ length: 200 }, (_, i) => i % 50 + shift);
 * const drift = detectDataDrift(
 *   [{ name: "amount", kind: "continuous", values: amounts(0) }],
 *   [{ name: "amount", kind: "continuous", values: amounts(25) }],
 *   { importance: { amount: 1 } },
 * );
 * driftTrigger(drift, { severity: "medium", importanceShare: 0.3 }).fired; // true: amount (high)
 * ```
 */
export function driftTrigger(data: DataDrift, rules: DriftTriggerRules): Trigger {
  const severe = data.features.filter((f) => f.drifted && RANK[f.severity] >= RANK[rules.severity]);
  const share = severe.reduce((s, f) => s + (f.importance ?? 0), 0);
  const verdict = data.dataset.triggers.filter((t) => t.fired).map((t) =>
    `${t.name} ${round(t.value)} ≥ ${t.threshold}`
  );
  const fired = share >= rules.importanceShare || data.dataset.drifted;
  const names = severe.map((f) => `${f.name} (${f.severity})`).join(", ") || "none";
  return {
    name: "drift",
    fired,
    value: share,
    threshold: rules.importanceShare,
    detail: `features drifted at ${rules.severity} or above: ${names}; their importance share ` +
      `${round(share)} ${share >= rules.importanceShare ? "≥" : "<"} ${rules.importanceShare}; ` +
      `dataset verdict: ${data.dataset.drifted ? `drift (${verdict.join(", ")})` : "no drift"}`,
  };
}

/**
 * Fires when the champion's `metric` on current labeled rows is below its own test score by at
 * least `margin`.
 */
export function performanceTrigger(
  performance: PerformanceDrift,
  rules: { metric: "roc_auc" | "recall"; margin: number },
): Trigger {
  const m = performance.metrics.find((c) => c.metric === rules.metric);
  if (!m || !Number.isFinite(m.current)) {
    return {
      name: "performance",
      fired: false,
      value: Number.NaN,
      threshold: Number.NaN,
      detail: `${rules.metric} cannot be measured on the current sample (one class only)`,
    };
  }
  const floor = m.reference - rules.margin;
  const fired = m.current <= floor;
  return {
    name: "performance",
    fired,
    value: m.current,
    threshold: floor,
    detail: `champion ${rules.metric} on current rows ${round(m.current)} ${fired ? "≤" : ">"} ` +
      `${round(floor)} (its test score ${round(m.reference)} − margin ${rules.margin})`,
  };
}

/**
 * Fires when the champion has stood unquestioned for `maxAgeHours` (0 = never): since `since`, its
 * registration or the last challenger trained against it.
 */
export function ageTrigger(since: number, maxAgeHours: number, now = Date.now()): Trigger {
  const hours = (now - since) / 3_600_000;
  const fired = maxAgeHours > 0 && hours >= maxAgeHours;
  return {
    name: "age",
    fired,
    value: hours,
    threshold: maxAgeHours,
    detail: maxAgeHours > 0
      ? `champion unquestioned for ${round(hours)} h (since its registration or the last ` +
        `challenger against it) ${fired ? "≥" : "<"} ${maxAgeHours} h`
      : "off (maxAgeHours 0)",
  };
}

/**
 * Fires when the latest full chunk of a chunked measure (not a short remainder) left the
 * reference's band on the harmful side: the estimated ROC AUC below its lower side
 * (`estimated_performance`), or the reconstruction error above its upper side (`multivariate`).
 *
 * @example The latest chunk's error above the band
 * ```ts
 * import { chunkTrigger } from "./triggers.ts";
 * const chunk = (value: number, alert: boolean) =>
 *   ({ key: "[0:99]", rows: 100, value, samplingError: 0.01, lowerBound: 0, upperBound: 0, alert });
 * const measure = {
 *   measure: "reconstruction_error",
 *   band: { lower: 1, upper: 1.2 },
 *   reference: [],
 *   chunks: [chunk(1.1, false), chunk(1.5, true)],
 *   overall: chunk(1.3, true),
 *   alerts: 1,
 * };
 * chunkTrigger("multivariate", measure).fired; // true
 * ```
 */
export function chunkTrigger(
  name: "estimated_performance" | "multivariate",
  measure: ChunkedMeasure,
): Trigger {
  const latest = latestFullChunk(measure.chunks);
  const upper = name === "multivariate";
  const threshold = measure.band[upper ? "upper" : "lower"] ?? Number.NaN;
  const what = upper ? "reconstruction error" : "estimated ROC AUC";
  // Only the harmful side fires: a higher error, a lower estimate.
  const fired = latest !== undefined &&
    (upper ? latest.value > threshold : latest.value < threshold);
  const band = `[${round(measure.band.lower ?? -Infinity)}, ${
    round(measure.band.upper ?? Infinity)
  }]`;
  return {
    name,
    fired,
    value: latest?.value ?? Number.NaN,
    threshold,
    detail: latest
      ? `${what} of the latest chunk ${latest.key} ${round(latest.value)} ${
        fired ? (upper ? "above" : "below") : "not past"
      } the reference band ${band}; ${measure.alerts} of ${measure.chunks.length} chunk(s) outside`
      : `${what}: no current chunk`,
  };
}

/** Four significant digits, for messages. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}
