/**
 * A saved model ready to score a file's rows, whatever its format: ONNX through onnxruntime, or a
 * JSON model ({@link loadModel}) that scores large inputs, and explains them, on every core.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { Frame } from "../data/frame.ts";
import { GbtModel } from "../models/gbt/gbt_model.ts";
import { ParallelScorer } from "../models/gbt/parallel_scorer.ts";
import { threadCount } from "../models/gbt/thread_pool.ts";
import { OnnxScorer } from "../onnx/onnx_scorer.ts";
import { loadModel, type LoadModelOptions, readModelBytes } from "./load_model.ts";

/** A loaded model of either kind, scoring asynchronously. */
export interface Scorer {
  readonly featureNames: readonly string[];
  readonly vocabulary: Readonly<Record<string, readonly string[]>>;
  readonly type: string;
  readonly threshold: number;
  predictProba(frame: Frame): Promise<Float64Array>;
  /** SHAP values (`Classifier.contributions`); absent for ONNX models. */
  readonly contributions?: (frame: Frame) => Promise<Float64Array>;
  release(): Promise<void>;
}

/**
 * Loads a `.onnx` file into onnxruntime, or a JSON model from a file or a tracking store.
 *
 * @param ref A `.onnx` or JSON file, or a `models:/`, `runs:/` reference.
 * @param options Where references are read from.
 * @returns The scorer; call `release` when done.
 * @throws {ModelFormatError} for an unreadable or unknown model.
 * @example Score a frame with a saved model
 * ```ts
 * import { loadScorer } from "./scorer.ts";
 * import { Frame } from "../data/frame.ts";
 * const scorer = await loadScorer("output/model.onnx");
 * const rows = new Frame(scorer.featureNames, scorer.featureNames.map(() => Float64Array.of(NaN)));
 * const p = await scorer.predictProba(rows);
 * await scorer.release();
 * ```
 */
export async function loadScorer(ref: string, options: LoadModelOptions = {}): Promise<Scorer> {
  if (/\.onnx$/i.test(ref)) {
    return await OnnxScorer.load(await readModelBytes(ref));
  }
  const model = await loadModel(ref, options);
  // Tree models score large inputs on every core (the same kernels: the same numbers).
  let pool: Promise<ParallelScorer> | undefined;
  const parallel = (frame: Frame, atLeast: number) =>
    model instanceof GbtModel && frame.rows >= atLeast && threadCount(0) > 1
      ? (pool ??= ParallelScorer.start(model))
      : undefined;
  return {
    featureNames: model.featureNames,
    vocabulary: model.vocabulary,
    type: model.type,
    threshold: model.decisionThreshold,
    predictProba: async (frame) =>
      await (await parallel(frame, PARALLEL_ROWS))?.predictProba(frame) ??
        model.predictProba(frame),
    contributions: async (frame) =>
      await (await parallel(frame, PARALLEL_SHAP_ROWS))?.contributions(frame) ??
        model.contributions(frame),
    release: async () => (await pool)?.close(),
  };
}

/** Rows from which tree models score, and explain, on every core (below, one thread is faster). */
const PARALLEL_ROWS = 50_000, PARALLEL_SHAP_ROWS = 2_000;

/**
 * The scorer's contributions, or a config error for a model that cannot explain (ONNX).
 *
 * @param scorer The loaded model.
 * @param frame The rows to explain.
 * @param option The option that named the model or asked for explanations (`explain`, `model`),
 *   for the message (the task writes it as its flag).
 * @returns SHAP values, row-major `rows × (features + 1)`, the bias last.
 * @throws {ConfigError} for an ONNX model.
 * @example A saved model's SHAP values
 * ```ts
 * import { contributionsOf, loadScorer } from "./scorer.ts";
 * import { Frame } from "../data/frame.ts";
 * const scorer = await loadScorer("output/model.json");
 * const rows = new Frame(scorer.featureNames, scorer.featureNames.map(() => Float64Array.of(0)));
 * const phi = await contributionsOf(scorer, rows, "explain");
 * await scorer.release();
 * ```
 */
export async function contributionsOf(
  scorer: Scorer,
  frame: Frame,
  option: string,
): Promise<Float64Array> {
  if (!scorer.contributions) {
    throw new ConfigError([
      `${option}: explanations need the model's JSON (model.json or a models:/ reference), not ONNX`,
    ]);
  }
  return await scorer.contributions(frame);
}
