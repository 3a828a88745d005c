/**
 * A drift result as data: data, prediction and performance drift with their context, and the
 * alarms they raise (exit code 3 in the task). `lib/report/drift_report.ts` gives it a JSON form
 * and a notebook display.
 *
 * @module
 */

import type { ChunkedDrift } from "./chunked_drift.ts";
import { latestFullChunk } from "./chunked_measure.ts";
import type { DataDrift } from "./data_drift.ts";
import type { PerformanceDrift, PredictionDrift } from "./model_drift.ts";
import { DRIFT_TESTS, isDrifted } from "./registry.ts";

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
  readonly trigger:
    | "drift_share"
    | "importance_share"
    | "schema"
    | "missing_values"
    | "prediction"
    | "performance"
    | "estimated_performance"
    | "multivariate";
  /** What was found, with its value and threshold. */
  readonly detail: string;
}

/** Everything a drift check found. */
export interface DriftResult {
  readonly data: DataDrift;
  readonly prediction?: PredictionDrift;
  readonly performance?: PerformanceDrift;
  /** The chunked measures, when chunks were asked for. */
  readonly chunks?: ChunkedDrift;
  readonly context: DriftContext;
  /** Why the alarm is raised (empty: no alarm). */
  readonly alarms: readonly DriftAlarm[];
}

/** A fired dataset trigger in words. */
function triggerDetail(d: DataDrift, t: DataDrift["dataset"]["triggers"][number]): string {
  if (t.name === "schema") {
    return `${t.value} reference feature(s) missing from the current sample: ${
      d.missingFeatures.join(", ")
    }`;
  }
  if (t.name === "missing_values") return `missing values rose: ${missingRises(d)}`;
  return `${t.name === "drift_share" ? "drifted-feature share" : "drifted importance share"} ${
    t.value.toFixed(2)
  } ≥ ${t.threshold}`;
}

/** The features whose missing share rose past the rule, with both shares. */
export function missingRises(d: DataDrift): string {
  const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 2 : 0)}%`;
  return d.features.filter((f) => f.missingRose).map((f) =>
    `${f.name} ${pct(f.missingShare.reference)} → ${pct(f.missingShare.current)}` +
    (f.nCurrent === 0 ? " (no value at all)" : "")
  ).join(", ");
}

/**
 * Why a drift result raises the alarm: a dataset trigger fired (drifted-feature share, drifted
 * importance share, missing features, a rise of missing values), the scores drifted at α/10 (severity medium or high: the
 * registry's rule with the stricter threshold), or ROC AUC fell by more than the margin. Single
 * features flagged at α — expected by chance across many features — are reported per feature but
 * do not raise the alarm alone.
 */
export function driftAlarms(
  result: Pick<DriftResult, "data" | "prediction" | "performance" | "chunks">,
): DriftAlarm[] {
  const d = result.data;
  const out: DriftAlarm[] = d.dataset.triggers.filter((t) => t.fired).map((t) => ({
    trigger: t.name,
    detail: triggerDetail(d, t),
  }));
  const p = result.prediction;
  if (
    p && isDrifted(DRIFT_TESTS.ks, { statistic: p.ksStatistic, pValue: p.pValue }, p.alpha / 10)
  ) {
    out.push({
      trigger: "prediction",
      detail: `scores drifted: KS p = ${p.pValue.toExponential(2)} (severity ${p.severity})`,
    });
  }
  const auc = result.performance?.metrics.find((m) => m.metric === "roc_auc");
  if (result.performance?.degraded && auc) {
    out.push({
      trigger: "performance",
      detail: `ROC AUC fell from ${auc.reference.toFixed(3)} to ${
        auc.current.toFixed(3)
      } (margin ${result.performance.margin})`,
    });
  }
  return [...out, ...chunkAlarms(result.chunks)];
}

/**
 * Chunks whose estimated ROC AUC, reconstruction error or domain-classifier AUC left the band: an
 * alarm when the latest full chunk did, or more than one chunk did (one chunk of many outside a
 * ± 3σ band happens by chance: 42 % of the time over 200 unchanged chunks).
 */
function chunkAlarms(chunks: ChunkedDrift | undefined): DriftAlarm[] {
  const out: DriftAlarm[] = [];
  const rules = [
    ["estimated_roc_auc", "estimated_performance", "estimated ROC AUC"],
    ["reconstruction_error", "multivariate", "reconstruction error"],
    ["domain_classifier_auc", "multivariate", "domain classifier ROC AUC"],
  ] as const;
  for (const [measure, trigger, what] of rules) {
    const m = chunks?.measures.find((x) => x.measure === measure);
    const alerted = m?.chunks.filter((c) => c.alert) ?? [];
    if (!m || (alerted.length < 2 && !latestFullChunk(m.chunks)?.alert)) continue;
    const band = `[${m.band.lower?.toFixed(4) ?? "−∞"}, ${m.band.upper?.toFixed(4) ?? "∞"}]`;
    const shown = alerted.slice(0, 3).map((c) => `${c.key} ${c.value.toFixed(4)}`).join(", ");
    out.push({
      trigger,
      detail:
        `${what} left the reference band ${band} in ${alerted.length} of ${m.chunks.length} ` +
        `chunk(s): ${shown}${alerted.length > 3 ? ", …" : ""}`,
    });
  }
  return out;
}
