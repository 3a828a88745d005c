/**
 * Batch scoring of a file: reads features (CSV or Parquet), scores them with a saved model (ours
 * or an XGBoost JSON model from Python), and writes the input rows in order with a `probability`
 * column, atomically.
 *
 * @module
 */

import { cellText, numericColumns, readTable } from "../data/read_table.ts";
import { ModelFormatError } from "../errors.ts";
import { loadModel } from "../models/factory.ts";
import type { Classifier } from "../models/model.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";

/** What a scoring run did. */
export interface PredictSummary {
  /** Rows scored. */
  readonly rows: number;
  /** The model's type. */
  readonly modelType: string;
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
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new ModelFormatError(
      `cannot read model "${path}": ${
        cause instanceof Deno.errors.NotFound ? "no such file" : String(cause)
      }`,
      { cause },
    );
  }
  try {
    return loadModel(JSON.parse(text));
  } catch (cause) {
    if (cause instanceof ModelFormatError) throw cause;
    throw new ModelFormatError(`model "${path}" is not valid JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * Scores `input` with the model at `modelPath` and writes `output`.
 *
 * @throws {DataError} when the input lacks a feature the model needs (nothing is written).
 * @example
 * ```ts
 * const s = await predictFile("model.json", "features.csv", "scores.csv");
 * ```
 */
export async function predictFile(
  modelPath: string,
  input: string,
  output: string,
): Promise<PredictSummary> {
  const model = await loadModelFile(modelPath);
  const table = await readTable(input);
  const { frame, nonNumeric } = numericColumns(table, model.featureNames);
  const p = model.predictProba(frame);
  const lines = [[...table.names, "probability"].map(cellText).join(",")];
  for (let i = 0; i < table.rows; i++) {
    const cells = table.columns.map((c) => cellText(c[i]));
    cells.push(String(p[i]));
    lines.push(cells.join(","));
  }
  await writeFileAtomic(output, lines.join("\n") + "\n");
  const missing: Record<string, number> = {};
  frame.columns.forEach((c, j) => {
    let k = 0;
    for (const v of c) if (Number.isNaN(v)) k++;
    const name = frame.names[j]!;
    const m = k - (nonNumeric[name] ?? 0);
    if (m) missing[name] = m;
  });
  return { rows: table.rows, modelType: model.type, nonNumeric, missing };
}
