/**
 * `deno task features`: the training set the configured source gives — for a transaction log,
 * one row per transaction with its point-in-time features — written to CSV or Parquet.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { LOG_SOURCE_FLAGS } from "../lib/config/log_source_flags.ts";
import { FeaturesOptionsSchema, writeTrainingSet } from "../lib/pipeline/features_file.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "output",              option: "output",                   type: "string",  arg: "<set.csv|.parquet>", help: "where the training set goes (ids, time, features, label)" },
  { flag: "log",                 option: "log",                      type: "string",  arg: "<log.csv>",          help: "also write the transaction log itself (tx_id, entity_id, counterparty_id, time, amount, label, label_time)" },
  { flag: "source",              config: "data.source",              type: "string",  arg: "<name>",             help: "embedded, redis, file or transactions (a log)" },
  { flag: "input",               config: "data.file.path",           type: "string",  arg: "<file>",             help: "the labeled file or transaction log" },
  { flag: "max-samples",         config: "data.maxSamples",          type: "number",  arg: "<n>",                help: "rows of the embedded or Redis source" },
  { flag: "seed",                config: "seed",                     type: "number",  arg: "<n>",                help: "seed of the embedded stream and the sample" },
  { flag: "label",               config: "data.file.label",          type: "string",  arg: "<column>",           help: "the 0/1 label column" },
  { flag: "entity-column",       config: "data.file.entityColumn",   type: "string",  arg: "<column>",           help: "the card or customer id column" },
  { flag: "timestamp-column",    config: "data.file.timestampColumn", type: "string", arg: "<column>",           help: "the transaction time column" },
  ...LOG_SOURCE_FLAGS,
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "features",
  summary: "Write the training set (ids, time, features, label) to CSV or Parquet.",
  usage: [
    "deno task features --output output/training_set.parquet",
    "deno task features --source transactions --input log.parquet --output output/log_features.csv",
    "deno task features --labels scenarios --log output/log.csv --output output/log_features.parquet",
  ],
  config: true,
  options: FeaturesOptionsSchema,
  flags: FLAGS,
  notes: ["Exit codes: 0 written, 2 bad input (one line per problem), 1 failure."],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const out = await writeTrainingSet(config, options);
    console.error(
      `features: ${out.rows} rows × ${out.columns.length} columns from ${out.description} → ` +
        `${options.output} (${out.bytes} bytes)`,
    );
  });
}
