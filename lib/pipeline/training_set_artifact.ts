/**
 * A transaction log's training set as a run artifact: the rows themselves as
 * `training_set.parquet` up to {@link TRAINING_SET_ROWS}, else `training_set.json` with their
 * count, column names and a SHA-256 fingerprint (so a run names exactly what it trained on
 * without a file as large as the log).
 *
 * @module
 */

import { tableBytes } from "../data/table_bytes.ts";
import type { RunWriter } from "../tracking/store.ts";
import { trainingSetColumns, trainingSetNames } from "./features_file.ts";
import type { LabeledData } from "./load_features.ts";

/** Rows up to which the training set itself is logged. */
export const TRAINING_SET_ROWS = 200_000;

/**
 * Logs the training set, or its fingerprint when larger than {@link TRAINING_SET_ROWS}: SHA-256
 * over every feature column and then the labels, as little-endian float64 values in row order.
 */
export async function logTrainingSet(run: RunWriter, data: LabeledData): Promise<void> {
  if (data.labels.length <= TRAINING_SET_ROWS) {
    const columns = trainingSetColumns(data);
    await run.logArtifact("training_set.parquet", tableBytes("training_set.parquet", columns));
    return;
  }
  const { frame } = data.features;
  const parts = [...frame.columns, Float64Array.from(data.labels)];
  const bytes = new Uint8Array(parts.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of parts) {
    bytes.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const fingerprint = {
    rows: data.labels.length,
    columns: trainingSetNames(data),
    sha256,
    sha256_of: "feature columns then labels, float64 little-endian, row order",
    written_by: "deno task features (the same rows, to CSV or Parquet)",
  };
  await run.logArtifact("training_set.json", JSON.stringify(fingerprint, null, 2) + "\n");
}
