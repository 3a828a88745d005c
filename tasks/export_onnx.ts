/**
 * `deno task export-onnx --model <model.json|models:/…> --output <model.onnx>`: converts any of
 * our models (a file or a registered model) or an XGBoost JSON `binary:logistic` model (Python
 * xgboost 1.7–3.x) to ONNX.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { exportOnnxFile, ExportOptionsSchema } from "../lib/pipeline/export_onnx.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "model", option: "model", type: "string", arg: "<model.json|models:/…>", help: "a JSON model (ours, XGBoost's) or models:/<name>@<alias>, models:/<name>/<version>, runs:/<id>/model" },
  { flag: "output", option: "output", type: "string", arg: "<model.onnx>", help: "where the ONNX goes" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "export-onnx",
  summary: "Convert a model (ours or Python xgboost's JSON) to ONNX, checked by onnxruntime.",
  usage: [
    "deno task export-onnx --model <model.json> --output <model.onnx>",
    "deno task export-onnx --model models:/fraud_detection@champion --output output/champion.onnx",
  ],
  config: true,
  options: ExportOptionsSchema,
  flags: FLAGS,
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const out = await exportOnnxFile(options, config.mlflow);
    console.error(
      `export-onnx: wrote ${options.output} (${out.bytes} bytes, ${out.modelType}, ${
        out.ms.toFixed(0)
      } ms)`,
    );
  });
}
