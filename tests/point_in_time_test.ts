/**
 * Point-in-time features of a transaction log: equal to a brute-force reference to the last
 * digit, blind to the future (appending later transactions changes no earlier row), and blind to
 * labels confirmed after a window's end; the log reader maps, sorts and checks its columns.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pointInTimeFeatures } from "../lib/features/point_in_time.ts";
import { readTransactionLog } from "../lib/features/log_source.ts";
import { DAY_MS, type TransactionLog } from "../lib/features/transaction_log.ts";
import { Rng } from "../lib/util/rng.ts";
import { runTask } from "./helpers/tasks.ts";
import { readTable } from "../lib/data/read_table.ts";

/** A seeded log: cards and terminals, times over `days`, frauds confirmed 0–20 days later. */
function randomLog(o: { rows: number; days: number; seed: number }): TransactionLog {
  const rng = new Rng(o.seed);
  const time = Float64Array.from({ length: o.rows }, () => Math.floor(rng.next() * o.days * DAY_MS))
    .sort();
  // Some exact ties, and rows a whole window apart, to exercise the bounds.
  for (let i = 5; i < o.rows; i += 97) time[i] = time[i - 1]!;
  const label = Uint8Array.from({ length: o.rows }, () => (rng.next() < 0.08 ? 1 : 0));
  const labelTime = Float64Array.from(
    time,
    (t, i) => label[i] ? t + Math.floor(rng.next() * 20) * DAY_MS : t,
  );
  return {
    rows: o.rows,
    ids: Array.from({ length: o.rows }, (_, i) => `tx_${i}`),
    entity: Int32Array.from({ length: o.rows }, () => Math.floor(rng.next() * 40)),
    entityNames: Array.from({ length: 40 }, (_, i) => `card_${i}`),
    counterparty: Int32Array.from({ length: o.rows }, () => Math.floor(rng.next() * 15)),
    counterpartyNames: Array.from({ length: 15 }, (_, i) => `t_${i}`),
    time,
    amount: Float64Array.from({ length: o.rows }, () => Math.round(rng.next() * 30000) / 100 + 0.1),
    label,
    labelTime,
  };
}

/** The features by their definitions, one row at a time, summing in log order. */
function bruteForce(log: TransactionLog, windows: number[], delayDays: number) {
  const out = new Map<string, Float64Array>();
  const col = (name: string) => {
    if (!out.has(name)) out.set(name, new Float64Array(log.rows));
    return out.get(name)!;
  };
  for (let i = 0; i < log.rows; i++) {
    const t = log.time[i]!;
    for (const w of windows) {
      let n = 0, sum = 0;
      for (let j = 0; j <= i; j++) {
        if (log.entity[j] !== log.entity[i] || log.time[j]! <= t - w * DAY_MS) continue;
        n++;
        sum += log.amount[j]!;
      }
      col(`entity_count_${w}d`)[i] = n;
      col(`entity_mean_amount_${w}d`)[i] = sum / n;
      const end = t - delayDays * DAY_MS;
      let m = 0, frauds = 0;
      for (let j = 0; j < i; j++) {
        const tj = log.time[j]!;
        if (log.counterparty[j] !== log.counterparty[i] || tj > end || tj <= end - w * DAY_MS) {
          continue;
        }
        m++;
        if (log.label[j] === 1 && log.labelTime[j]! <= end) frauds++;
      }
      col(`counterparty_count_${w}d`)[i] = m;
      col(`counterparty_risk_${w}d`)[i] = m ? frauds / m : 0;
    }
  }
  return out;
}

Deno.test("point-in-time features equal a brute-force reference to the last digit", () => {
  const log = randomLog({ rows: 3000, days: 60, seed: 11 });
  for (const [windows, delay] of [[[1, 7, 30], 7], [[2, 14], 0]] as const) {
    const { frame, specs } = pointInTimeFeatures(log, {
      windowsDays: windows,
      delayDays: delay,
    });
    const expected = bruteForce(log, [...windows], delay);
    for (const [name, values] of expected) {
      assert.deepEqual(frame.column(name), values, `${name} (delay ${delay})`);
    }
    assert.equal(specs.length, frame.width);
    assert.ok(frame.column("counterparty_risk_" + windows[0] + "d").some((v) => v > 0));
  }
});

Deno.test("appending future transactions changes no earlier row's features", () => {
  const full = randomLog({ rows: 2500, days: 60, seed: 5 });
  const cut = 1800; // the first 1800 rows, as if the log ended there
  const slice = <T extends { subarray(a: number, b: number): T }>(a: T) => a.subarray(0, cut);
  const early: TransactionLog = {
    ...full,
    rows: cut,
    ids: full.ids.slice(0, cut),
    entity: slice(full.entity),
    counterparty: slice(full.counterparty),
    time: slice(full.time),
    amount: slice(full.amount),
    label: slice(full.label),
    labelTime: slice(full.labelTime),
  };
  const a = pointInTimeFeatures(early).frame, b = pointInTimeFeatures(full).frame;
  for (const name of a.names) {
    assert.deepEqual(a.column(name), b.column(name).subarray(0, cut), name);
  }
});

