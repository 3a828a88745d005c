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
  const outcome = what.outcome, m = config.monitor;
  const exp = await store.experimentId(config.mlflow.experimentName);
  const run = await store.startRun(exp, {
    runName: `monitor-${outcome.model}-${new Date().toISOString()}`,
    tags: {
      run_type: "monitor",
      decision: outcome.decision,
      reason: outcome.reason.slice(0, 4900), // MLflow caps tag values at 5000 characters
      triggers_fired: outcome.triggers.filter((t) => t.fired).map((t) => t.name).join(",") ||
        "none",
      champion_version_before: outcome.championBefore,
      champion_version_after: outcome.championAfter,
      ...(outcome.challenger
        ? {
          challenger_version: outcome.challenger.version,
          challenger_run_id: outcome.challenger.runId,
        }
        : {}),
      ...(outcome.promotion ? { promotion_run_id: outcome.promotion.runId } : {}),
      reference_run_id: what.report.context.referenceRunId ?? "",
      lock_token: String(outcome.lock.token),
    },
  });
  await inRun(run, async () => {
    await run.logParams({
      model_name: outcome.model,
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
      ...(outcome.challenger ? { retrain_seed: outcome.challenger.seed } : {}),
    });
    const metrics: Record<string, number> = {
      retrained: outcome.challenger ? 1 : 0,
      promoted: outcome.decision === "promoted" ? 1 : 0,
      data_alarm: outcome.decision === "data_alarm" ? 1 : 0,
      drifted_share: outcome.driftedShare,
    };
    if (Number.isFinite(outcome.championCurrentAuc)) {
      metrics.champion_current_roc_auc = outcome.championCurrentAuc;
    }
    for (const t of outcome.triggers) {
      metrics[`trigger_${t.name}_fired`] = t.fired ? 1 : 0;
      if (Number.isFinite(t.value)) metrics[`trigger_${t.name}_value`] = t.value;
      if (Number.isFinite(t.threshold)) metrics[`trigger_${t.name}_threshold`] = t.threshold;
    }
    await run.logMetrics(metrics);
    await run.logArtifact("cycle.json", JSON.stringify(outcome, null, 2) + "\n");
    await run.logArtifact("drift_report.json", JSON.stringify(what.report, null, 2) + "\n");
    await run.logArtifact("drift_report.html", await driftReportHtml(what.report));
  });
  return run.runId;
}
