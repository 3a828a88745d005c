/**
 * ONNX export of a model file, as `deno task export-onnx` runs it: any of our models or an
 * XGBoost JSON `binary:logistic` model, checked by loading it into onnxruntime before it is
 * written (atomically).
 *
 * @module
 */

import { z } from "zod";
import { exportOnnx } from "../onnx/export_model.ts";
import { OnnxScorer } from "../onnx/onnx_scorer.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";
import { loadModel, type ModelStoreSettings } from "./load_model.ts";

/** Which model to convert and where the ONNX goes. */
export const ExportOptionsSchema = z.strictObject({
  /** A model file (JSON: ours or XGBoost's), or `models:/<name>@<alias>`, `models:/<name>/<n>`. */
  model: z.string().min(1),
  /** Where the `.onnx` goes. */
  output: z.string().min(1),
});

/** What was written. */
export interface ExportOutcome {
  readonly bytes: number;
  readonly modelType: string;
  /** Conversion time, ms. */
  readonly ms: number;
}

/**
 * Converts the model file to ONNX and writes it.
 *
 * @throws {ModelFormatError} for an unreadable or unsupported model.
 */
export async function exportOnnxFile(
  options: z.infer<typeof ExportOptionsSchema>,
  tracking?: ModelStoreSettings,
): Promise<ExportOutcome> {
  const model = await loadModel(options.model, tracking ? { tracking } : {});
  const t0 = performance.now();
  const bytes = exportOnnx(model, { threshold: model.decisionThreshold });
  const ms = performance.now() - t0;
  await (await OnnxScorer.load(bytes)).release(); // onnxruntime must accept it
  await writeFileAtomic(options.output, bytes);
  return { bytes: bytes.length, modelType: model.type, ms };
}