Deno.test("a fraud confirmed after a window's end is not yet a fraud there", () => {
  const day = DAY_MS;
  // One terminal: a fraud on day 0 confirmed on day 20, then transactions on days 9 and 30.
  const log: TransactionLog = {
    rows: 3,
    ids: ["a", "b", "c"],
    entity: Int32Array.of(0, 1, 2),
    entityNames: ["x", "y", "z"],
    counterparty: Int32Array.of(0, 0, 0),
    counterpartyNames: ["t"],
    time: Float64Array.of(0, 9 * day, 30 * day),
    amount: Float64Array.of(5, 6, 7),
    label: Uint8Array.of(1, 0, 0),
    labelTime: Float64Array.of(20 * day, 9 * day, 30 * day),
  };
  const f = pointInTimeFeatures(log, { windowsDays: [30], delayDays: 7 }).frame;
  // Day 9: the window (−28, 2] holds the fraud, still unconfirmed on day 2: risk 0 of 1.
  assert.deepEqual([f.column("counterparty_count_30d")[1], f.column("counterparty_risk_30d")[1]], [
    1,
    0,
  ]);
  // Day 30: the window (−7, 23] holds both, the fraud confirmed on day 20: risk 1 of 2.
  assert.deepEqual([f.column("counterparty_count_30d")[2], f.column("counterparty_risk_30d")[2]], [
    2,
    0.5,
  ]);
});

