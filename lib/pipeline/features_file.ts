/**
 * The training set as a file, as `deno task features` writes it: the rows the configured source
 * gives (one per transaction for a log) with their ids, time, features and label, so a user can
 * inspect them or train elsewhere. Written atomically, CSV or Parquet by the file name.
 *
 * @module
 */

import { z } from "zod";
import type { TrainingConfig } from "../config/schema.ts";
import type { CsvColumn } from "../data/csv.ts";
import { tableBytes } from "../data/table_bytes.ts";
import { writeFileAtomic } from "../tracking/atomic.ts";
import { ConfigError } from "../errors.ts";
import { writeTransactionLogCsv } from "../features/transaction_log_csv.ts";
import { type LabeledData, loadLabeledData } from "./load_features.ts";
import { isoTimeCells } from "../data/iso_times.ts";

/** Where the training set goes. */
export const FeaturesOptionsSchema = z.strictObject({
  /** A `.csv` or `.parquet` file. */
  output: z.string().min(1),
  /** Also the transaction log itself, as CSV (a log source only: a file's, or the simulated one). */
  log: z.string().min(1).optional(),
});

/** What was written. */
export interface FeaturesOutcome {
  readonly rows: number;
  readonly columns: readonly string[];
  readonly bytes: number;
  /** Where the rows came from, in words. */
  readonly description: string;
}

/**
 * Loads the configured rows with their labels and writes them.
 *
 * @throws {ConfigError} for a source that cannot serve the config; {@link DataError} for bad data.
 * @example The embedded stream's training set as Parquet
 * ```ts
 * import { writeTrainingSet } from "./features_file.ts";
 * import { config } from "../config/load.ts";
 * const out = await writeTrainingSet(config({ data: { maxSamples: 500 } }), {
 *   output: "output/training_set.parquet",
 * });
 * out.rows; // 500
 * ```
 */
export async function writeTrainingSet(
  config: TrainingConfig,
  options: z.infer<typeof FeaturesOptionsSchema>,
): Promise<FeaturesOutcome> {
  const data = await loadLabeledData(config);
  if (options.log) {
    if (!data.log) {
      throw new ConfigError([
        'log: only a transaction log can be written (data.source "transactions" or data.labels "scenarios")',
      ]);
    }
    await writeTransactionLogCsv(data.log, options.log);
  }
  const columns = trainingSetColumns(data);
  const bytes = tableBytes(options.output, columns);
  await writeFileAtomic(options.output, bytes);
  return {
    rows: data.labels.length,
    columns: columns.map(([name]) => name),
    bytes: bytes.length,
    description: data.description,
  };
}

/** The names of {@link trainingSetColumns}, without building the columns. */
export function trainingSetNames(data: LabeledData): string[] {
  const ids = data.log
    ? ["tx_id", "entity_id", "counterparty_id", "time"]
    : ["entity_id", "feature_timestamp"];
  return [...ids, ...data.features.frame.names, "label"];
}

/**
 * The training set's columns: a log's `tx_id`, `entity_id`, `counterparty_id`, `time` (ISO,
 * UTC), else `entity_id` and `feature_timestamp`; then the features in order and `label`.
 */
export function trainingSetColumns(data: LabeledData): CsvColumn[] {
  const { frame, entityIds, timestamps } = data.features;
  const iso = isoTimeCells(timestamps);
  const log = data.log;
  const ids: CsvColumn[] = log
    ? [
      ["tx_id", log.ids],
      ["entity_id", entityIds],
      ["counterparty_id", Array.from(log.counterparty, (c) => log.counterpartyNames[c]!)],
      ["time", iso],
    ]
    : [["entity_id", entityIds], ["feature_timestamp", iso]];
  return [
    ...ids,
    ...frame.names.map((name): CsvColumn => [name, frame.column(name)]),
    ["label", data.labels],
  ];
}
