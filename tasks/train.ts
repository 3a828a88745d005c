/**
 * `deno task train`: flags → config → the pipeline (ranking's with a group column) → the summary.
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { LOG_EVALUATION_FLAGS, LOG_SOURCE_FLAGS } from "../lib/config/log_source_flags.ts";
import { train } from "../lib/pipeline/train.ts";
import { trainRanking } from "../lib/pipeline/train_ranking.ts";
import { isRankingRun } from "../lib/config/ranking_settings.ts";
import { runSummary } from "../lib/report/run_summary.ts";
import { LOG_FLAGS, LOG_OPTIONS } from "../lib/config/log_flags.ts";
import { ENGINE_FLAGS } from "../lib/config/engine_flags.ts";
import { DASK_ENTRY } from "./dask/entry.ts";
import { runTask } from "./_main.ts";
import { stderrLogger } from "./_logger.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "use-case",          config: "useCase",                  type: "string", arg: "<name>",         help: "fraud or personalization: the view, labels and defaults to start from" },
  { flag: "model-type",        config: "model.type",               type: "string", arg: "<type>",         help: "xgboost, lightgbm, random_forest or logistic_regression" },
  { flag: "param",             config: "model.params",             type: "pairs",  arg: "<name>=<value>", help: "a model parameter, repeatable (e.g. --param max_depth=4)" },
  { flag: "calibrate",         config: "model.calibration",        type: "string", arg: "<method>",       help: "isotonic or sigmoid: calibrate probabilities on out-of-fold scores (--split time: on the latest 20% of training)" },
  { flag: "experiment-name",   config: "mlflow.experimentName",    type: "string", arg: "<name>",         help: "MLflow experiment (created if missing)" },
  { flag: "run-name",          config: "mlflow.runName",           type: "string", arg: "<name>",         help: "MLflow run name (default <model>-<time>)" },
  { flag: "positive-rate",     config: "data.positiveRate",        type: "number", arg: "<rate>",         help: "target share of positive labels the rules give (fraud, purchases)" },
  { flag: "split",             config: "data.split",               type: "string", arg: "<how>",          help: "stratified, or time: test on the latest rows, forward-chaining CV" },
  { flag: "cv-folds",          config: "data.cvFolds",             type: "number", arg: "<k>",            help: "CV folds on the training part, 0 = off" },
  { flag: "test-size",         config: "data.testSize",            type: "number", arg: "<share>",        help: "held-out test share" },
  { flag: "seed",              config: "seed",                     type: "number", arg: "<n>",            help: "seed of every random choice" },
  { flag: "source",            config: "data.source",              type: "string", arg: "<name>",         help: "embedded (synthetic stream), redis (the feature store), file (labeled rows) or transactions (a log)" },
  { flag: "max-samples",       config: "data.maxSamples",          type: "number", arg: "<n>",            help: "rows (entities) to use" },
  { flag: "input",             config: "data.file.path",           type: "string", arg: "<file>",         help: "labeled CSV or Parquet file (--source file), or a transaction log (--source transactions)" },
  { flag: "label",             config: "data.file.label",          type: "string", arg: "<column>",       help: "the file's 0/1 label column (relevance grades with --group-column)" },
  { flag: "entity-column",     config: "data.file.entityColumn",   type: "string", arg: "<column>",       help: "the file's entity id column (not a feature)" },
  { flag: "timestamp-column",  config: "data.file.timestampColumn", type: "string", arg: "<column>",      help: "the file's event time column (not a feature; --split time)" },
  { flag: "feature-columns",   config: "data.file.featureColumns", type: "list",   arg: "<a,b,…>",        help: "the file's feature columns (default: all other columns)" },
  { flag: "group-column",      config: "data.file.groupColumn",    type: "string", arg: "<column>",       help: "a file's query-group column: rank the rows within each group (rank:ndcg, or --param objective=rank:pairwise), the label holding relevance grades (not a feature)" },
  { flag: "weight-column",     config: "data.file.weightColumn",   type: "string", arg: "<column>",       help: "a file's or log's row weights (≥ 0): each row counts as its weight in training and every metric (not a feature)" },
  { flag: "redis-layout",      config: "data.redis.layout",        type: "string", arg: "<l>",            help: "hash (the streaming pipeline's) or feast" },
  { flag: "redis-cluster",     config: "data.redis.clusterNodes",  type: "list",   arg: "<host:port,…>",  help: "nodes of a Redis Cluster (every master is scanned)" },
  { flag: "select-features",   config: "model.featureSelection.keep",       type: "number", arg: "<k|share>", help: "keep the k most important features (or those with that share of the importance), chosen on the training part" },
  { flag: "selection-importance", config: "model.featureSelection.importance", type: "string", arg: "<how>", help: "--select-features by shap (mean |SHAP|, the default) or permutation" },
  { flag: "tune",              config: "tune.enabled",             type: "boolean",                       help: "search hyperparameters first (successive halving, CV-scored, nested runs)" },
  { flag: "tune-trials",       config: "tune.trials",              type: "number", arg: "<n>",            help: "configurations sampled for --tune" },
  { flag: "tune-time",         config: "tune.timeBudgetSeconds",   type: "number", arg: "<s>",            help: "stop starting --tune evaluations after this many seconds" },
  { flag: "register",          config: "mlflow.registerModel",     type: "string", arg: "<name>",         help: "register the run's model as a new version of this model" },
  { flag: "alias",             config: "mlflow.registerAlias",     type: "string", arg: "<alias>",        help: "point this alias (e.g. challenger) at the registered version" },
  { flag: "offline-ok",        config: "mlflow.offlineOk",         type: "boolean",                       help: "a tracking server that is down: track to sqlite:///mlflow.db, sync later" },
  ...ENGINE_FLAGS, ...LOG_FLAGS,
  ...LOG_SOURCE_FLAGS,
  ...LOG_EVALUATION_FLAGS,
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "train",
  summary: "Train a model (fraud or personalization) end to end and track the run.",
  usage: ["deno task train [flags]"],
  config: true,
  options: z.strictObject(LOG_OPTIONS),
  flags: FLAGS,
  notes: [
    "Exit codes: 0 trained, 4 trained but the tracking server stopped answering mid-run (the run " +
    "is kept in sqlite:///mlflow.db: upload it with the mlflow-sync command printed), 2 bad config " +
    "or data (one line per problem), 1 failure.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const result = isRankingRun(config)
      ? await trainRanking(config, { log: stderrLogger(options) })
      : await train(config, { log: stderrLogger(options), engine: DASK_ENTRY });
    console.log(runSummary(result, options.logFormat === "json" ? "json" : "text"));
    return result.offline?.lostRunId ? 4 : 0;
  });
}
