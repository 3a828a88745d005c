/**
 * Writes a transaction log as Parquet: nothing in `lib/` writes Parquet (`hyparquet` only reads),
 * so, as the tests' other Parquet files, through pyarrow in the reference `.venv`: the log's CSV
 * (`lib/features/transaction_log_csv.ts`) read with typed columns — ids as strings, `time` and
 * `label_time` as `timestamp[ms, UTC]` (pandas reads them as datetimes), `amount` double, `label`
 * int64.
 *
 * @module
 */

import type { TransactionLog } from "../../lib/features/transaction_log.ts";
import { writeTransactionLogCsv } from "../../lib/features/transaction_log_csv.ts";
import { runPython } from "./python.ts";

const TO_PARQUET = `
import pyarrow as pa, pyarrow.csv as csv, pyarrow.parquet as pq
ts = pa.timestamp("ms", tz="UTC")
types = {"tx_id": pa.string(), "entity_id": pa.string(), "counterparty_id": pa.string(),
         "time": ts, "amount": pa.float64(), "label": pa.int64(), "label_time": ts}
table = csv.read_csv(data["csv"], convert_options=csv.ConvertOptions(column_types=types))
pq.write_table(table, data["path"])
out = table.num_rows
`;

/** Writes `log` to `path` as Parquet; resolves to the number of rows written. */
export async function writeTransactionLogParquet(
  log: TransactionLog,
  path: string,
): Promise<number> {
  const csv = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await writeTransactionLogCsv(log, csv);
    return await runPython<number>(TO_PARQUET, { csv, path });
  } finally {
    await Deno.remove(csv);
  }
}
