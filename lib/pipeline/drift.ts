/**
 * Drift as `deno task drift` runs it: between two files when both are given, else against a
 * training run (logged as a drift run), with the config's `drift` settings; the JSON and HTML
 * reports written when asked.
 *
 * @module
 */

import { z } from "zod";
import type { TrainingConfig } from "../config/schema.ts";
import { DRIFT_SCENARIOS } from "../features/transactions.ts";
import { driftReportHtml } from "../report/drift_html.ts";
import type { DriftReport } from "../report/drift_report.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";
import { driftFromFiles } from "./drift_files.ts";
import { driftFromRun } from "./drift_run.ts";
import { chunkOptions, dataDriftOptions } from "./drift_options.ts";

/** What a drift check compares and where its reports go. */
export const DriftOptionsSchema = z.strictObject({
  /** Reference file (CSV or Parquet); with `current`, files mode. */
  reference: z.string().min(1).optional(),
  /** Current file; or `predictions`: the model's prediction log in Redis (what production scored). */
  current: z.string().min(1).optional(),
  /** File columns to treat as categorical. */
  categorical: z.array(z.string()).default([]),
  labelColumn: z.string().min(1).default("label"),
  predictionColumn: z.string().min(1).default("prediction"),
  idColumns: z.array(z.string()).default(["entity_id", "feature_timestamp"]),
  /** The files' time column: orders and cuts chunks (needed by `drift.chunkBy`); not a feature. */
  timestampColumn: z.string().min(1).optional(),
  /** The files' 0/1 decision column (default: score ≥ the reference's best-F1 threshold). */
  predictedClassColumn: z.string().min(1).optional(),
  /** The training run to compare with (default: the latest finished one). */
  runId: z.string().min(1).optional(),
  /** A registered model whose run is the reference (`models:/name@alias`, `models:/name/3`). */
  model: z.string().min(1).optional(),
  /** A known shift injected into the embedded current sample (default: `data.scenario`). */
  scenario: z.enum(DRIFT_SCENARIOS).optional(),
  /** Where the JSON report goes. */
  output: z.string().min(1).optional(),
  /** Where the HTML report goes. */
  html: z.string().min(1).optional(),
}).refine(
  (options) =>
    (options.reference === undefined) ===
      (options.current === undefined || options.current === "predictions"),
  {
    message:
      'give both `reference` and `current`, or neither (`current` "predictions" takes no `reference`)',
    path: ["reference"],
    when: (p) => typeof p.value === "object" && p.value !== null, // also when another option is bad
  },
);

/** Options of {@link runDrift}. */
export type DriftOptions = z.infer<typeof DriftOptionsSchema>;

/** The report, and the runs involved when it was made against a training run. */
export interface DriftOutcome {
  readonly report: DriftReport;
  readonly run?: { referenceRunId: string; driftRunId: string; artifactUri: string };
}

/**
 * Checks drift between files or against a training run, and writes the reports asked for.
 *
 * @throws {ConfigError} when no training run exists; {@link DataError} for unusable files.
 */
export async function runDrift(
  config: TrainingConfig,
  options: DriftOptions,
): Promise<DriftOutcome> {
  const common = dataDriftOptions(config.drift);
  let outcome: DriftOutcome;
  if (
    options.reference !== undefined && options.current !== undefined &&
    options.current !== "predictions"
  ) {
    const report = await driftFromFiles(options.reference, options.current, {
      ...common,
      categorical: options.categorical,
      labelColumn: options.labelColumn,
      predictionColumn: options.predictionColumn,
      idColumns: options.idColumns,
      performanceMargin: config.drift.performanceMargin,
      ...chunkOptions(config.drift),
      ...(options.timestampColumn ? { timestampColumn: options.timestampColumn } : {}),
      ...(options.predictedClassColumn
        ? { predictedClassColumn: options.predictedClassColumn }
        : {}),
      seed: config.seed,
      domainClassifier: config.drift.domainClassifier,
    });
    outcome = { report };
  } else {
    const r = await driftFromRun(config, {
      ...common,
      ...(options.scenario ? { scenario: options.scenario } : {}),
      ...(options.runId ? { runId: options.runId } : {}),
      ...(options.current === "predictions" ? { current: "predictions" as const } : {}),
      ...(options.model ? { model: options.model } : {}),
    });
    outcome = { report: r.report, run: r };
  }
  if (options.output) {
    await writeFileAtomic(options.output, JSON.stringify(outcome.report, null, 2) + "\n");
  }
  if (options.html) await writeFileAtomic(options.html, await driftReportHtml(outcome.report));
  return outcome;
}
