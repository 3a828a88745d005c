/**
 * A {@link TransactionLog} as CSV, through the one CSV writer (`toCsv`): the columns `tx_id`,
 * `entity_id`, `counterparty_id`, `time`, `amount`, `label`, `label_time`. Times are ISO 8601 in
 * UTC with milliseconds (`2018-04-01T12:34:56.000Z`): pandas reads them as datetimes with
 * `pd.read_csv(path, parse_dates=["time", "label_time"])` (dtype `datetime64[ns, UTC]`), and
 * `readTable` and the file source read them back as the same epoch milliseconds (`Date.parse`).
 * Epoch milliseconds would come back from pandas as plain integers.
 *
 * Times go through the one ISO formatter (`isoTimeCells`). Parquet tables are written by
 * `tableBytes`; the tests turn this CSV into a pyarrow-typed Parquet log (timestamps as
 * `timestamp[ms, UTC]`) with `tests/helpers/transaction_log_parquet.ts`.
 *
 * @module
 */

import { dirname } from "node:path";
import { type CsvColumn, toCsv } from "../data/csv.ts";
import { orEnvironmentError } from "../errors.ts";
import type { TransactionLog } from "./transaction_log.ts";
import { isoTimeCells } from "../data/iso_times.ts";

/** The columns of a transaction log file, in order. */
export const TRANSACTION_LOG_COLUMNS = [
  "tx_id",
  "entity_id",
  "counterparty_id",
  "time",
  "amount",
  "label",
  "label_time",
] as const;

/**
 * Rows per piece of text written at a time: a million-row log never becomes one string, and small
 * pieces die young (at 65,536 rows garbage collection made writing half again as slow).
 */
const CHUNK_ROWS = 8_192;

/**
 * The log as CSV text with a header row (for small logs; {@link writeTransactionLogCsv} writes a
 * large one piece by piece).
 *
 * @example Two transactions, one confirmed fraud
 * ```ts
 * import { DAY_MS, type TransactionLog } from "./transaction_log.ts";
 * import { transactionLogCsv } from "./transaction_log_csv.ts";
 * const t = Date.UTC(2018, 3, 1, 12);
 * const log: TransactionLog = {
 *   rows: 2,
 *   ids: ["tx_0", "tx_1"],
 *   entity: Int32Array.of(0, 0),
 *   entityNames: ["customer_0"],
 *   counterparty: Int32Array.of(0, 1),
 *   counterpartyNames: ["terminal_0", "terminal_1"],
 *   time: Float64Array.of(t, t + 60_000),
 *   amount: Float64Array.of(12.5, 250),
 *   label: Uint8Array.of(0, 1),
 *   labelTime: Float64Array.of(t, t + 3 * 86_400_000),
 * };
 * transactionLogCsv(log);
 * // "tx_id,entity_id,counterparty_id,time,amount,label,label_time\n" +
 * // "tx_0,customer_0,terminal_0,2018-04-01T12:00:00.000Z,12.5,0,2018-04-01T12:00:00.000Z\n" +
 * // "tx_1,customer_0,terminal_1,2018-04-01T12:01:00.000Z,250,1,2018-04-04T12:00:00.000Z\n"
 * ```
 */
export function transactionLogCsv(log: TransactionLog): string {
  return [...csvPieces(log)].join("");
}

/**
 * Writes the log as CSV (see {@link transactionLogCsv}) to `path`, creating parent folders, a
 * piece at a time.
 *
 * @throws {EnvironmentError} when the path cannot be written (`cannot write "path": reason`).
 * @example Write a simulated month for pandas
 * ```ts
 * import { generateTransactionLog } from "./embedded_log.ts";
 * import { writeTransactionLogCsv } from "./transaction_log_csv.ts";
 * const { log } = generateTransactionLog({ seed: 1, customers: 200, terminals: 400, days: 30 });
 * await writeTransactionLogCsv(log, "output/transactions.csv");
 * // pandas: pd.read_csv("output/transactions.csv", parse_dates=["time", "label_time"])
 * ```
 */
export async function writeTransactionLogCsv(log: TransactionLog, path: string): Promise<void> {
  await orEnvironmentError(`cannot write "${path}"`, async () => {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, ReadableStream.from(csvPieces(log)));
  });
}

/** The CSV text in pieces of {@link CHUNK_ROWS} rows, the header in the first. */
function* csvPieces(log: TransactionLog): Generator<string> {
  if (log.rows === 0) yield toCsv(columns(log, 0, 0));
  for (let from = 0; from < log.rows; from += CHUNK_ROWS) {
    const text = toCsv(columns(log, from, Math.min(log.rows, from + CHUNK_ROWS)));
    yield from === 0 ? text : text.slice(text.indexOf("\n") + 1); // the header once
  }
}

/** Rows `from .. to` of the log as named CSV columns. */
function columns(log: TransactionLog, from: number, to: number): CsvColumn[] {
  const names = (codes: Int32Array, of: readonly string[]) =>
    Array.from(codes.subarray(from, to), (k) => of[k]!);
  const iso = (times: Float64Array) => isoTimeCells(times.subarray(from, to));
  const cells: CsvColumn[1][] = [
    log.ids.slice(from, to),
    names(log.entity, log.entityNames),
    names(log.counterparty, log.counterpartyNames),
    iso(log.time),
    log.amount.subarray(from, to),
    log.label.subarray(from, to),
    iso(log.labelTime),
  ];
  return TRANSACTION_LOG_COLUMNS.map((name, j) => [name, cells[j]!] as const);
}
