/**
 * Batch scoring of a file: reads features (CSV or Parquet), scores them with a saved model (ONNX
 * through onnxruntime, ours, or an XGBoost JSON model from Python), and writes the input rows in
 * order with `probability` and `label` columns (and, asked, reason codes), atomically; an output
 * column never takes the name of an input column (see {@link outputNames}).
 *
 * @module
 */

import { z } from "zod";
import { type CsvColumn, toCsv } from "../data/csv.ts";
import { encodeCategories, numericColumns, readTable } from "../data/read_table.ts";
import { emptyColumns } from "../data/read_counts.ts";
import { reasonCodes } from "../explain/reason_codes.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";
import type { ModelStoreSettings } from "./load_model.ts";
import { contributionsOf, loadScorer } from "./scorer.ts";

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
  /** Cells of a text-trained feature holding a category the model never saw (scored as missing). */
  readonly unseen: Readonly<Record<string, number>>;
  /** Features with no value in any row. */
  readonly empty: readonly string[];
  /** Output columns written under another name, the input having theirs: `{ label: "label_predicted" }`. */
  readonly renamed: Readonly<Record<string, string>>;
}

/** What to score, with which model, and where the scores go. */
export const PredictOptionsSchema = z.strictObject({
  /** The model: a file (`.onnx`, ours, XGBoost JSON) or `models:/name@alias`, `runs:/<id>/model`. */
  model: z.string().min(1),
  /** Features to score: CSV or Parquet with a header. */
  input: z.string().min(1),
  /** Where the scored rows go (CSV). */
  output: z.string().min(1),
  /** Label threshold on the probability (default: the model's chosen threshold, else 0.5). */
  threshold: z.number().min(0).max(1).optional(),
  /** Add the top this-many reason codes per row (`reason_1`, `reason_1_value`, …); 0 = none. */
  explain: z.number().int().min(0).max(50).default(0),
});

/** Options of {@link predictFile}. */
export type PredictOptions = z.infer<typeof PredictOptionsSchema>;

/**
 * Scores `input` with the model (`.onnx` through onnxruntime, else JSON) and writes `output`: the
 * input's rows in order, then `probability` and `label` (probability ≥ threshold), and reason
 * codes when asked; an output column whose name the input already has (a labeled file's `label`)
 * is written as `<name>_predicted` instead (see {@link outputNames}), the input's columns as read.
 *
 * @throws {DataError} when the input lacks a feature the model needs (nothing is written).
 * @example Score a CSV file with reason codes
 * ```ts
 * import { predictFile } from "./predict_file.ts";
 * const summary = await predictFile({
 *   model: "model.json", // ours or xgboost's JSON, a .onnx file, or models:/fraud@champion
 *   input: "features.csv",
 *   output: "scores.csv", // the input's columns, probability, label, reason_1 … reason_3
 *   explain: 3,
 * });
 * summary.rows; // rows scored
 * ```
 */
export async function predictFile(
  options: PredictOptions,
  tracking?: ModelStoreSettings,
): Promise<PredictSummary> {
  const { input, output } = options;
  const scorer = await loadScorer(options.model, tracking ? { tracking } : {});
  try {
    const raw = await readTable(input);
    const { table, unseen } = encodeCategories(raw, scorer.vocabulary);
    const { frame, nonNumeric } = numericColumns(table, scorer.featureNames);
    const p = await scorer.predictProba(frame);
    const threshold = options.threshold ?? scorer.threshold;
    const labels = Array.from(p, (v) => (v >= threshold ? 1 : 0));
    const columns: CsvColumn[] = raw.names.map((name, j) => [name, raw.columns[j]!] as const);
    const reasons = options.explain > 0
      ? reasonCodes(
        await contributionsOf(scorer, frame, "explain"),
        scorer.featureNames,
        options.explain,
      )
        .flatMap((r): CsvColumn[] => [[`reason_${r.rank}`, r.feature], [
          `reason_${r.rank}_value`,
          r.value,
        ]])
      : [];
    const scores: CsvColumn[] = [["probability", p], ["label", labels], ...reasons];
    const names = outputNames(scores.map(([name]) => name), raw.names);
    await writeFileAtomic(
      output,
      toCsv([...columns, ...scores.map(([name, values]): CsvColumn => [names.get(name)!, values])]),
    );
    const missing: Record<string, number> = {};
    frame.columns.forEach((c, j) => {
      let k = 0;
      for (const v of c) if (Number.isNaN(v)) k++;
      const name = frame.names[j]!;
      const m = k - (nonNumeric[name] ?? 0);
      if (m) missing[name] = m;
    });
    const empty = emptyColumns(frame);
    return {
      rows: table.rows,
      modelType: scorer.type,
      threshold,
      nonNumeric,
      missing,
      unseen,
      empty,
      renamed: Object.fromEntries([...names].filter(([from, to]) => from !== to)),
    };
  } finally {
    await scorer.release();
  }
}

/** Options of {@link outputNames}. */
export interface OutputNamesOptions {
  /** What a taken name gets (then `_2`, `_3`, …). @default "_predicted" */
  readonly suffix?: string;
}

/**
 * The name each output column is written under: its own, or — when the input has a column of
 * that name (a labeled file's `label`) — `<name>_predicted`, then `<name>_predicted_2`, … until
 * no input or output column has it. Input columns keep their names.
 *
 * @example A labeled input keeps its label column
 * ```ts
 * import { outputNames } from "./predict_file.ts";
 * outputNames(["probability", "label"], ["id", "label"]);
 * // Map { "probability" => "probability", "label" => "label_predicted" }
 * ```
 */
export function outputNames(
  outputs: readonly string[],
  inputs: readonly string[],
  options: OutputNamesOptions = {},
): Map<string, string> {
  const suffix = options.suffix ?? "_predicted";
  const taken = new Set([...inputs, ...outputs]);
  const names = new Map<string, string>();
  for (const name of outputs) {
    if (!inputs.includes(name)) {
      names.set(name, name);
      continue;
    }
    let free = `${name}${suffix}`;
    for (let k = 2; taken.has(free); k++) free = `${name}${suffix}_${k}`;
    taken.add(free);
    names.set(name, free);
  }
  return names;
}
