/**
 * A transaction log read from a CSV or Parquet file: one row per transaction, its columns named by
 * the settings (entity, counterparty, time, amount, label, and optionally the label's time and a
 * transaction id), sorted by time into a {@link TransactionLog}.
 *
 * @module
 */

import { numericValues, readTable } from "../data/read_table.ts";
import type { Table } from "../data/table.ts";
import { DataError } from "../errors.ts";
import { readLabels, timestamps } from "./file_source.ts";
import type { TransactionLog } from "./transaction_log.ts";

/** Which columns of the file hold what (the config's `data.log` section). */
export interface LogSettings {
  /** A CSV (with a header row) or Parquet file. */
  readonly path?: string | undefined;
  /** The card or customer id. */
  readonly entityColumn: string;
  /** The terminal or merchant id. */
  readonly counterpartyColumn: string;
  /** Transaction time: ISO strings, epoch milliseconds or Parquet timestamps. */
  readonly timeColumn: string;
  /** The amount. */
  readonly amountColumn: string;
  /** 0/1 labels. */
  readonly labelColumn: string;
  /** When the label became known (a fraud's confirmation time); absent: the delay models it. */
  readonly labelTimeColumn?: string | undefined;
  /** Transaction ids (absent: `tx_<n>` in file order). */
  readonly idColumn?: string | undefined;
}

/**
 * Reads the log, every row, sorted by time (rows of equal time keep their file order).
 *
 * @throws {DataError} one line each: an unreadable file (by `readTable`), a named column the file
 *   lacks, times that cannot be read, labels that are not 0/1, amounts that are not numbers, a
 *   label time before its transaction.
 * @example A log with a label-time column
 * ```ts
 * import { readTransactionLog } from "./log_source.ts";
 * const log = await readTransactionLog({
 *   path: "data/transactions_log.csv",
 *   entityColumn: "entity_id",
 *   counterpartyColumn: "counterparty_id",
 *   timeColumn: "time",
 *   amountColumn: "amount",
 *   labelColumn: "label",
 *   labelTimeColumn: "label_time",
 * });
 * log.rows;
 * ```
 */
export async function readTransactionLog(settings: LogSettings): Promise<TransactionLog> {
  if (!settings.path) throw new DataError("data.log.path: the transaction log file is not set");
  const path = settings.path, table = await readTable(path);
  checkLogColumns(table, settings, path);
  const time = timestamps(table, settings.timeColumn, path);
  const order = byTime(time);
  const take = <T extends Float64Array | Uint8Array>(a: T): T => {
    const out = new (a.constructor as { new (n: number): T })(a.length);
    for (let i = 0; i < order.length; i++) out[i] = a[order[i]!]!;
    return out;
  };
  const given = settings.labelTimeColumn
    ? labelTimes(table, { column: settings.labelTimeColumn, time, path })
    : time;
  const [entity, counterparty] = [settings.entityColumn, settings.counterpartyColumn]
    .map((c) => codes(table, c, order));
  const log: TransactionLog = {
    rows: table.rows,
    ids: ids(table, settings.idColumn, order),
    entity: entity!.codes,
    entityNames: entity!.names,
    counterparty: counterparty!.codes,
    counterpartyNames: counterparty!.names,
    time: take(time),
    amount: take(amounts(table, settings.amountColumn, path)),
    label: take(readLabels(table, settings.labelColumn, path)),
    labelTime: take(given),
  };
  checkLabelTimes(log, path);
  return log;
}

function checkLogColumns(table: Table, s: LogSettings, path: string): void {
  const named = [
    s.entityColumn,
    s.counterpartyColumn,
    s.timeColumn,
    s.amountColumn,
    s.labelColumn,
    ...(s.labelTimeColumn ? [s.labelTimeColumn] : []),
    ...(s.idColumn ? [s.idColumn] : []),
  ];
  const missing = named.filter((c) => !table.names.includes(c));
  if (missing.length) {
    throw new DataError(
      `"${path}" has no column ${missing.map((c) => `"${c}"`).join(", ")} (it has ${
        table.names.slice(0, 12).join(", ")
      }${table.names.length > 12 ? ", …" : ""})`,
    );
  }
}

/** Row order by time, stable. */
function byTime(time: Float64Array): Int32Array {
  const order = Int32Array.from({ length: time.length }, (_, i) => i);
  return order.sort((a, b) => time[a]! - time[b]! || a - b);
}

/** A column's values as codes in first-seen (time) order, with the names. */
function codes(table: Table, column: string, order: Int32Array) {
  const cells = table.columns[table.names.indexOf(column)]!;
  const index = new Map<string, number>(), names: string[] = [];
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const name = String(cells[order[i]!] ?? "");
    let code = index.get(name);
    if (code === undefined) {
      code = names.push(name) - 1;
      index.set(name, code);
    }
    out[i] = code;
  }
  return { codes: out, names };
}

/** The label-time column; an empty cell (a label never confirmed later) is the row's own time. */
function labelTimes(
  table: Table,
  labelTime: { column: string; time: Float64Array; path: string },
): Float64Array {
  const cells = table.columns[table.names.indexOf(labelTime.column)]!;
  const empty = (c: unknown) =>
    c === null || c === undefined || c === "" || (typeof c === "number" && Number.isNaN(c));
  const filled = Array.from({ length: table.rows }, (_, i) => {
    const c = cells[i];
    return empty(c) ? labelTime.time[i]! : c;
  });
  return timestamps(
    { names: [labelTime.column], columns: [filled], rows: table.rows },
    labelTime.column,
    labelTime.path,
  );
}

function ids(table: Table, column: string | undefined, order: Int32Array): string[] {
  const cells = column ? table.columns[table.names.indexOf(column)]! : undefined;
  return Array.from(order, (r) => (cells ? String(cells[r] ?? "") : `tx_${r + 1}`));
}

function amounts(table: Table, column: string, path: string): Float64Array {
  const read = numericValues(table.columns[table.names.indexOf(column)]!);
  const bad = read.values.reduce((n, v) => n + (Number.isFinite(v) ? 0 : 1), 0);
  if (bad) {
    throw new DataError(
      `"${path}": amount column "${column}" has ${bad} value(s) that are not numbers`,
    );
  }
  return read.values;
}

function checkLabelTimes(log: TransactionLog, path: string): void {
  let early = 0;
  for (let i = 0; i < log.rows; i++) if (log.labelTime[i]! < log.time[i]!) early++;
  if (early) {
    throw new DataError(
      `"${path}": ${early} label time(s) come before their transaction's time`,
    );
  }
}
