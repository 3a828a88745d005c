import assert from "node:assert/strict";
import { join } from "node:path";
import { readTable } from "../lib/data/read_table.ts";
import {
  type EmbeddedLogOptions,
  generateTransactionLog,
  HANDBOOK_SCENARIOS,
} from "../lib/features/embedded_log.ts";
import { DAY_MS, dayOf, type TransactionLog } from "../lib/features/transaction_log.ts";
import {
  TRANSACTION_LOG_COLUMNS,
  transactionLogCsv,
  writeTransactionLogCsv,
} from "../lib/features/transaction_log_csv.ts";
import { runPython } from "./helpers/python.ts";
import { writeTransactionLogParquet } from "./helpers/transaction_log_parquet.ts";

/** The handbook's density (customers per terminal, radius) on fewer customers and days. */
const MEDIUM: EmbeddedLogOptions = {
  seed: 3,
  customers: 2000,
  terminals: 4000,
  days: 90,
  startDate: "2024-01-01",
};
const medium = generateTransactionLog(MEDIUM);
const SMALL: EmbeddedLogOptions = { seed: 11, customers: 300, terminals: 600, days: 40 };

/** Each row's day since the log's start. */
function simDays(log: TransactionLog): Int32Array {
  const first = dayOf(Date.UTC(2024, 0, 1));
  return Int32Array.from(log.time, (t) => dayOf(t) - first);
}

/** Whether row i falls in a window of `span` days opened by one of `drawn` (perDay a day). */
function inWindows(drawn: Int32Array, perDay: number, span: number) {
  const starts = new Map<number, number[]>();
  drawn.forEach((code, k) =>
    starts.set(code, [...(starts.get(code) ?? []), Math.floor(k / perDay)])
  );
  return (code: number, day: number) =>
    (starts.get(code) ?? []).filter((s) => day >= s && day < s + span).length;
}

Deno.test("the same seed gives the same bytes; another seed another log", () => {
  const a = generateTransactionLog(SMALL), b = generateTransactionLog(SMALL);
  const other = generateTransactionLog({ ...SMALL, seed: 12 });
  assert.ok(a.log.rows > 20_000, `rows: ${a.log.rows}`);
  assert.equal(transactionLogCsv(a.log), transactionLogCsv(b.log));
  assert.deepEqual(a.truth, b.truth);
  assert.notEqual(transactionLogCsv(a.log), transactionLogCsv(other.log));
});

Deno.test("the log is sorted by time, ids in that order, codes within their names", () => {
  const { log } = medium;
  assert.equal(log.ids.length, log.rows);
  for (let i = 1; i < log.rows; i++) {
    if (log.time[i]! < log.time[i - 1]!) assert.fail(`row ${i} is earlier than row ${i - 1}`);
  }
  assert.equal(log.ids[0], "tx_0");
  assert.equal(log.ids[log.rows - 1], `tx_${log.rows - 1}`);
  assert.equal(log.time[0]! >= Date.UTC(2024, 0, 1), true);
  assert.equal(log.time[log.rows - 1]! < Date.UTC(2024, 0, 1) + 90 * DAY_MS, true);
  assert.ok(log.entity.every((c) => c >= 0 && c < log.entityNames.length));
  assert.ok(log.counterparty.every((c) => c >= 0 && c < log.counterpartyNames.length));
  assert.equal(log.entityNames[17], "customer_17");
  assert.equal(log.counterpartyNames[42], "terminal_42");
});

