/**
 * Writes a fitted ranking run: params, metrics (`test_ndcg_at_10`, `cv_map_at_5_mean`, …, one
 * step per CV fold and per boosting round), artifacts, the log; the model comes last, so a run
 * that fails part-way never holds one. The run ends FINISHED after its last artifact.
 *
 * @module
 */

import { toCsv } from "../data/csv.ts";
import type { RunWriter } from "../tracking/store.ts";
import type { Logger } from "../util/logger.ts";
import type { Phases } from "../util/phases.ts";
import { configParams, historyPoints, missingShares, phaseMetrics } from "./record_run.ts";
import { exportOnnx } from "../onnx/export_model.ts";
import { OnnxScorer } from "../onnx/onnx_scorer.ts";
import type { FittedRanking, RankingResult } from "./ranking_result.ts";

/** A metric name as MLflow keys allow it: `ndcg@10` → `ndcg_at_10`. */
export function metricKey(name: string): string {
  return name.replaceAll("@", "_at_");
}

/** What {@link recordRanking} records, and the run's clock and log. */
export interface RankingRecord {
  readonly fitted: FittedRanking;
  /** The run's log lines so far (`logs/train.log`). */
  readonly lines: string[];
  /** The store the run is in (without secrets). */
  readonly where: string;
  readonly phases: Phases;
  readonly started: number;
  readonly log: Logger;
}

/**
 * Records the fitted ranking run into `run` and ends it FINISHED. Artifacts: `config.json`,
 * `feature_names.json`, `metrics.json`, `data_quality.json`, `groups.csv` (each group id and
 * whether it trained or was held out), `logs/train.log`, with `exportOnnx` `model/model.onnx` (its
 * `score` output the model's raw score, checked loadable by onnxruntime) and, last,
 * `model/model.json`.
 */
export async function recordRanking(run: RunWriter, r: RankingRecord): Promise<RankingResult> {
  const { fitted, phases } = r;
  const { params, ...result } = fitted;
  // onnxruntime must accept the model before it is logged.
  const onnx = result.config.exportOnnx
    ? await phases.time("onnx", async () => {
      const bytes = exportOnnx(result.model, { runId: run.runId });
      await OnnxScorer.load(bytes).then((s) => s.release());
      return bytes;
    })
    : undefined;
  const t0 = performance.now();
  await run.logParams({ ...configParams(result.config, params), objective: result.objective });
  await logRankingMetrics(run, result);
  await run.setTags({ use_case: result.config.useCase, objective: result.objective });
  await logRankingArtifacts(run, result);
  phases.add("tracking", performance.now() - t0);
  const spent = phases.toJSON();
  await run.logMetrics(phaseMetrics(spent));
  r.log.info("run finished", { run_id: run.runId, artifacts: run.artifactUri });
  await run.logArtifact("logs/train.log", r.lines.join("\n") + "\n");
  if (onnx) await run.logArtifact("model/model.onnx", onnx);
  await run.logArtifact("model/model.json", result.model.serialize());
  await run.end("FINISHED");
  return {
    ...result,
    runId: run.runId,
    experimentId: run.experimentId,
    artifactUri: run.artifactUri,
    trackingUri: r.where,
    phases: spent,
    durationMs: performance.now() - r.started,
  };
}

type Recorded = Omit<FittedRanking, "params">;

/** Counts, test and CV metrics (mean, std, one step per fold) and the per-round history. */
async function logRankingMetrics(run: RunWriter, result: Recorded): Promise<void> {
  const metrics: Record<string, number> = {
    data_rows: result.rows.total,
    data_groups: result.groups.total,
    train_rows: result.rows.train,
    test_rows: result.rows.test,
    train_groups: result.groups.train,
    test_groups: result.groups.test,
    duration_seconds: result.durationMs / 1000,
  };
  for (const [name, v] of Object.entries(result.test)) metrics[`test_${metricKey(name)}`] = v;
  for (const [name, s] of Object.entries(result.cv?.summary ?? {})) {
    metrics[`cv_${metricKey(name)}_mean`] = s.mean;
    metrics[`cv_${metricKey(name)}_std`] = s.std;
  }
  await run.logMetrics(metrics);
  for (const [k, fold] of (result.cv?.folds ?? []).entries()) {
    await run.logMetrics(
      Object.fromEntries(Object.entries(fold).map(([n, v]) => [`cv_fold_${metricKey(n)}`, v])),
      k,
    );
  }
  await run.logMetricPoints(historyPoints(result.history, metricKey));
}

async function logRankingArtifacts(run: RunWriter, result: Recorded): Promise<void> {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  const { data } = result;
  await run.logArtifact("config.json", json(result.config));
  await run.logArtifact("feature_names.json", json(result.model.featureNames));
  await run.logArtifact("data_quality.json", json(data.quality));
  await run.logArtifact(
    "metrics.json",
    json({
      objective: result.objective,
      test: result.test,
      cv: result.cv ?? null,
      rows: result.rows,
      groups: result.groups,
      binary_grades: data.binary,
      feature_importance: result.importance,
      missing_shares: missingShares(data.quality),
    }),
  );
  const held = new Set<number>();
  for (const i of result.testIndices) held.add(data.groups[i]!);
  await run.logArtifact(
    "groups.csv",
    toCsv([
      ["group_id", data.groupIds],
      ["part", data.groupIds.map((_, g) => (held.has(g) ? "test" : "train"))],
    ]),
  );
}
