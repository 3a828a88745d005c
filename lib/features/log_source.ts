/**
 * A transaction log read from a CSV or Parquet file: one row per transaction, its columns named by
 * the settings (entity, counterparty, time, amount, label, and optionally the label's time and a
 * transaction id), sorted by time into a {@link TransactionLog}.
 *
 * @module
 */

import {
  LazyTexts,
  type ParquetColumns,
  type ReadColumn,
  type TextCodes,
} from "../data/read_parquet.ts";
import { numericValues, readColumns } from "../data/read_table.ts";
import type { Cell, Table } from "../data/table.ts";
import { DataError } from "../errors.ts";
import { timeOrder } from "../data/time_split.ts";
import { readLabels, readWeights, timestamps } from "./file_source.ts";
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
  /** Row weights (numbers ≥ 0). */
  readonly weightColumn?: string | undefined;
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
  const path = settings.path, named = logColumns(settings);
  const entityColumns = [settings.entityColumn, settings.counterpartyColumn];
  const lazy = settings.idColumn ? [settings.idColumn] : [];
  const read = await readColumns(path, { columns: named, codes: entityColumns, lazy, times: "ms" });
  checkLogColumns(read.names, named, path);
  const table = cellTable(read);
  const time = timestamps(table, settings.timeColumn, path);
  const inOrder = isSorted(time);
  let byTimeOrder: Int32Array | undefined; // built when a column needs it
  const order = () => (byTimeOrder ??= inOrder ? identity(time.length) : timeOrder(time));
  // Columns read for the log alone are taken as they are when the file is in time order.
  const take = <T extends Float64Array | Uint8Array>(a: T): T => {
    if (inOrder) return a;
    const out = new (a.constructor as { new (n: number): T })(a.length);
    const rows = order();
    for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]!]!;
    return out;
  };
  const sortedTime = take(time);
  // Without a label-time column a label is known at its transaction's time.
  const labelTime = settings.labelTimeColumn
    ? take(labelTimes(table, { column: settings.labelTimeColumn, time, path }))
    : sortedTime.slice();
  const [entity, counterparty] = entityColumns.map((c) => {
    const column = read.columns.get(c)!;
    // Coded in first-seen file order, which is time order when the file is in order.
    const coded = inOrder && isCoded(column) ? column : codes(column, order());
    checkIds(coded, { column: c, path });
    return coded;
  });
  const idCells = settings.idColumn ? read.columns.get(settings.idColumn) : undefined;
  let idList: string[] | undefined; // most runs never look at the ids: decoded when asked
  const log: TransactionLog = {
    rows: table.rows,
    get ids() {
      return (idList ??= ids(idCells, order()));
    },
    entity: entity!.codes,
    entityNames: entity!.names,
    counterparty: counterparty!.codes,
    counterpartyNames: counterparty!.names,
    time: sortedTime,
    amount: take(amounts(table, settings.amountColumn, path)),
    label: take(readLabels(table, settings.labelColumn, path)),
    labelTime,
    ...(settings.weightColumn
      ? { weights: take(readWeights(table, settings.weightColumn, path)) }
      : {}),
  };
  checkLabelTimes(log, path);
  return log;
}

/** The columns the settings name. */
function logColumns(s: LogSettings): string[] {
  return [
    s.entityColumn,
    s.counterpartyColumn,
    s.timeColumn,
    s.amountColumn,
    s.labelColumn,
    ...(s.labelTimeColumn ? [s.labelTimeColumn] : []),
    ...(s.idColumn ? [s.idColumn] : []),
    ...(s.weightColumn ? [s.weightColumn] : []),
  ];
}

function checkLogColumns(names: readonly string[], named: readonly string[], path: string): void {
  const missing = named.filter((c) => !names.includes(c));
  if (missing.length) {
    throw new DataError(
      `"${path}" has no column ${missing.map((c) => `"${c}"`).join(", ")} (it has ${
        names.slice(0, 12).join(", ")
      }${names.length > 12 ? ", …" : ""})`,
    );
  }
}

/** The columns read as cells (coded and lazy text left out: {@link codes} and `ids` read it). */
function cellTable(read: ParquetColumns): Table {
  const cells = [...read.columns].filter((e): e is [string, Float64Array | Cell[]] =>
    !isCoded(e[1]) && !(e[1] instanceof LazyTexts)
  );
  return { names: cells.map((e) => e[0]), columns: cells.map((e) => e[1]), rows: read.rows };
}

function isCoded(column: ReadColumn): column is TextCodes {
  return !ArrayBuffer.isView(column) && !Array.isArray(column) && !(column instanceof LazyTexts);
}

/** Row order by time, stable (no sort for a log already in order, as most are). */
/** 0, 1, …, n − 1: the order of a log already in time order. */
function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

function isSorted(time: Float64Array): boolean {
  for (let i = 1; i < time.length; i++) if (!(time[i - 1]! <= time[i]!)) return false;
  return true;
}

/** A column's values as codes in first-seen (time) order, with the names. */
function codes(column: ReadColumn, order: Int32Array): TextCodes {
  if (isCoded(column)) return recoded(column, order);
  const cells = column instanceof LazyTexts ? column.cells() : column;
  const index = new Map<string, number>(), names: string[] = [];
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const cell = cells[order[i]!];
    const name = typeof cell === "number" && Number.isNaN(cell) ? "" : String(cell ?? "");
    let code = index.get(name);
    if (code === undefined) {
      code = names.push(name) - 1;
      index.set(name, code);
    }
    out[i] = code;
  }
  return { codes: out, names };
}

/** A row without an entity or counterparty id cannot be placed in a window: refused, counted. */
function checkIds(coded: TextCodes, where: { column: string; path: string }): void {
  const empty = coded.names.indexOf("");
  if (empty < 0) return;
  const rows = coded.codes.reduce((n, c) => n + (c === empty ? 1 : 0), 0);
  throw new DataError(
    `"${where.path}": id column "${where.column}" is empty in ${rows} of ${coded.codes.length} rows`,
  );
}

/** Codes in file order renumbered in first-seen order of the rows taken in `order`. */
function recoded(read: TextCodes, order: Int32Array): TextCodes {
  const to = new Int32Array(read.names.length).fill(-1), names: string[] = [];
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const from = read.codes[order[i]!]!;
    let code = to[from]!;
    if (code < 0) code = to[from] = names.push(read.names[from]!) - 1;
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
  if (cells instanceof Float64Array) { // epoch milliseconds, NaN = empty: filled in place
    for (let i = 0; i < cells.length; i++) if (cells[i] !== cells[i]) cells[i] = labelTime.time[i]!;
    return cells;
  }
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

function ids(column: ReadColumn | undefined, order: Int32Array): string[] {
  const cells = column instanceof LazyTexts
    ? column.cells()
    : column && isCoded(column)
    ? Array.from(column.codes, (c) => column.names[c]!)
    : column;
  const out = new Array<string>(order.length);
  for (let i = 0; i < order.length; i++) {
    const r = order[i]!, cell = cells?.[r];
    out[i] = !cells ? `tx_${r + 1}` : typeof cell === "string" ? cell : String(cell ?? "");
  }
  return out;
}

function amounts(table: Table, column: string, path: string): Float64Array {
  const read = numericValues(table.columns[table.names.indexOf(column)]!);
  let bad = 0;
  for (let i = 0; i < read.values.length; i++) if (!Number.isFinite(read.values[i]!)) bad++;
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