Deno.test("a fraud's label time is 1 to 30 days after it, uniformly; a legitimate row's is its own time", () => {
  const { log } = medium;
  let frauds = 0, sum = 0, early = 0;
  for (let i = 0; i < log.rows; i++) {
    const delay = (log.labelTime[i]! - log.time[i]!) / DAY_MS;
    if (!log.label[i]) {
      assert.equal(delay, 0, `row ${i}`);
      continue;
    }
    assert.ok(delay >= 1 && delay <= 30, `row ${i}: delay ${delay} days`);
    assert.equal(log.labelTime[i]! % 1000, 0, "whole seconds");
    frauds++, sum += delay, early += delay < 15.5 ? 1 : 0;
  }
  assert.ok(frauds > 2000, `frauds: ${frauds}`);
  assert.ok(Math.abs(sum / frauds - 15.5) < 0.6, `mean delay ${sum / frauds} days, expected 15.5`);
  assert.ok(Math.abs(early / frauds - 0.5) < 0.04, `share under 15.5 days ${early / frauds}`);
  const short = generateTransactionLog({ ...SMALL, labelDelayDays: { min: 2, max: 3 } }).log;
  for (let i = 0; i < short.rows; i++) {
    const delay = (short.labelTime[i]! - short.time[i]!) / DAY_MS;
    assert.ok(short.label[i] ? delay >= 2 && delay <= 3 : delay === 0, `row ${i}: ${delay}`);
  }
});

Deno.test("scenario 1: every amount above 220 is fraud, and only those carry its code", () => {
  const { log, truth } = medium;
  let above = 0;
  for (let i = 0; i < log.rows; i++) {
    if (log.amount[i]! > 220) above++, assert.equal(log.label[i], 1, `row ${i}`);
    if (truth.scenario[i] === 1) assert.ok(log.amount[i]! > 220, `row ${i}`);
  }
  assert.ok(above > 50, `amounts above 220: ${above}`);
});

Deno.test("scenario 2: 2 terminals a day, all their transactions for 28 days fraud, none other", () => {
  const { log, truth } = medium;
  const { compromisedTerminalsPerDay: perDay, terminalCompromiseDays: span } = HANDBOOK_SCENARIOS;
  assert.equal(truth.compromisedTerminals.length, 90 * perDay);
  for (let d = 0; d < 90; d++) {
    const day = truth.compromisedTerminals.subarray(d * perDay, (d + 1) * perDay);
    assert.equal(new Set(day).size, perDay, `day ${d}: distinct terminals`);
  }
  const covered = inWindows(truth.compromisedTerminals, perDay, span), day = simDays(log);
  let marked = 0;
  for (let i = 0; i < log.rows; i++) {
    const inWindow = covered(log.counterparty[i]!, day[i]!) > 0;
    if (inWindow) marked++, assert.equal(log.label[i], 1, `row ${i} at a compromised terminal`);
    if (truth.scenario[i] === 2) assert.ok(inWindow, `row ${i} has code 2 outside a window`);
  }
  assert.ok(marked > 1000, `transactions at compromised terminals: ${marked}`);
});

Deno.test("scenario 3: 3 customers a day, a third of their next 14 days' transactions fraud at 5× the amount", () => {
  const { log, truth } = medium;
  const { compromisedCustomersPerDay: perDay, customerCompromiseDays: span } = HANDBOOK_SCENARIOS;
  assert.equal(truth.compromisedCustomers.length, 90 * perDay);
  const covered = inWindows(truth.compromisedCustomers, perDay, span), day = simDays(log);
  let once = 0, onceMarked = 0;
  for (let i = 0; i < log.rows; i++) {
    const windows = covered(log.entity[i]!, day[i]!);
    if (truth.scenario[i] === 3) assert.ok(windows > 0, `row ${i} has code 3 outside a window`);
    if (windows === 1) once++, onceMarked += truth.scenario[i] === 3 ? 1 : 0;
  }
  assert.ok(once > 5000, `rows in one compromise window: ${once}`);
  assert.ok(Math.abs(onceMarked / once - 1 / 3) < 0.03, `share marked: ${onceMarked / once}`);
  // The same draws with amounts left alone: a scenario-3 amount is 5× (25× if drawn twice).
  const plain = generateTransactionLog({ ...MEDIUM, scenarios: { amountMultiplier: 1 } }).log;
  assert.deepEqual(plain.label, log.label);
  for (let i = 0; i < log.rows; i++) {
    const ratio = log.amount[i]! / plain.amount[i]!;
    if (truth.scenario[i] !== 3) assert.equal(log.amount[i], plain.amount[i], `row ${i}`);
    else if (plain.amount[i]! > 0) {
      assert.ok([5, 25, 125].some((r) => Math.abs(ratio - r) < 1e-6 * r));
    }
  }
});

