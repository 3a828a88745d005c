/**
 * `deno task train`: parse flags → resolve config → run the pipeline → print the summary.
 *
 * @module
 */

import { readConfigFile } from "../lib/config/config_file.ts";
import { type ConfigLayer, ENV_PATHS, envLayer, resolveConfig } from "../lib/config/load.ts";
import { parseTrainArgs, TRAIN_FLAGS } from "../lib/config/train_args.ts";
import { train } from "../lib/pipeline/train.ts";
import { formatTrainingSummary } from "../lib/report/training_summary.ts";
import { Logger } from "../lib/util/logger.ts";
import { runMain } from "./_main.ts";

const HELP = `Train a fraud model end to end and track the run.

Usage: deno task train [flags]

  --config <file.json>       config file (defaults < file < env < flags)
  --model-type <type>        xgboost (default), lightgbm, random_forest, logistic_regression
  --experiment-name <name>   MLflow experiment (default fraud-detection)
  --run-name <name>          MLflow run name
  --fraud-rate <rate>        target fraud label rate (default 0.02)
  --cv-folds <k>             stratified CV folds, 0 = off (default 5)
  --test-size <share>        held-out test share (default 0.2)
  --seed <n>                 seed for every random choice (default 42)
  --source <name>            embedded (default) or redis (coming)
  --max-samples <n>          rows to use (default 10000)
  --redis-layout <l>         hash (default) or feast, with --source redis
  --redis-cluster <nodes>    host:port,… of a Redis Cluster
  --param <name=value>       a model parameter, repeatable (e.g. --param max_depth=4)
  --log-format <fmt>         human (default) or json
  --verbose, -v              debug logging
  --help, -h                 this text

Environment: ${Object.entries(ENV_PATHS).map(([k, v]) => `${k} (${v})`).join(", ")}
Flags: ${Object.keys(TRAIN_FLAGS).length + 5} in all; bad values exit with code 2.`;

await runMain("train", async () => {
  const args = parseTrainArgs(Deno.args);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const layers: ConfigLayer[] = [];
  if (args.configPath) layers.push(await readConfigFile(args.configPath));
  layers.push(envLayer(Deno.env.toObject()), args.layer);
  const config = resolveConfig(layers);
  const log = new Logger({ format: args.logFormat, level: args.verbose ? "debug" : "info" });
  log.addSink((line) => console.error(line));
  const result = await train(config, { log });
  console.log(formatTrainingSummary(result));
  return 0;
});
