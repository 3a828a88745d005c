/**
 * `deno task drift`: data, prediction and performance drift against the latest training run (or
 * `--run-id`) with a current sample from the feature source, or between two files.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { DriftOptionsSchema, runDrift } from "../lib/pipeline/drift.ts";
import { formatDriftSummary } from "../lib/report/drift_summary.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "reference",          option: "reference",             type: "string", arg: "<file>",         help: "reference file (CSV or Parquet)" },
  { flag: "current",            option: "current",               type: "string", arg: "<file>",         help: "current file, or predictions: the model's prediction log in Redis (deno task serve)" },
  { flag: "categorical",        option: "categorical",           type: "list",   arg: "<a,b>",          help: "file columns that are categorical" },
  { flag: "label-column",       option: "labelColumn",           type: "string", arg: "<name>",         help: "label column of the files" },
  { flag: "prediction-column",  option: "predictionColumn",      type: "string", arg: "<name>",         help: "score column of the files" },
  { flag: "id-columns",         option: "idColumns",             type: "list",   arg: "<a,b>",          help: "id columns of the files (not compared)" },
  { flag: "timestamp-column",   option: "timestampColumn",       type: "string", arg: "<name>",         help: "time column of the files: orders and cuts chunks" },
  { flag: "predicted-class-column", option: "predictedClassColumn", type: "string", arg: "<name>",     help: "0/1 decision column (default: score ≥ best-F1 threshold)" },
  { flag: "chunk-size",         config: "drift.chunkSize",       type: "number", arg: "<n>",            help: "rows per chunk: estimated performance and multivariate drift per chunk" },
  { flag: "chunk-count",        config: "drift.chunkCount",      type: "number", arg: "<k>",            help: "number of chunks instead" },
  { flag: "chunk-by",           config: "drift.chunkBy",         type: "string", arg: "<day|week>",     help: "chunks by calendar period of the timestamp column instead" },
  { flag: "domain-classifier",  config: "drift.domainClassifier", type: "boolean",                       help: "per chunk also the domain classifier's ROC AUC (slower)" },
  { flag: "label-maturity-days", config: "monitor.labelMaturityDays", type: "number", arg: "<days>",   help: "against a run: labels count once their row is this old" },
  { flag: "run-id",             option: "runId",                 type: "string", arg: "<id>",           help: "training run to compare with (default: the latest)" },
  { flag: "model",              option: "model",                 type: "string", arg: "<models:/…>",    help: "a registered model (models:/<name>@<alias>): its run is the reference" },
  { flag: "scenario",           option: "scenario",              type: "string", arg: "<s>",            help: "shift in the embedded sample: none, amount_shift, foreign_countries, new_fraud_pattern" },
  { flag: "use-case",           config: "useCase",               type: "string", arg: "<name>",         help: "fraud or personalization: the view and labels" },
  { flag: "source",             config: "data.source",           type: "string", arg: "<name>",         help: "where the current sample comes from: embedded or redis" },
  { flag: "experiment-name",    config: "mlflow.experimentName", type: "string", arg: "<name>",         help: "experiment of the training run" },
  { flag: "seed",               config: "seed",                  type: "number", arg: "<n>",            help: "seed (the current sample uses seed + 7919)" },
  { flag: "max-samples",        config: "drift.maxSamples",      type: "number", arg: "<n>",            help: "rows per sample" },
  { flag: "significance-level", config: "drift.significanceLevel", type: "number", arg: "<α>",          help: "α of the p-value tests" },
  { flag: "correction",         config: "drift.correction",      type: "string", arg: "<c>",            help: "none, bonferroni or bh across features" },
  { flag: "drift-share",        config: "drift.driftShare",      type: "number", arg: "<s>",            help: "drifted-feature share that makes the dataset drifted" },
  { flag: "importance-share",   config: "drift.importanceShare", type: "number", arg: "<s>",            help: "drifted importance share that makes it drifted (off unless set)" },
  { flag: "unseen-share",       config: "drift.unseenShare",     type: "number", arg: "<s>",            help: "share of rows in unseen categories that alone marks drift" },
  { flag: "min-samples",        config: "drift.minSamples",      type: "number", arg: "<n>",            help: "values each sample needs for a test; fewer: not measurable" },
  { flag: "missing-share-rise", config: "drift.missingShareRise", type: "number", arg: "<s>",           help: "rise of a feature's missing share that raises the alarm" },
  { flag: "psi-bins",           config: "drift.psiBins",         type: "number", arg: "<k>",            help: "PSI bins of continuous features" },
  { flag: "test",               config: "drift.tests",           type: "pairs",  arg: "<who>=<test>",   help: "test per feature, kind or * (feature > kind > *), repeatable" },
  { flag: "threshold",          config: "drift.thresholds",      type: "pairs",  arg: "<who>=<value>",  help: "threshold per feature, kind or * (α for p-value tests), repeatable" },
  { flag: "output",             option: "output",                type: "string", arg: "<report.json>",  help: "write the JSON report" },
  { flag: "html",               option: "html",                  type: "string", arg: "<report.html>",  help: "write the HTML report (plotly.js inlined)" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "drift",
  summary: "Detect data, prediction and performance drift.",
  usage: [
    "deno task drift [--run-id <id>] [--scenario <s>] [flags]                against a training run",
    "deno task drift --reference <ref.csv> --current <cur.parquet> [flags]   between files",
    "deno task drift --current predictions --model models:/<name>@champion --source redis   what production scored",
  ],
  config: true,
  options: DriftOptionsSchema,
  flags: FLAGS,
  notes: [
    "Tests: ks, chi_square, chi_square_2s, wasserstein, jensen_shannon.",
    "Exit codes: 0 no alarm, 3 drift found, 2 bad input, 1 failure.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const { report, run } = await runDrift(config, options);
    if (run) {
      console.error(
        `drift: reference run ${run.referenceRunId}; report logged as run ${run.driftRunId} (${run.artifactUri})`,
      );
    }
    console.log(formatDriftSummary(report));
    return report.driftFound ? 3 : 0;
  });
}
