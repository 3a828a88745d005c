/**
 * `deno task compare`: the champion and the challenger of a registered model on live traffic —
 * what `deno task serve --shadow`/`--canary` logged and the feedback that matured.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { SCALAR_METRICS } from "../lib/evaluate/binary_metrics.ts";
import { compareLiveTraffic, formatLiveComparison } from "../lib/pipeline/live_comparison.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "name",                option: "name",                      type: "string", arg: "<model>", help: "the registered model" },
  { flag: "metric",              option: "metric",                    type: "string", arg: "<m>",     help: "realized metric compared (roc_auc, pr_auc, f1, …)" },
  { flag: "source",              config: "data.source",               type: "string", arg: "<name>",  help: "redis: where the prediction log is" },
  { flag: "label-maturity-days", config: "monitor.labelMaturityDays", type: "number", arg: "<days>",  help: "labels count once their row is this old" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "compare",
  summary: "Compare champion and challenger on live traffic (shadow or canary).",
  usage: ["deno task compare --name fraud_detection --source redis [--metric roc_auc]"],
  config: true,
  options: z.strictObject({
    name: z.string().min(1).default("fraud_detection"),
    metric: z.enum(SCALAR_METRICS).default("roc_auc"),
  }),
  flags: FLAGS,
  notes: ["Exit codes: 0 compared, 2 bad input (no prediction log, no challenger), 1 failure."],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    console.log(formatLiveComparison(await compareLiveTraffic(config, options)));
  });
}
