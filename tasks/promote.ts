/**
 * `deno task promote`: moves the `champion` alias of a registered model — to a version, or to the
 * `challenger` when it beats the champion by `--min-gain` on the challenger's held-out rows.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { promote, PromoteOptionsSchema } from "../lib/pipeline/promote.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "name",            option: "name",                  type: "string",  arg: "<model>",  help: "the registered model" },
  { flag: "version",         option: "version",               type: "string",  arg: "<n>",      help: "move champion to this version" },
  { flag: "compare",         option: "compare",               type: "boolean",                  help: "move champion to the challenger only if it is better" },
  { flag: "from-live",       option: "fromLive",              type: "boolean",                  help: "decide on live traffic: the prediction log of a shadow or canary, and matured feedback" },
  { flag: "label-maturity-days", config: "monitor.labelMaturityDays", type: "number", arg: "<days>", help: "with --from-live: labels count once their row is this old" },
  { flag: "source",          config: "data.source",           type: "string",  arg: "<name>",   help: "with --from-live: redis (where the prediction log is)" },
  { flag: "min-gain",        option: "minGain",               type: "number",  arg: "<g>",      help: "how much better the challenger must be (on --metric)" },
  { flag: "metric",          option: "metric",                type: "string",  arg: "<m>",      help: "roc_auc, pr_auc, f1, log_loss, brier, … (lower is better for the last two)" },
  { flag: "experiment-name", config: "mlflow.experimentName", type: "string",  arg: "<name>",   help: "experiment of the decision run" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "promote",
  summary: "Move the champion alias: explicitly, or to a better challenger.",
  usage: [
    "deno task promote --name fraud_detection --version 7",
    "deno task promote --name fraud_detection --compare [--min-gain 0.001] [--metric roc_auc]",
    "deno task promote --name fraud_detection --from-live --source redis   on live traffic",
  ],
  config: true,
  options: PromoteOptionsSchema,
  flags: FLAGS,
  notes: [
    "Exit codes: 0 champion moved, 11 champion kept (the challenger was not better), 2 bad input, 1 failure.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const p = await promote(config, options);
    console.log(`promote: ${p.reason}`);
    console.log(
      `promote: ${options.name}@champion = version ${p.champion} ` +
        `(${p.promoted ? "moved" : "kept"}; decision run ${p.runId})`,
    );
    return p.promoted ? 0 : 11;
  });
}