Deno.test("configured rates reach the draws: more terminals for shorter, half of a customer's transactions", () => {
  const { log, truth } = generateTransactionLog({
    ...MEDIUM,
    scenarios: {
      amountThreshold: Infinity,
      compromisedTerminalsPerDay: 5,
      terminalCompromiseDays: 7,
      compromisedShare: 0.5,
    },
  });
  assert.equal(truth.compromisedTerminals.length, 90 * 5);
  assert.equal(truth.compromisedCustomers.length, 90 * 3);
  const terminals = inWindows(truth.compromisedTerminals, 5, 7);
  const customers = inWindows(truth.compromisedCustomers, 3, 14), day = simDays(log);
  let once = 0, onceMarked = 0;
  for (let i = 0; i < log.rows; i++) {
    const atTerminal = terminals(log.counterparty[i]!, day[i]!) > 0;
    assert.equal(atTerminal || truth.scenario[i] === 3, log.label[i] === 1, `row ${i}`);
    if (customers(log.entity[i]!, day[i]!) === 1) {
      once++, onceMarked += truth.scenario[i] === 3 ? 1 : 0;
    }
  }
  assert.ok(Math.abs(onceMarked / once - 0.5) < 0.03, `share marked: ${onceMarked / once}`);
  assert.ok(!truth.scenario.includes(1), "scenario 1 is off at an infinite threshold");
});

Deno.test("with every scenario off there is no fraud and every label is known at once", () => {
  const { log } = generateTransactionLog({
    ...SMALL,
    scenarios: {
      amountThreshold: Infinity,
      compromisedTerminalsPerDay: 0,
      compromisedCustomersPerDay: 0,
    },
  });
  assert.equal(log.label.reduce((a, b) => a + b, 0), 0);
  assert.deepEqual(log.labelTime, log.time);
});

Deno.test("scenarios 2 and 3 are not in a row's own fields: fraud amounts look legitimate, compromised terminals also serve legitimately", () => {
  const { log, truth } = medium;
  const mean = (code: number) => {
    let sum = 0, n = 0;
    for (let i = 0; i < log.rows; i++) {
      if (truth.scenario[i] === code) sum += log.amount[i]!, n++;
    }
    return sum / n;
  };
  const legit = mean(0), atTerminals = mean(2);
  assert.ok(Math.abs(atTerminals / legit - 1) < 0.15, `means: ${atTerminals} vs ${legit}`);
  const withFraud = new Set<number>(), withLegit = new Set<number>();
  for (let i = 0; i < log.rows; i++) {
    const t = log.counterparty[i]!;
    (truth.scenario[i] === 2 ? withFraud : withLegit).add(t);
  }
  const both = [...withFraud].filter((t) => withLegit.has(t)).length;
  assert.ok(both / withFraud.size > 0.9, `${both} of ${withFraud.size} also legitimate`);
});

Deno.test("options out of range are one line each", () => {
  assert.throws(
    () =>
      generateTransactionLog({
        seed: 1,
        customers: 0,
        startDate: "someday",
        scenarios: { compromisedShare: 2, compromisedTerminalsPerDay: 20_000 },
        labelDelayDays: { min: 5, max: 1 },
      }),
    (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.deepEqual(error.message.split("\n"), [
        "customers: expected an integer ≥ 1 but found 0",
        'startDate: expected an ISO date or epoch milliseconds but found "someday"',
        "scenarios.compromisedTerminalsPerDay: expected an integer in [0, terminals = 10000] but found 20000",
        "scenarios.compromisedCustomersPerDay: expected an integer in [0, customers = 0] but found 3",
        "scenarios.compromisedShare: expected a share in [0, 1] but found 2",
        "labelDelayDays: expected finite days with 0 ≤ min ≤ max but found { min: 5, max: 1 }",
      ]);
      return true;
    },
  );
});

