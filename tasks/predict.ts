/**
 * `deno task predict --model <model.json> --input <features.csv|.parquet> --output <scores.csv>`:
 * scores a file with any saved model (ours, or XGBoost JSON from Python's xgboost).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ConfigError } from "../lib/errors.ts";
import { predictFile } from "../lib/pipeline/predict_file.ts";
import { runMain } from "./_main.ts";

const HELP = `Score a CSV or Parquet file with a saved model.

Usage: deno task predict --model <model.json> --input <features.csv|.parquet> --output <scores.csv>

The input needs a header of feature names (extra columns are kept; an empty cell is missing).
The output holds the input's rows in order with a "probability" column.`;

await runMain("predict", async () => {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        model: { type: "string" },
        input: { type: "string" },
        output: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    throw new ConfigError([`arguments: ${(cause as Error).message}`], { cause });
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const problems = (["model", "input", "output"] as const)
    .filter((k) => !values[k])
    .map((k) => `--${k}: required, got nothing`);
  if (problems.length) throw new ConfigError(problems);
  const s = await predictFile(values.model!, values.input!, values.output!);
  for (const [name, n] of Object.entries(s.nonNumeric)) {
    console.error(`predict: warning: ${n} non-numeric value(s) in "${name}" scored as missing`);
  }
  console.error(`predict: scored ${s.rows} rows with a ${s.modelType} model → ${values.output}`);
  return 0;
});
