/**
 * `deno task predict --model <model> --input <features> --output <scores.csv>`: scores a file with
 * any saved model (ONNX, ours, or XGBoost JSON from Python's xgboost).
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { predictFile, PredictOptionsSchema } from "../lib/pipeline/predict_file.ts";
import { readWarnings } from "../lib/data/read_counts.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "model",     option: "model",     type: "string", arg: "<model.onnx|.json>",       help: "a file (ONNX, ours, XGBoost JSON) or models:/<name>@<alias>, models:/<name>/<version>" },
  { flag: "input",     option: "input",     type: "string", arg: "<features.csv|.parquet>", help: "rows to score: a header of feature names; an empty cell is missing" },
  { flag: "output",    option: "output",    type: "string", arg: "<scores.csv>",            help: "the input's rows in order, then probability and label (as label_predicted, … where the input has the name)" },
  { flag: "threshold", option: "threshold", type: "number", arg: "<t>",                     help: "label = probability ≥ t (default: the model's chosen threshold, else 0.5)" },
  { flag: "explain",   option: "explain",   type: "number", arg: "<k>",                     help: "add each row's top-k reasons: reason_1 (feature), reason_1_value (its SHAP value), …" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "predict",
  summary: "Score a CSV or Parquet file with a saved model.",
  usage: [
    "deno task predict --model <model> --input <features> --output <scores.csv> [--threshold <t>]",
  ],
  config: true,
  options: PredictOptionsSchema,
  flags: FLAGS,
  notes: ["Exit codes: 0 scored, 2 bad input (a missing feature: nothing written), 1 failure."],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const s = await predictFile(options, config.mlflow);
    for (const line of readWarnings(s)) console.error(`predict: warning: ${line}`);
    for (const [name, as] of Object.entries(s.renamed)) {
      console.error(`predict: the input already has "${name}": the model's "${name}" is "${as}"`);
    }
    console.error(
      `predict: scored ${s.rows} rows with a ${s.modelType} model (label threshold ${s.threshold}) → ${options.output}`,
    );
  });
}
