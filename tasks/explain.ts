/**
 * `deno task explain`: every row's SHAP values with a saved model — the input's id columns, one
 * column per feature (its contribution to the margin) and `bias`, as XGBoost's `pred_contribs`.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { explainFile, ExplainOptionsSchema } from "../lib/pipeline/explain_file.ts";
import { readWarnings } from "../lib/data/read_counts.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "model",  option: "model",  type: "string", arg: "<model.json>",            help: "a JSON model (ours, XGBoost's) or models:/<name>@<alias>, models:/<name>/<version>" },
  { flag: "input",  option: "input",  type: "string", arg: "<features.csv|.parquet>", help: "rows to explain: a header of feature names; an empty cell is missing" },
  { flag: "output", option: "output", type: "string", arg: "<shap.csv>",              help: "id columns, one contribution column per feature, and bias" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "explain",
  summary: "Write every row's SHAP values (contributions to the margin) with a saved model.",
  usage: ["deno task explain --model <model> --input <features> --output <shap.csv>"],
  config: true,
  options: ExplainOptionsSchema,
  flags: FLAGS,
  notes: [
    "Trees: exact path-dependent TreeSHAP (as xgboost's pred_contribs); logistic regression: coefficient × (x − mean), standardized.",
    "A row's contributions and bias sum to its margin (log-odds). Exit codes: 0 written, 2 bad input, 1 failure.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const s = await explainFile(options, config.mlflow);
    for (const line of readWarnings(s)) console.error(`explain: warning: ${line}`);
    const top = s.importance.slice(0, 5).map((x) => `${x.feature} ${x.meanAbsShap.toFixed(4)}`);
    console.error(`explain: ${s.rows} rows with a ${s.modelType} model → ${options.output}`);
    console.error(`explain: mean |SHAP| ${top.join(", ")}`);
  });
}
