/**
 * A monitoring cycle as an MLflow run (`run_type=monitor`): each trigger's value, threshold and
 * verdict as metrics, the decision and versions as tags, the drift report (JSON, HTML) and the
 * whole outcome (`cycle.json`) as artifacts.
 *
 * @module
 */

import { inRun } from "../tracking/in_run.ts";
import type { TrainingConfig } from "../config/schema.ts";
import { driftReportHtml } from "../report/drift_html.ts";
import type { DriftReport } from "../report/drift_report.ts";
import type { TrackingStore } from "../tracking/store.ts";
import type { CycleOutcome } from "./cycle_outcome.ts";

/** The outcome before it has a run. */
type Unlogged = Omit<CycleOutcome, "runId" | "durationMs">;

/** Logs the cycle; returns the run's id. */
export async function logCycleRun(
  store: TrackingStore,
  config: TrainingConfig,
  what: { outcome: Unlogged; report: DriftReport },
): Promise<string> {
  const o = what.outcome, m = config.monitor;
  const exp = await store.experimentId(config.mlflow.experimentName);
  const run = await store.startRun(exp, {
    runName: `monitor-${o.model}-${new Date().toISOString()}`,
    tags: {
      run_type: "monitor",
      decision: o.decision,
      reason: o.reason.slice(0, 4900), // MLflow caps tag values at 5000 characters
      triggers_fired: o.triggers.filter((t) => t.fired).map((t) => t.name).join(",") || "none",
      champion_version_before: o.championBefore,
      champion_version_after: o.championAfter,
      ...(o.challenger
        ? { challenger_version: o.challenger.version, challenger_run_id: o.challenger.runId }
        : {}),
      ...(o.promotion ? { promotion_run_id: o.promotion.runId } : {}),
      reference_run_id: what.report.context.referenceRunId ?? "",
      lock_token: String(o.lock.token),
    },
  });
  await inRun(run, async () => {
    await run.logParams({
      model_name: o.model,
      triggers: m.triggers.join(","),
      drift_severity: m.driftSeverity,
      drift_importance_share: m.driftImportanceShare,
      performance_metric: m.performanceMetric,
      performance_margin: m.performanceMargin,
      max_age_hours: m.maxAgeHours,
      data_band: m.dataBand,
      data_min_difference: m.dataMinDifference,
      data_alpha: m.dataAlpha,
      promotion_metric: m.promotionMetric,
      min_gain: m.minGain,
      scenario: config.data.scenario,
      source: config.data.source,
      ...(o.challenger ? { retrain_seed: o.challenger.seed } : {}),
    });
    const metrics: Record<string, number> = {
      retrained: o.challenger ? 1 : 0,
      promoted: o.decision === "promoted" ? 1 : 0,
      data_alarm: o.decision === "data_alarm" ? 1 : 0,
      drifted_share: o.driftedShare,
    };
    if (Number.isFinite(o.championCurrentAuc)) {
      metrics.champion_current_roc_auc = o.championCurrentAuc;
    }
    for (const t of o.triggers) {
      metrics[`trigger_${t.name}_fired`] = t.fired ? 1 : 0;
      if (Number.isFinite(t.value)) metrics[`trigger_${t.name}_value`] = t.value;
      if (Number.isFinite(t.threshold)) metrics[`trigger_${t.name}_threshold`] = t.threshold;
    }
    await run.logMetrics(metrics);
    await run.logArtifact("cycle.json", JSON.stringify(o, null, 2) + "\n");
    await run.logArtifact("drift_report.json", JSON.stringify(what.report, null, 2) + "\n");
    await run.logArtifact("drift_report.html", await driftReportHtml(what.report));
  });
  return run.runId;
}
