/**
 * The end-of-run summary: CV and test metrics side by side, the confusion matrix, top features,
 * the readiness verdict and where the outputs went.
 *
 * @module
 */

import { LogisticRegressionModel } from "../models/logistic_regression.ts";
import type { CoefficientRow } from "../models/logistic_stats.ts";
import type { TrainingOutcome } from "./training_outcome.ts";
import { textTable } from "./text_table.ts";
import { calibrationJson, calibrationText } from "./calibration_summary.ts";
import { fraudMetricsJson, fraudSummaryLines } from "./fraud_summary.ts";

const SHOWN = [
  ["roc_auc", "ROC AUC"],
  ["pr_auc", "PR AUC"],
  ["precision", "precision @0.5"],
  ["recall", "recall @0.5"],
  ["f1", "F1 @0.5"],
  ["best_f1", "F1 @best threshold"],
  ["best_threshold", "best-F1 threshold"],
  ["log_loss", "log loss"],
  ["brier", "Brier score"],
] as const;

/**
 * Formats the summary of a training run as text.
 *
 * @example Print what a training run found
 * ```ts
 * import { config } from "../config/load.ts";
 * import { train } from "../pipeline/train.ts";
 * import { formatTrainingSummary } from "./training_summary.ts";
 * const result = await train(config({ data: { maxSamples: 5000 } }));
 * console.log(formatTrainingSummary(result)); // metrics, confusion matrix, top features, readiness
 * ```
 */
export function formatTrainingSummary(r: TrainingOutcome): string {
  const f = (v: number) => (Number.isNaN(v) ? "nan" : v.toFixed(4));
  const folds = r.cv?.folds.length ?? 0;
  const metrics = textTable(
    ["metric", folds ? `CV (${folds} folds) mean ± std` : "CV", "test"],
    SHOWN.map(([key, label]) => [
      label,
      r.cv ? `${f(r.cv.summary[key].mean)} ± ${f(r.cv.summary[key].std)}` : "-",
      f(r.test[key]),
    ]),
  );
  const c = r.test.confusion;
  const pos = r.data.labeling.positive;
  const confusion = textTable(
    ["test @0.5", `predicted no ${pos}`, `predicted ${pos}`],
    [
      [`actual no ${pos}`, String(c.tn), String(c.fp)],
      [`actual ${pos}`, String(c.fn), String(c.tp)],
    ],
  );
  const top = textTable(
    ["feature", "importance", "share"],
    r.importance.slice(0, 8).map((x) => [x.feature, f(x.importance), f(x.share)]),
  );
  const chosen = r.testAtChosen;
  return [
    `Model ${r.config.model.type} on ${r.rows.total} rows (${r.rows.train} train, ${r.rows.test} test), ` +
    `${pos} rate ${(r.data.labeling.achievedRate * 100).toFixed(2)}%`,
    "",
    metrics,
    "",
    `Chosen threshold ${f(r.chosenThreshold)} (best F1 on ${r.calibration ? "calibrated " : ""}${
      r.cv ? "out-of-fold" : "training"
    } predictions): test precision ` +
    `${f(chosen.precision)}, recall ${f(chosen.recall)}, F1 ${f(chosen.f1)}`,
    ...(r.calibration ? ["", calibrationText(r.calibration)] : []),
    "",
    confusion,
    "",
    r.model instanceof LogisticRegressionModel ? coefficientText(r.model.coefficients()) : top,
    ...(r.timeRanges
      ? [
        "",
        `Out of time: trained on ${r.timeRanges.train.from} … ${r.timeRanges.train.to}, ` +
        `tested on ${r.timeRanges.test.from} … ${r.timeRanges.test.to}`,
      ]
      : []),
    ...(r.fraud ? ["", ...fraudSummaryLines(r.fraud)] : []),
    "",
    `Readiness: ${r.readiness.toUpperCase()} (test ROC AUC ${
      f(r.test.roc_auc)
    }; good > 0.8, acceptable > 0.7)`,
    ...runLines(r),
  ].join("\n");
}

/** What {@link runLines} reads of a run. */
export type RunFacts = Pick<
  TrainingOutcome,
  | "runId"
  | "experimentId"
  | "artifactUri"
  | "trackingUri"
  | "registered"
  | "offline"
  | "durationMs"
  | "phases"
  | "config"
>;

/**
 * A summary's last lines: the run and its artifacts, the registered version, an offline run's
 * sync command, and the time taken per phase.
 */
export function runLines(r: RunFacts): string[] {
  return [
    `Run ${r.runId} in experiment ${r.experimentId} (${r.config.mlflow.experimentName})`,
    `Artifacts: ${r.artifactUri} (${r.trackingUri})`,
    ...(r.registered ? [`Registered as ${r.registered.name} version ${r.registered.version}`] : []),
    ...(r.offline
      ? [
        `Offline: ${r.offline.from} ${
          r.offline.lostRunId
            ? `stopped answering during run ${r.offline.lostRunId}; the run was kept in ${r.offline.to}`
            : "was unreachable"
        }; upload the run with: deno task mlflow-sync ` +
        `--from ${r.offline.to} --to ${r.offline.from} --run-id ${r.runId}`,
      ]
      : []),
    `Took ${(r.durationMs / 1000).toFixed(1)} s${
      r.phases
        ? `: ${
          Object.entries(r.phases).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(", ")
        }`
        : ""
    }`,
  ];
}

/**
 * The training summary as one JSON object (what `deno task train --log-format json` prints on
 * stdout): the run, its rows, the test and CV metrics, the chosen threshold, the registration.
 */
export function trainingSummaryJson(r: TrainingOutcome): Record<string, unknown> {
  return runJson(r, {
    rows: r.rows,
    positive_rate: r.data.labeling.achievedRate,
    test: r.test,
    ...(r.cv ? { cv: r.cv.summary } : {}),
    chosen_threshold: r.chosenThreshold,
    test_at_chosen: r.testAtChosen,
    ...(r.calibration ? { calibration: calibrationJson(r.calibration) } : {}),
    readiness: r.readiness,
    ...(r.fraud ? { fraud: fraudMetricsJson(r.fraud) } : {}),
    top_features: r.importance.slice(0, 10),
  });
}

/**
 * A summary's JSON: the run (ids, store, model type), then the summary's own `fields`, then the
 * registration, an offline run's stores and the time taken.
 */
export function runJson(r: RunFacts, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    run_id: r.runId,
    experiment_id: r.experimentId,
    experiment_name: r.config.mlflow.experimentName,
    tracking_uri: r.trackingUri,
    artifact_uri: r.artifactUri,
    model_type: r.config.model.type,
    ...fields,
    ...(r.registered ? { registered: r.registered } : {}),
    ...(r.offline ? { offline: r.offline } : {}),
    duration_ms: r.durationMs,
    ...(r.phases ? { phases_ms: r.phases } : {}),
  };
}

/** The coefficient table of a logistic regression (original scale), as text. */
export function coefficientText(rows: readonly CoefficientRow[]): string {
  const g = (v: number) =>
    Number.isNaN(v)
      ? "nan"
      : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(2)
      : v.toFixed(4);
  return textTable(
    ["term", "coef", "std err", "95% CI", "odds ratio", "p"],
    rows.map((c) => [
      c.term,
      g(c.coef),
      g(c.stdErr),
      `[${g(c.ciLow)}, ${g(c.ciHigh)}]`,
      g(c.oddsRatio),
      c.pValue < 1e-4 ? "<1e-4" : c.pValue.toFixed(4),
    ]),
  );
}
