/**
 * `deno task predict --model <model.json> --input <features.csv|.parquet> --output <scores.csv>`:
 * scores a file with any saved model (ours, or XGBoost JSON from Python's xgboost).
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";
import { predictFile } from "../lib/pipeline/predict_file.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";

const HELP = `Score a CSV or Parquet file with a saved model.

Usage: deno task predict --model <model.json|model.onnx> --input <features.csv|.parquet>
                         --output <scores.csv> [--threshold <t>]

Models: ONNX (run by onnxruntime), ours, or XGBoost JSON saved by Python's xgboost.
The input needs a header of feature names (extra columns are kept; an empty cell is missing).
The output holds the input's rows in order with "probability" and "label" (probability ≥
threshold; default: the model's chosen threshold, else 0.5).`;

await runMain("predict", async () => {
  const { values } = parseFlags(Deno.args, {
    model: { type: "string" },
    input: { type: "string" },
    output: { type: "string" },
    threshold: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const problems = (["model", "input", "output"] as const)
    .filter((k) => !values[k])
    .map((k) => `--${k}: required, got nothing`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    problems.push(
      `--threshold: must be a number in [0, 1], got ${JSON.stringify(values.threshold)}`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const s = await predictFile(
    values.model!,
    values.input!,
    values.output!,
    threshold === undefined ? {} : { threshold },
  );
  for (const [name, n] of Object.entries(s.nonNumeric)) {
    console.error(`predict: warning: ${n} non-numeric value(s) in "${name}" scored as missing`);
  }
  console.error(
    `predict: scored ${s.rows} rows with a ${s.modelType} model (label threshold ${s.threshold}) → ${values.output}`,
  );
  return 0;
});
