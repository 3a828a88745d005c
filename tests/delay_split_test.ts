import assert from "node:assert/strict";
import { delaySplit, type DelaySplitOptions, type DelayWindow } from "../lib/data/delay_split.ts";
import { DataError } from "../lib/errors.ts";
import { Rng } from "../lib/util/rng.ts";
import { runPython } from "./helpers/python.ts";

const DAY = 86_400_000;
const FIRST = Date.UTC(2018, 5, 1); // 2018-06-01

/**
 * A seeded log of `days` days, 80 rows a day, sorted by time: 400 cards; some are compromised on a random day and
 * then mostly fraudulent for five days (so a card's frauds span the periods), a few other frauds at
 * random; a fraud's label arrives 0 to 20 days after it, a genuine label at once.
 */
function syntheticLog(seed: number, days = 60) {
  const rng = new Rng(seed);
  const compromisedOn = Array.from({ length: 400 }, () => (rng.next() < 0.3 ? rng.int(days) : -1));
  const rows: Array<{ time: number; entity: number; label: number; labelTime: number }> = [];
  for (let d = 0; d < days; d++) {
    for (let t = 0; t < 80; t++) {
      const entity = rng.int(400), c = compromisedOn[entity]!;
      const time = FIRST + d * DAY + rng.int(DAY);
      const label = (c >= 0 && d >= c && d < c + 5 && rng.next() < 0.7) || rng.next() < 0.003;
      rows.push({
        time,
        entity,
        label: label ? 1 : 0,
        labelTime: label ? time + rng.int(21) * DAY + rng.int(DAY) : time,
      });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  return {
    time: Float64Array.from(rows, (r) => r.time),
    entity: Int32Array.from(rows, (r) => r.entity),
    label: Uint8Array.from(rows, (r) => r.label),
    labelTime: Float64Array.from(rows, (r) => r.labelTime),
  };
}

type Log = ReturnType<typeof syntheticLog>;

/**
 * The handbook's `get_train_test_set` and `prequentialSplit` (chapter 5, `shared_functions.py`),
 * as written there (no sampling), on the log as a DataFrame: TRANSACTION_ID is the row index.
 */
const HANDBOOK = `
import datetime
import pandas as pd

def get_train_test_set(transactions_df, start_date_training, delta_train=7, delta_delay=7, delta_test=7):
    train_df = transactions_df[(transactions_df.TX_DATETIME >= start_date_training) &
                               (transactions_df.TX_DATETIME < start_date_training + datetime.timedelta(days=delta_train))]
    test_df = []
    known_defrauded_customers = set(train_df[train_df.TX_FRAUD == 1].CUSTOMER_ID)
    start_tx_time_days_training = train_df.TX_TIME_DAYS.min()
    for day in range(delta_test):
        test_df_day = transactions_df[transactions_df.TX_TIME_DAYS == start_tx_time_days_training +
                                      delta_train + delta_delay + day]
        test_df_day_delay_period = transactions_df[transactions_df.TX_TIME_DAYS == start_tx_time_days_training +
                                                   delta_train + day - 1]
        new_defrauded_customers = set(test_df_day_delay_period[test_df_day_delay_period.TX_FRAUD == 1].CUSTOMER_ID)
        known_defrauded_customers = known_defrauded_customers.union(new_defrauded_customers)
        test_df_day = test_df_day[~test_df_day.CUSTOMER_ID.isin(known_defrauded_customers)]
        test_df.append(test_df_day)
    test_df = pd.concat(test_df)
    return (train_df.sort_values('TRANSACTION_ID'), test_df.sort_values('TRANSACTION_ID'))

def prequentialSplit(transactions_df, start_date_training, n_folds=4, delta_train=7, delta_delay=7, delta_assessment=7):
    prequential_split_indices = []
    for fold in range(n_folds):
        start_date_training_fold = start_date_training - datetime.timedelta(days=fold * delta_assessment)
        (train_df, test_df) = get_train_test_set(transactions_df, start_date_training=start_date_training_fold,
                                                 delta_train=delta_train, delta_delay=delta_delay, delta_test=delta_assessment)
        prequential_split_indices.append((list(train_df.index), list(test_df.index)))
    return prequential_split_indices

log = data["log"]
df = pd.DataFrame({"TRANSACTION_ID": range(len(log["time"])), "CUSTOMER_ID": log["entity"],
                   "TX_FRAUD": log["label"],
                   "TX_DATETIME": pd.to_datetime(pd.Series(log["time"], dtype="int64"), unit="ms"),
                   "TX_TIME_DAYS": [t // 86400000 for t in log["time"]]})
out = []
for case in data["cases"]:
    start = datetime.datetime.strptime(case["trainStart"], "%Y-%m-%d")
    train, test = get_train_test_set(df, start, case["trainDays"], case["delayDays"], case["testDays"])
    valid = start - datetime.timedelta(days=case["delayDays"] + case["testDays"])
    folds = prequentialSplit(df, valid, case["folds"], case["trainDays"], case["delayDays"], case["testDays"])
    out.append(dict(train=[int(i) for i in train.index], test=[int(i) for i in test.index],
                    folds=[[[int(i) for i in tr], [int(i) for i in te]] for tr, te in folds][::-1]))
`;

const plain = (w: DelayWindow) => [Array.from(w.train), Array.from(w.test)];

Deno.test("the split and its folds equal the handbook's get_train_test_set and prequentialSplit", async () => {
  const log = syntheticLog(7);
  const cases = [
    { trainStart: "2018-07-06", trainDays: 7, delayDays: 7, testDays: 7, folds: 3 },
    { trainStart: "2018-07-10", trainDays: 14, delayDays: 3, testDays: 5, folds: 4 },
    { trainStart: "2018-07-12", trainDays: 10, delayDays: 0, testDays: 4, folds: 2 },
  ];
  const ref = await runPython<Array<{ train: number[]; test: number[]; folds: number[][][] }>>(
    HANDBOOK,
    { log: { time: [...log.time], entity: [...log.entity], label: [...log.label] }, cases },
  );
  cases.forEach((c, k) => {
    const split = delaySplit(log, c);
    assert.deepEqual(plain(split), [ref[k]!.train, ref[k]!.test], JSON.stringify(c));
    assert.deepEqual(split.folds.map(plain), ref[k]!.folds, `${JSON.stringify(c)} folds`);
    assert.ok(split.removedRows > 0 && split.removedCards > 0, "the rule removed something");
  });
});

/**
 * The plain reference: training rows by day; a test row is out when any fraud of its card, on or
 * after the training start, is known at the start of the row's day — by the delay (its day is
 * before that day − delayDays) or by its label time (at or before that day's start).
 */
function bruteForce(log: Log, start: number, o: DelaySplitOptions) {
  const n = log.time.length, day = (i: number) => Math.floor(log.time[i]! / DAY);
  const testStart = start + o.trainDays + o.delayDays;
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = day(i);
    if (d >= start && d < start + o.trainDays) train.push(i);
    if (d < testStart || d >= testStart + o.testDays) continue;
    let known = false;
    for (let j = 0; j < n && !known; j++) {
      if (log.entity[j] !== log.entity[i] || log.label[j] !== 1 || day(j) < start) continue;
      known = o.labelTime ? o.labelTime[j]! <= d * DAY : day(j) < d - o.delayDays;
    }
    if (!known) test.push(i);
  }
  return [train, test];
}

Deno.test("by the delay and by label times, the split equals a brute-force reference", () => {
  const log = syntheticLog(11, 45);
  for (const labelTime of [undefined, log.labelTime]) {
    for (const [trainDays, delayDays, testDays] of [[7, 7, 7], [10, 2, 6], [5, 0, 3]] as const) {
      const o = { trainDays, delayDays, testDays, labelTime, folds: 2 };
      const split = delaySplit(log, o);
      const what = `${trainDays}/${delayDays}/${testDays} ${labelTime ? "label times" : "delay"}`;
      const last = Math.floor(log.time.at(-1)! / DAY);
      const start = last - (trainDays + delayDays + testDays) + 1;
      assert.deepEqual(plain(split), bruteForce(log, start, o), what);
      split.folds.forEach((f, k) => {
        const s = start - (delayDays + testDays) - (split.folds.length - 1 - k) * testDays;
        assert.deepEqual(plain(f), bruteForce(log, s, o), `${what} fold ${k}`);
      });
    }
  }
});

Deno.test("gap rows are in neither set, and a card compromised in training never appears in test", () => {
  const log = syntheticLog(3);
  const split = delaySplit(log, {
    trainStart: "2018-07-01",
    trainDays: 14,
    delayDays: 7,
    testDays: 7,
  });
  assert.deepEqual(split.periods, {
    train: { start: "2018-07-01", end: "2018-07-15", days: 14 },
    delay: { start: "2018-07-15", end: "2018-07-22", days: 7 },
    test: { start: "2018-07-22", end: "2018-07-29", days: 7 },
  });
  const inPeriod = (i: number, from: string, to: string) =>
    log.time[i]! >= Date.parse(from) && log.time[i]! < Date.parse(to);
  const sets = new Set([...split.train, ...split.test]);
  let gap = 0;
  log.time.forEach((_, i) => {
    if (inPeriod(i, "2018-07-15", "2018-07-22")) {
      gap++;
      assert.ok(!sets.has(i), `gap row ${i}`);
    }
  });
  assert.ok(gap > 400, `gap rows: ${gap}`);
  assert.ok(split.train.every((i) => inPeriod(i, "2018-07-01", "2018-07-15")));
  assert.ok(split.test.every((i) => inPeriod(i, "2018-07-22", "2018-07-29")));
  const compromised = new Set(
    Array.from(split.train).filter((i) => log.label[i] === 1)
      .map((i) => log.entity[i]!),
  );
  assert.ok(compromised.size > 10, `cards compromised in training: ${compromised.size}`);
  assert.ok(split.test.every((i) => !compromised.has(log.entity[i]!)));
  // Those cards do transact in the test period: the rule left them out.
  const before = Array.from(log.entity).filter((e, i) =>
    compromised.has(e) && inPeriod(i, "2018-07-22", "2018-07-29")
  );
  assert.ok(before.length > 0 && split.removedRows >= before.length);
});

Deno.test("label times: a fraud confirmed after the test day starts leaves its card in test, one confirmed before removes it", () => {
  const t = (day: number, hour = 12) => FIRST + day * DAY + hour * 3_600_000;
  // Days 0–1 training, day 2 delay, day 3 test. Cards 0 and 1 have a training fraud; card 2 a
  // fraud in the delay period; card 3 is genuine throughout; card 4 is a fraud on the test day.
  const log = {
    time: Float64Array.of(t(0), t(0), t(1), t(1), t(2), t(3), t(3), t(3), t(3), t(3, 13)),
    entity: Int32Array.of(0, 1, 3, 3, 2, 0, 1, 2, 3, 4),
    label: Uint8Array.of(1, 1, 0, 0, 1, 1, 0, 1, 0, 1),
  };
  const confirmed = Float64Array.from(log.time);
  for (const [row, at] of [[0, t(0, 18)], [1, t(3, 1)], [4, t(2, 20)], [5, t(9)], [7, t(9)]]) {
    confirmed[row!] = at!;
  }
  const o = { trainStart: "2018-06-01", trainDays: 2, delayDays: 1, testDays: 1 };
  const byDelay = delaySplit(log, o);
  // The handbook's rule: training frauds are known by the test day; card 2's delay-day fraud is not.
  assert.deepEqual(Array.from(byDelay.test, (i) => log.entity[i]), [2, 3, 4]);
  const byLabel = delaySplit(log, { ...o, labelTime: confirmed });
  // Card 0's fraud was confirmed on day 0, card 2's on day 2: both known. Card 1's is confirmed
  // an hour into the test day: not known at its start, so card 1 stays.
  assert.deepEqual(Array.from(byLabel.test, (i) => log.entity[i]), [1, 3, 4]);
  assert.equal(byLabel.removedCards, 2);
});

Deno.test("a period with no rows or no fraud is a DataError with its counts; bad dates a RangeError", () => {
  const log = syntheticLog(5, 30);
  assert.throws(
    () => delaySplit(log, { trainStart: "2018-05-01", trainDays: 7, delayDays: 7, testDays: 7 }),
    (e: Error) =>
      e instanceof DataError &&
      /the delay split: the training period \[2018-05-01, 2018-05-08\) \(7 days\) holds 0 rows and 0 frauds/
        .test(e.message) &&
      /the log runs from 2018-06-01 to 2018-06-30/.test(e.message),
  );
  assert.throws(
    () => delaySplit(log, { trainDays: 7, delayDays: 7, testDays: 7, folds: 3 }),
    /fold 1 of 3 of the delay split: the training period \[2018-05-\d\d, .*\) \(7 days\) holds 0 rows/,
  );
  const genuine = { ...log, label: new Uint8Array(log.label.length) };
  assert.throws(
    () => delaySplit(genuine, { trainDays: 7, delayDays: 7, testDays: 7 }),
    /training period \[2018-06-10, 2018-06-17\) \(7 days\) holds 560 rows and 0 frauds/,
  );
  assert.throws(
    () => delaySplit(log, { trainStart: "2018-06-31", trainDays: 7, delayDays: 7, testDays: 7 }),
    (e: Error) => e instanceof RangeError && /trainStart to be a date YYYY-MM-DD/.test(e.message),
  );
  assert.throws(
    () =>
      delaySplit(log, {
        trainStart: "2018-06-01",
        testStart: "2018-06-10",
        trainDays: 7,
        delayDays: 7,
        testDays: 7,
      }),
    /Expected testStart 2018-06-15 \(trainStart \+ trainDays \+ delayDays\) but found 2018-06-10/,
  );
  assert.throws(() => delaySplit(log, { trainDays: 0, delayDays: 7, testDays: 7 }), RangeError);
  const same = { trainDays: 7, delayDays: 3, testDays: 5 };
  assert.deepEqual(
    plain(delaySplit(log, { ...same, testStart: "2018-06-20" })),
    plain(delaySplit(log, { ...same, trainStart: "2018-06-10" })),
  );
});
