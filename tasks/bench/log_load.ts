/**
 * The transaction-log half of bench:load: a log of text ids, UTC timestamps, amounts, labels and
 * a label time (written by pyarrow) read by the transaction-log source (`readTransactionLog`: our
 * Parquet reader, then ids coded, times ordered, labels, amounts and label times checked) beside
 * pyarrow's `read_table` of the same file, alternating, medians. The goal: at most 2×.
 *
 * @module
 */

import { join } from "node:path";
import { readTransactionLog } from "../../lib/features/log_source.ts";
import { median } from "./_stats.ts";
import { atLeast, formatSpeed, goalCheck, speedFromSeconds } from "./_ratio.ts";

/** Reading the log: at most 2× pyarrow's `read_table`. */
export const LOG_GOAL = atLeast(0.5);

/** What to time, and how pyarrow is run. */
export interface LogLoadOptions {
  readonly rows: number;
  readonly repeats: number;
  readonly dir: string;
  /** Runs pyarrow_load.py with these arguments; its JSON answer. */
  readonly py: (args: string[]) => Promise<Record<string, number>>;
}

/** The log's timings: table rows, the ratio, and a note. */
export interface LogLoadResult {
  readonly rows: string[][];
  readonly speed: number;
  readonly note: string;
}

/** Times reading the log, ours against pyarrow. */
export async function benchLogLoad(o: LogLoadOptions): Promise<LogLoadResult> {
  const path = join(o.dir, "log.parquet");
  const { bytes } = await o.py(["make-log", path, String(o.rows)]);
  const ours: number[] = [], theirs: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const t0 = performance.now();
    const log = await readTransactionLog({
      path,
      entityColumn: "entity_id",
      counterpartyColumn: "counterparty_id",
      timeColumn: "time",
      amountColumn: "amount",
      labelColumn: "label",
      labelTimeColumn: "label_time",
      idColumn: "tx_id",
    });
    ours.push((performance.now() - t0) / 1000);
    if (log.rows !== o.rows) throw new Error("rows lost");
    theirs.push((await o.py(["time", path])).read_table!);
  }
  const [mine, table] = [median(ours), median(theirs)];
  const speed = speedFromSeconds(mine, table);
  const size = `${o.rows.toLocaleString("en-US")} transactions`;
  return {
    rows: [
      [
        `ours: transaction log (readTransactionLog), ${size}`,
        mine.toFixed(2),
        formatSpeed(speed),
        goalCheck(speed, LOG_GOAL),
      ],
      ["pyarrow read_table (the same log)", table.toFixed(2), "", ""],
    ],
    speed,
    note: `log ${(bytes! / 2 ** 20).toFixed(0)} MiB (3 text ids, 2 timestamps); our first read ` +
      `${ours[0]!.toFixed(2)} s (decoding workers started and kept), median of ${o.repeats}`,
  };
}
