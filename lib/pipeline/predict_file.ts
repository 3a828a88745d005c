/**
 * Batch scoring of a file: reads features (CSV or Parquet), scores them with a saved model (ONNX
 * through onnxruntime, ours, or an XGBoost JSON model from Python), and writes the input rows in
 * order with `probability` and `label` columns, atomically.
 *
 * @module
 */

import { z } from "zod";
import { toCsv } from "../data/csv.ts";
import { numericColumns, readTable } from "../data/read_table.ts";
import { ModelFormatError } from "../errors.ts";
import type { Frame } from "../data/frame.ts";
import { loadModel } from "../models/factory.ts";
import { OnnxScorer } from "../onnx/onnx_scorer.ts";
import type { Classifier } from "../models/model.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";

/** What a scoring run did. */
export interface PredictSummary {
  /** Rows scored. */
  readonly rows: number;
  /** The model's type. */
  readonly modelType: string;
  /** The label threshold used. */
  readonly threshold: number;
  /** Non-numeric cells per feature (scored as missing). */
  readonly nonNumeric: Readonly<Record<string, number>>;
  /** Missing (empty) cells per feature. */
  readonly missing: Readonly<Record<string, number>>;
}

/**
 * Reads a model file (JSON).
 *
 * @throws {ModelFormatError} when the file is unreadable, not JSON, or not a known model.
 */
export async function loadModelFile(path: string): Promise<Classifier> {
  const text = new TextDecoder().decode(await readModelBytes(path));
  try {
    return loadModel(JSON.parse(text));
  } catch (cause) {
    if (cause instanceof ModelFormatError) throw cause;
    throw new ModelFormatError(`model "${path}" is not valid JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** A loaded model of either kind, scoring asynchronously. */
interface Scorer {
  readonly featureNames: readonly string[];
  readonly type: string;
  readonly threshold: number;
  predictProba(frame: Frame): Promise<Float64Array>;
  release(): Promise<void>;
}

/** A model file's bytes; a ModelFormatError naming the path when it cannot be read. */
async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (cause) {
    const why = cause instanceof Deno.errors.NotFound ? "no such file" : String(cause);
    throw new ModelFormatError(`cannot read model "${path}": ${why}`, { cause });
  }
}

/** Loads a `.onnx` model into onnxruntime, or a JSON model (ours or XGBoost's). */
export async function loadScorer(path: string): Promise<Scorer> {
  if (/\.onnx$/i.test(path)) {
    return await OnnxScorer.load(await readModelBytes(path));
  }
  const model = await loadModelFile(path);
  return {
    featureNames: model.featureNames,
    type: model.type,
    threshold: model.decisionThreshold,
    predictProba: (frame) => Promise.resolve(model.predictProba(frame)),
    release: () => Promise.resolve(),
  };
}

/** What to score, with which model, and where the scores go. */
export const PredictOptionsSchema = z.strictObject({
  /** The model file: `.onnx` (onnxruntime), ours, or XGBoost JSON. */
  model: z.string().min(1),
  /** Features to score: CSV or Parquet with a header. */
  input: z.string().min(1),
  /** Where the scored rows go (CSV). */
  output: z.string().min(1),
  /** Label threshold on the probability (default: the model's chosen threshold, else 0.5). */
  threshold: z.number().min(0).max(1).optional(),
});

/** Options of {@link predictFile}. */
export type PredictOptions = z.infer<typeof PredictOptionsSchema>;

/**
 * Scores `input` with the model (`.onnx` through onnxruntime, else JSON) and writes `output`: the
 * input's rows in order, then `probability` and `label` (probability ≥ threshold).
 *
 * @throws {DataError} when the input lacks a feature the model needs (nothing is written).
 * @example
 * ```ts
 * const s = await predictFile({ model: "model.onnx", input: "features.csv", output: "scores.csv" });
 * ```
 */
export async function predictFile(options: PredictOptions): Promise<PredictSummary> {
  const { input, output } = options;
  const scorer = await loadScorer(options.model);
  try {
    const table = await readTable(input);
    const { frame, nonNumeric } = numericColumns(table, scorer.featureNames);
    const p = await scorer.predictProba(frame);
    const threshold = options.threshold ?? scorer.threshold;
    const labels = Array.from(p, (v) => (v >= threshold ? 1 : 0));
    const columns = table.names.map((name, j) => [name, table.columns[j]!] as const);
    await writeFileAtomic(output, toCsv([...columns, ["probability", p], ["label", labels]]));
    const missing: Record<string, number> = {};
    frame.columns.forEach((c, j) => {
      let k = 0;
      for (const v of c) if (Number.isNaN(v)) k++;
      const name = frame.names[j]!;
      const m = k - (nonNumeric[name] ?? 0);
      if (m) missing[name] = m;
    });
    return { rows: table.rows, modelType: scorer.type, threshold, nonNumeric, missing };
  } finally {
    await scorer.release();
  }
}
