/**
 * Drift between two files (CSV or Parquet with a header of feature names): a column is
 * categorical when named in `categorical` or when either file holds a non-numeric value in it;
 * otherwise continuous.
 *
 * @module
 */

import { type Cell, numericColumns, readTable, type Table } from "../data/read_table.ts";
import { type DataDriftOptions, detectDataDrift, type FeatureColumn } from "../drift/data_drift.ts";
import { DriftReport } from "../drift/drift_report.ts";
import { DataError } from "../errors.ts";

/** Options of {@link driftFromFiles}. */
export interface FileDriftOptions extends DataDriftOptions {
  /** Columns to treat as categorical. */
  readonly categorical?: readonly string[];
}

/**
 * Compares `current` against `reference`, column by column (columns in only one file are
 * reported as missing).
 *
 * @throws {DataError} for unreadable or empty files, or no column in common.
 */
export async function driftFromFiles(
  reference: string,
  current: string,
  options: FileDriftOptions = {},
): Promise<DriftReport> {
  const [ref, cur] = [await readTable(reference), await readTable(current)];
  if (ref.rows === 0 || cur.rows === 0) {
    throw new DataError(
      `need rows in both files, found ${ref.rows} (reference) and ${cur.rows} (current)`,
    );
  }
  const common = ref.names.filter((n) => cur.names.includes(n));
  if (common.length === 0) {
    throw new DataError("the reference and current files have no column in common");
  }
  const categorical = new Set(options.categorical ?? []);
  for (const n of common) if (!isNumeric(ref, n) || !isNumeric(cur, n)) categorical.add(n);
  const columns = (t: Table): FeatureColumn[] =>
    t.names.map((name) => {
      const kind = categorical.has(name) ? "categorical" as const : "continuous" as const;
      if (kind === "categorical") {
        return { name, kind, values: t.columns[t.names.indexOf(name)]!.map(text) };
      }
      if (!isNumeric(t, name)) {
        return {
          name,
          kind: "categorical" as const,
          values: t.columns[t.names.indexOf(name)]!.map(text),
        };
      }
      return { name, kind, values: numericColumns(t, [name]).frame.column(name) };
    });
  const data = detectDataDrift(columns(ref), columns(cur), options);
  return new DriftReport(data, { reference, current, createdAt: new Date().toISOString() });
}

function text(c: Cell): string {
  return c === null || c === undefined ? "" : String(c).trim();
}

function isNumeric(t: Table, name: string): boolean {
  const col = t.columns[t.names.indexOf(name)]!;
  for (const c of col) {
    if (c === null || c === undefined || typeof c === "number" || typeof c === "bigint") continue;
    if (typeof c === "boolean") return false;
    const s = c.trim();
    if (s === "" || /^(nan|na|null|none)$/i.test(s)) continue;
    if (!Number.isFinite(Number(s))) return false;
  }
  return true;
}
