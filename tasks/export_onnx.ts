/**
 * `deno task export-onnx --model <model.json> --output <model.onnx>`: converts any of our models
 * or an XGBoost JSON `binary:logistic` model (Python xgboost 1.7–3.x) to ONNX.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { exportOnnxFile, ExportOptionsSchema } from "../lib/pipeline/export_onnx.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "model", option: "model", type: "string", arg: "<model.json>", help: "the model file" },
  { flag: "output", option: "output", type: "string", arg: "<model.onnx>", help: "where the ONNX goes" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "export-onnx",
  summary: "Convert a model (ours or Python xgboost's JSON) to ONNX, checked by onnxruntime.",
  usage: ["deno task export-onnx --model <model.json> --output <model.onnx>"],
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
