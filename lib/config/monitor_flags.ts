/**
 * The flag table of a monitoring cycle, shared by `deno task monitor` and `deno task schedule`
 * (which runs the same cycle on a schedule).
 *
 * @module
 */

import type { FlagSpec } from "./task_spec.ts";
import { LOG_FLAGS } from "./log_flags.ts";

// deno-fmt-ignore
/** The cycle's flags: the model watched, the sources, the triggers, the retrain and the lock. */
export const MONITOR_FLAGS: FlagSpec[] = [
  { flag: "name",                   config: "monitor.modelName",            type: "string", arg: "<model>",     help: "the registered model watched (its champion; challengers registered to it)" },
  { flag: "use-case",               config: "useCase",                      type: "string", arg: "<name>",      help: "fraud or personalization: the view, labels and defaults" },
  { flag: "source",                 config: "data.source",                  type: "string", arg: "<name>",      help: "where current and fresh rows come from: embedded, redis or file" },
  { flag: "scenario",               config: "data.scenario",                type: "string", arg: "<s>",         help: "shift in the embedded stream: none, amount_shift, foreign_countries, new_fraud_pattern" },
  { flag: "input",                  config: "data.file.path",               type: "string", arg: "<file>",      help: "with --source file: the labeled CSV or Parquet of current (and fresh) rows" },
  { flag: "label",                  config: "data.file.label",              type: "string", arg: "<column>",    help: "with --source file: its 0/1 label column" },
  { flag: "current-samples",        config: "drift.maxSamples",             type: "number", arg: "<n>",         help: "rows of the current sample (and of the reference sample used)" },
  { flag: "chunk-size",             config: "drift.chunkSize",              type: "number", arg: "<n>",         help: "rows per chunk: the estimated_performance and multivariate triggers" },
  { flag: "label-maturity-days",    config: "monitor.labelMaturityDays",    type: "number", arg: "<days>",      help: "labels count for realized performance once their row is this old" },
  { flag: "samples",                config: "data.maxSamples",              type: "number", arg: "<n>",         help: "rows a challenger is trained on" },
  { flag: "cv-folds",               config: "data.cvFolds",                 type: "number", arg: "<k>",         help: "CV folds of a challenger's training, 0 = off" },
  { flag: "triggers",               config: "monitor.triggers",             type: "list",   arg: "<a,b>",       help: "triggers evaluated: drift, performance, age, data, estimated_performance, multivariate" },
  { flag: "drift-severity",         config: "monitor.driftSeverity",        type: "string", arg: "<level>",     help: "drift: lowest feature severity counted (low, medium, high)" },
  { flag: "drift-importance-share", config: "monitor.driftImportanceShare", type: "number", arg: "<s>",         help: "drift: importance share those features must carry" },
  { flag: "performance-metric",     config: "monitor.performanceMetric",    type: "string", arg: "<m>",         help: "performance: roc_auc or recall" },
  { flag: "performance-margin",     config: "monitor.performanceMargin",    type: "number", arg: "<d>",         help: "performance: drop below the champion's test score that fires" },
  { flag: "max-age-hours",          config: "monitor.maxAgeHours",          type: "number", arg: "<h>",         help: "age: a champion older than this fires, 0 = off" },
  { flag: "data-band",              config: "monitor.dataBand",             type: "number", arg: "<×>",         help: "data: a rule rate outside [ref / band, ref × band] fires" },
  { flag: "promotion-metric",       config: "monitor.promotionMetric",      type: "string", arg: "<m>",         help: "the metric a challenger must win on" },
  { flag: "min-gain",               config: "monitor.minGain",              type: "number", arg: "<g>",         help: "how much better it must be" },
  { flag: "model-type",             config: "model.type",                   type: "string", arg: "<type>",      help: "the challenger's model type" },
  { flag: "param",                  config: "model.params",                 type: "pairs",  arg: "<k>=<v>",     help: "a challenger model parameter, repeatable" },
  { flag: "lock-ttl",               config: "monitor.lockTtlSeconds",       type: "number", arg: "<s>",         help: "the Redis cycle lock's expiry after its last renewal (a file lock is freed when its process ends)" },
  { flag: "lock-file",              config: "monitor.lockFile",             type: "string", arg: "<path>",      help: "the file lock (when Redis is not the source)" },
  { flag: "redis-layout",           config: "data.redis.layout",            type: "string", arg: "<l>",         help: "hash or feast" },
  { flag: "redis-cluster",          config: "data.redis.clusterNodes",      type: "list",   arg: "<host:port,…>", help: "nodes of a Redis Cluster" },
  { flag: "experiment-name",        config: "mlflow.experimentName",        type: "string", arg: "<name>",      help: "experiment of the cycle, challenger and promotion runs" },
  { flag: "seed",                   config: "seed",                         type: "number", arg: "<n>",         help: "seed (a challenger trains on seed + 104729 × the cycle's lock token)" },
  ...LOG_FLAGS,
];

/** Exit codes, as help and the README list them. */
export const EXIT_NOTE =
  "Exit codes: 0 nothing to do, 10 retrained and promoted, 11 retrained but kept the champion, " +
  "12 another cycle holds the lock (or took it before this one could promote), 13 data alarm " +
  "(a feature's missing values rose: retraining held), 2 bad input, 1 failure.";
