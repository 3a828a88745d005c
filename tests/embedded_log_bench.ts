/**
 * The embedded transaction log at the handbook's size (5,000 customers, 10,000 terminals, 183
 * days: about 1.75 million transactions), and writing it as CSV. Timing is reported here, not
 * asserted in a test: `deno bench -A tests/embedded_log_bench.ts`.
 *
 * @module
 */

import { generateTransactionLog } from "../lib/features/embedded_log.ts";
import { writeTransactionLogCsv } from "../lib/features/transaction_log_csv.ts";

const { log } = generateTransactionLog({ seed: 0 });
console.log(`handbook size: ${log.rows} transactions, ${log.label.filter((l) => l).length} frauds`);

Deno.bench("generate the handbook-size log (seed 0)", { n: 3, warmup: 1 }, () => {
  generateTransactionLog({ seed: 0 });
});

Deno.bench("write it as CSV", { n: 1, warmup: 0 }, async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await writeTransactionLogCsv(log, path);
  } finally {
    await Deno.remove(path);
  }
});
