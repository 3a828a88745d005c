/**
 * A transaction log read from Parquet (text coded by bytes, times as milliseconds, no string per
 * row) is the log read from the same rows as CSV.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { readTransactionLog } from "../lib/features/log_source.ts";
import type { TransactionLog } from "../lib/features/transaction_log.ts";
import { runPython } from "./helpers/python.ts";

const SETTINGS = {
  entityColumn: "entity_id",
  counterpartyColumn: "counterparty_id",
  timeColumn: "time",
  amountColumn: "amount",
  labelColumn: "label",
  labelTimeColumn: "label_time",
  idColumn: "tx_id",
};

/**
 * `rows` transactions: times out of order with ties (or in order when `sorted`), names repeated
 * (one not ASCII).
 */
function csvLog(rows: number, sorted: boolean): string {
  const lines: string[] = [];
  const start = Date.parse("2024-03-01T00:00:00Z");
  for (let i = 0; i < rows; i++) {
    const time = start + ((i * 7919) % 997) * 61_000 + (i % 3 === 0 ? 0 : 1);
    const fraud = i % 11 === 0;
    lines.push([
      `tx_${i}`,
      i % 13 === 0 ? "café" : `card_${(i * 31) % 97}`,
      `m_${(i * 17) % 41}`,
      new Date(time).toISOString(),
      ((i * 37) % 1000) / 4,
      fraud ? 1 : 0,
      fraud ? new Date(time + 5 * 86_400_000).toISOString() : "",
    ].join(","));
  }
  if (sorted) lines.sort((a, b) => a.split(",")[3]!.localeCompare(b.split(",")[3]!));
  const header = "tx_id,entity_id,counterparty_id,time,amount,label,label_time";
  return [header, ...lines].join("\n") + "\n";
}

const TO_PARQUET = `
import pyarrow as pa, pyarrow.csv as pc, pyarrow.parquet as pq
t = pc.read_csv(data["csv"], convert_options=pc.ConvertOptions(column_types={
  "tx_id": pa.string(), "entity_id": pa.string(), "counterparty_id": pa.string(),
  "time": pa.timestamp("ns", tz="UTC"), "amount": pa.float64(), "label": pa.int64(),
  "label_time": pa.timestamp("ms", tz="UTC")}))
pq.write_table(t, data["parquet"], row_group_size=1500)
out = t.num_rows
`;

function shown(log: TransactionLog) {
  return {
    rows: log.rows,
    ids: [...log.ids],
    entity: [...log.entity],
    entityNames: [...log.entityNames],
    counterparty: [...log.counterparty],
    counterpartyNames: [...log.counterpartyNames],
    time: [...log.time],
    amount: [...log.amount],
    label: [...log.label],
    labelTime: [...log.labelTime],
  };
}

for (const sorted of [false, true]) {
  Deno.test(
    `a Parquet transaction log ${
      sorted ? "in time order" : "out of order"
    } reads as the same rows from CSV: codes in first-seen time order, names, times, amounts, labels, label times, ids`,
    async () => {
      const dir = await Deno.makeTempDir();
      const csv = join(dir, "log.csv"), parquet = join(dir, "log.parquet");
      await Deno.writeTextFile(csv, csvLog(4000, sorted));
      assert.equal(await runPython(TO_PARQUET, { csv, parquet }), 4000);
      const fromCsv = shown(await readTransactionLog({ path: csv, ...SETTINGS }));
      const fromParquet = shown(await readTransactionLog({ path: parquet, ...SETTINGS }));
      assert.deepEqual(fromParquet, fromCsv);
      assert.ok(fromCsv.entityNames.includes("café"));
      assert.ok(fromCsv.time.every((t, i) => i === 0 || fromCsv.time[i - 1]! <= t));
      await Deno.remove(dir, { recursive: true });
    },
  );
}