Deno.test("a transaction log file: columns mapped, rows sorted by time, empty label times are the row's own", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "log.csv");
  await Deno.writeTextFile(
    path,
    "id,card,terminal,when,amt,fraud,confirmed\n" +
      "t2,c1,m1,2024-01-02T10:00:00Z,20,1,2024-01-09T00:00:00Z\n" +
      "t1,c2,m1,2024-01-01T10:00:00Z,10,0,\n" +
      "t3,c1,m2,1704276000000,30,0,\n",
  );
  const log = await readTransactionLog({
    path,
    entityColumn: "card",
    counterpartyColumn: "terminal",
    timeColumn: "when",
    amountColumn: "amt",
    labelColumn: "fraud",
    labelTimeColumn: "confirmed",
    idColumn: "id",
  });
  assert.deepEqual(log.ids, ["t1", "t2", "t3"]);
  assert.deepEqual([...log.entity].map((c) => log.entityNames[c]), ["c2", "c1", "c1"]);
  assert.deepEqual([...log.amount], [10, 20, 30]);
  assert.deepEqual([...log.label], [0, 1, 0]);
  assert.equal(log.labelTime[1], Date.parse("2024-01-09T00:00:00Z"));
  assert.equal(log.labelTime[0], log.time[0]);
  await Deno.writeTextFile(path, "card,when,amt\nc1,2024-01-01,5\n");
  await assert.rejects(
    readTransactionLog({
      path,
      entityColumn: "card",
      counterpartyColumn: "terminal",
      timeColumn: "when",
      amountColumn: "amt",
      labelColumn: "fraud",
    }),
    /has no column "terminal", "fraud"/,
  );
  await Deno.writeTextFile(
    path,
    "card,terminal,when,amt,fraud\n,m1,2024-01-01,5,0\nc1,m1,2024-01-02,6,0\n",
  );
  await assert.rejects(
    readTransactionLog({
      path,
      entityColumn: "card",
      counterpartyColumn: "terminal",
      timeColumn: "when",
      amountColumn: "amt",
      labelColumn: "fraud",
    }),
    /id column "card" is empty in 1 of 2 rows/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task train --source transactions: one row per transaction, point-in-time features, the log's own labels", async () => {
  const dir = await Deno.makeTempDir();
  const log = randomLog({ rows: 4000, days: 60, seed: 21 });
  // Frauds at a few terminals: the counterparty risk features can find them.
  for (let i = 0; i < log.rows; i++) log.label[i] = log.counterparty[i]! < 2 && i % 3 ? 1 : 0;
  const lines = ["tx_id,entity_id,counterparty_id,time,amount,label"];
  for (let i = 0; i < log.rows; i++) {
    lines.push(
      [log.ids[i], log.entityNames[log.entity[i]!], log.counterpartyNames[log.counterparty[i]!]]
        .concat([new Date(log.time[i]!).toISOString(), String(log.amount[i]), String(log.label[i])])
        .join(","),
    );
  }
  await Deno.writeTextFile(join(dir, "log.csv"), lines.join("\n") + "\n");
  const r = await runTask("train", [
    "--source",
    "transactions",
    "--input",
    join(dir, "log.csv"),
    "--id-column",
    "tx_id",
    "--windows-days",
    "1,7",
    "--delay-days",
    "3",
    "--cv-folds",
    "0",
    "--log-format",
    "json",
  ], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.rows.total, 4000);
  const names = summary.top_features.map((f: { feature: string }) => f.feature);
  assert.ok(names.some((n: string) => n.startsWith("counterparty_risk_")), names.join(", "));
  assert.ok(summary.test.roc_auc > 0.8, String(summary.test.roc_auc));
  const logged = await readTable(join(summary.artifact_uri, "training_set.parquet"));
  assert.equal(logged.rows, 4000, "the run logs the training set it trained on");
  // deno task features writes the same rows: ids, time, the features, the label.
  const f = await runTask("features", [
    "--source",
    "transactions",
    "--input",
    join(dir, "log.csv"),
    "--id-column",
    "tx_id",
    "--output",
    join(dir, "set.parquet"),
  ], { cwd: dir });
  assert.equal(f.code, 0, f.stderr);
  const set = await readTable(join(dir, "set.parquet"));
  assert.deepEqual(set.names.slice(0, 5), [
    "tx_id",
    "entity_id",
    "counterparty_id",
    "time",
    "amount",
  ]);
  assert.equal(set.names.at(-1), "label");
  assert.equal(set.rows, 4000);
  const expected = pointInTimeFeatures({ ...log, labelTime: log.time }).frame; // no label-time column
  const risk = set.columns[set.names.indexOf("counterparty_risk_30d")]!;
  assert.deepEqual(
    Float64Array.from(risk as ArrayLike<number>),
    expected.column("counterparty_risk_30d"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--labels scenarios: the embedded stream simulates a log with ground-truth fraud that a model cannot learn back; features --log writes it", async () => {
  const dir = await Deno.makeTempDir();
  const f = await runTask("features", [
    "--labels",
    "scenarios",
    "--max-samples",
    "20000",
    "--log",
    join(dir, "log.csv"),
    "--output",
    join(dir, "set.csv"),
  ], { cwd: dir });
  assert.equal(f.code, 0, f.stderr);
  const log = await readTable(join(dir, "log.csv"));
  assert.deepEqual(log.names, [
    "tx_id",
    "entity_id",
    "counterparty_id",
    "time",
    "amount",
    "label",
    "label_time",
  ]);
  const split = ["--split", "time", "--train-days", "30", "--test-days", "7", "--cv-folds", "0"];
  const json = ["--log-format", "json"];
  const simulated = await runTask(
    "train",
    ["--labels", "scenarios", "--max-samples", "20000"]
      .concat(split, json),
    { cwd: dir },
  );
  assert.equal(simulated.code, 0, simulated.stderr);
  // Test rows of cards known compromised before their day are left out, and said so with a count.
  const leftOut = simulated.stderr.split("\n").map((l) => (l.startsWith("{") ? JSON.parse(l) : {}))
    .find((l) => l.message === "test rows left out");
  assert.ok(leftOut?.rows > 0 && leftOut.why === "card known compromised", simulated.stderr);
  const fromFile = await runTask(
    "train",
    [
      "--source",
      "transactions",
      "--input",
      join(dir, "log.csv"),
      "--id-column",
      "tx_id",
      "--label-time-column",
      "label_time",
    ].concat(split, json),
    { cwd: dir },
  );
  assert.equal(fromFile.code, 0, fromFile.stderr);
  const auc = (r: { stdout: string }): number => JSON.parse(r.stdout).test.roc_auc;
  const [a, b] = [auc(simulated), auc(fromFile)];
  // Far below the rules' 0.997: scenarios 2 and 3 are not in a row's own values.
  assert.ok(a > 0.6 && a < 0.95, `simulated: ${a}`);
  assert.ok(b > 0.6 && b < 0.95, `from the written log: ${b}`);
  // The fraud team's view of the 7 test days, in the summary and the run's metrics.json.
  const summary = JSON.parse(simulated.stdout);
  assert.equal(summary.fraud.per_day.length, 7);
  const cp = summary.fraud.card_precision_at_100;
  assert.ok(cp >= 0 && cp <= 1 && summary.fraud.minimum_cost <= summary.fraud.expected_cost);
  const metrics = JSON.parse(
    await Deno.readTextFile(join(summary.artifact_uri, "metrics.json")),
  );
  assert.equal(metrics.fraud.card_precision_at_100, cp);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the training set's names (a large run's fingerprint) are its columns' names, for a log and for the card stream", async () => {
  const { config } = await import("../lib/config/load.ts");
  const { loadLabeledData } = await import("../lib/pipeline/load_features.ts");
  const { trainingSetColumns, trainingSetNames } = await import("../lib/pipeline/features_file.ts");
  for (const labels of ["scenarios", "rules"] as const) {
    const data = await loadLabeledData(config({ data: { labels, maxSamples: 3000 } }, { env: {} }));
    assert.deepEqual(
      trainingSetNames(data),
      trainingSetColumns(data).map(([name]) => name),
      labels,
    );
  }
});
