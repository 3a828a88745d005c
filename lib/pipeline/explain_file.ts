/**
 * Explanations of a file's rows (`deno task explain`): the model's SHAP values for every row, written
 * as the input's id columns (its columns that are not features of the model), one column per
 * feature named as the feature (its contribution to the margin, log-odds), and `bias` — the same
 * layout as XGBoost's `pred_contribs`, whose last column is the bias. Written atomically.
 *
 * @module
 */

import { z } from "zod";
import { type CsvColumn, toCsv } from "../data/csv.ts";
import { encodeCategories, numericColumns, readTable } from "../data/read_table.ts";
import { emptyColumns } from "../data/read_counts.ts";
import { meanAbsShap } from "../explain/shap_importance.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";
import type { ModelStoreSettings } from "./load_model.ts";
import { contributionsOf, loadScorer } from "./scorer.ts";
import { outputNames } from "./predict_file.ts";

/** What to explain, with which model, and where the matrix goes. */
export const ExplainOptionsSchema = z.strictObject({
  /** The model: a JSON file (ours, XGBoost's) or `models:/name@alias`, `runs:/<id>/model`. */
  model: z.string().min(1),
  /** Rows to explain: CSV or Parquet with a header. */
  input: z.string().min(1),
  /** Where the contributions go (CSV). */
  output: z.string().min(1),
});

/** Options of {@link explainFile}. */
export type ExplainOptions = z.infer<typeof ExplainOptionsSchema>;

/** What an explanation run did. */
export interface ExplainSummary {
  readonly rows: number;
  readonly modelType: string;
  /** The input columns kept as ids. */
  readonly idColumns: readonly string[];
  /** Mean |SHAP| per feature over the rows, largest first. */
  readonly importance: ReturnType<typeof meanAbsShap>;
  /** Unreadable cells per feature (explained as missing). */
  readonly nonNumeric: Readonly<Record<string, number>>;
  /** Cells of a text-trained feature in a category the model never saw (explained as missing). */
  readonly unseen: Readonly<Record<string, number>>;
  /** Features with no value in any row. */
  readonly empty: readonly string[];
}

/**
 * Writes the contributions of every row of `input`.
 *
 * @throws {DataError} when the input lacks a feature the model needs (nothing is written).
 * @throws {ConfigError} for an ONNX model (explanations need the JSON model).
 */
export async function explainFile(
  options: ExplainOptions,
  tracking?: ModelStoreSettings,
): Promise<ExplainSummary> {
  const scorer = await loadScorer(options.model, tracking ? { tracking } : {});
  try {
    const raw = await readTable(options.input);
    const { table, unseen } = encodeCategories(raw, scorer.vocabulary);
    const { frame, nonNumeric } = numericColumns(table, scorer.featureNames);
    const phi = await contributionsOf(scorer, frame, "model");
    const names = scorer.featureNames, width = names.length + 1;
    const features = new Set(names);
    const ids = raw.names.filter((n) => !features.has(n));
    const column = (j: number) =>
      Float64Array.from({ length: frame.rows }, (_, i) => phi[i * width + j]!);
    const out: CsvColumn[] = [
      ...ids.map((n): CsvColumn => [n, raw.columns[raw.names.indexOf(n)]!]),
      ...names.map((n, j): CsvColumn => [n, column(j)]),
      // An input column named bias keeps its name; the bias column is then bias_shap.
      [outputNames(["bias"], ids, { suffix: "_shap" }).get("bias")!, column(names.length)],
    ];
    await writeFileAtomic(options.output, toCsv(out));
    return {
      rows: frame.rows,
      modelType: scorer.type,
      idColumns: ids,
      importance: meanAbsShap(phi, names),
      nonNumeric,
      unseen,
      empty: emptyColumns(frame),
    };
  } finally {
    await scorer.release();
  }
}