Deno.test("the CSV reads back through readTable: ids, ISO times to the millisecond, amounts, labels", async () => {
  const { log } = generateTransactionLog(SMALL);
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_" });
  try {
    const path = join(dir, "nested", "log.csv");
    await writeTransactionLogCsv(log, path);
    assert.equal(await Deno.readTextFile(path), transactionLogCsv(log));
    const table = await readTable(path);
    assert.deepEqual(table.names, [...TRANSACTION_LOG_COLUMNS]);
    assert.equal(table.rows, log.rows);
    const column = (name: string) => table.columns[table.names.indexOf(name)]!;
    assert.deepEqual(Array.from(column("tx_id")), log.ids);
    assert.deepEqual(
      Array.from(column("entity_id")),
      Array.from(log.entity, (c) => log.entityNames[c]),
    );
    assert.deepEqual(
      Array.from(column("counterparty_id")),
      Array.from(log.counterparty, (c) => log.counterpartyNames[c]),
    );
    assert.deepEqual(Float64Array.from(column("time"), (c) => Date.parse(String(c))), log.time);
    assert.deepEqual(
      Float64Array.from(column("label_time"), (c) => Date.parse(String(c))),
      log.labelTime,
    );
    assert.deepEqual(Float64Array.from(column("amount"), Number), log.amount);
    assert.deepEqual(Uint8Array.from(column("label"), Number), log.label);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an empty log is a header row", () => {
  const { log } = generateTransactionLog({
    ...SMALL,
    days: 1,
    customers: 3,
    terminals: 2,
    radius: 0.001,
  });
  assert.equal(log.rows, 0);
  assert.equal(transactionLogCsv(log), `${TRANSACTION_LOG_COLUMNS.join(",")}\n`);
});

Deno.test("pandas reads the CSV's and the Parquet's times as UTC datetimes; readTable reads the Parquet back", async () => {
  const { log } = generateTransactionLog({ ...SMALL, days: 10 });
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_" });
  try {
    const csv = join(dir, "log.csv"), parquet = join(dir, "log.parquet");
    await writeTransactionLogCsv(log, csv);
    assert.equal(await writeTransactionLogParquet(log, parquet), log.rows);
    const read = await runPython<Record<string, unknown>>(
      `import pandas as pd
c = pd.read_csv(data["csv"], parse_dates=["time", "label_time"])
p = pd.read_parquet(data["parquet"])
ms = lambda s: (s - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
out = {"csv": [str(c[k].dtype) for k in ("time", "label_time")],
       "parquet": [str(p[k].dtype) for k in ("time", "label_time")],
       "time": ms(c["time"]).tolist(), "same": bool((c["time"] == p["time"]).all()),
       "fraud": int(p["label"].sum())}`,
      { csv, parquet },
    );
    assert.deepEqual(read.csv, ["datetime64[ns, UTC]", "datetime64[ns, UTC]"]);
    assert.deepEqual(read.parquet, ["datetime64[ms, UTC]", "datetime64[ms, UTC]"]);
    assert.deepEqual(read.time, Array.from(log.time));
    assert.equal(read.same, true);
    assert.equal(read.fraud, log.label.reduce((a, b) => a + b, 0));
    const table = await readTable(parquet);
    const column = (name: string) => table.columns[table.names.indexOf(name)]!;
    assert.deepEqual(table.names, [...TRANSACTION_LOG_COLUMNS]);
    assert.deepEqual(Float64Array.from(column("time"), (c) => Date.parse(String(c))), log.time);
    assert.ok(column("amount") instanceof Float64Array, "a numeric Parquet column");
    assert.deepEqual(column("amount"), log.amount);
    assert.deepEqual(Uint8Array.from(column("label"), Number), log.label);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
