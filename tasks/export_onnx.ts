/**
 * `deno task export-onnx --model <model.json> --output <model.onnx>`: converts any of our models
 * or an XGBoost JSON `binary:logistic` model (Python xgboost 1.7–3.x) to ONNX, checked by
 * loading it into onnxruntime before it is written.
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";
import { exportOnnx } from "../lib/onnx/export_model.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { loadModelFile } from "../lib/pipeline/predict_file.ts";
import { writeFileAtomic } from "../lib/tracking/atomic.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";

await runMain("export-onnx", async () => {
  const { values } = parseFlags(Deno.args, {
    model: { type: "string" },
    output: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log("Usage: deno task export-onnx --model <model.json> --output <model.onnx>");
    return 0;
  }
  const problems = (["model", "output"] as const).filter((k) => !values[k]).map((k) =>
    `--${k}: required, got nothing`
  );
  if (problems.length) throw new ConfigError(problems);
  const model = await loadModelFile(values.model!);
  const t0 = performance.now();
  const bytes = exportOnnx(model, { threshold: model.decisionThreshold });
  const ms = performance.now() - t0;
  await (await OnnxScorer.load(bytes)).release();
  await writeFileAtomic(values.output!, bytes);
  console.error(
    `export-onnx: wrote ${values.output} (${bytes.length} bytes, ${model.type}, ${
      ms.toFixed(0)
    } ms)`,
  );
  return 0;
});
