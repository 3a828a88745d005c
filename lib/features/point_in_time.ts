/**
 * Point-in-time features of a transaction log, as the *Fraud Detection Handbook*'s baseline
 * feature transformation defines them, each computed from the log up to the transaction's own
 * time:
 *
 * - per entity (card, customer), over each window of `w` days `(t − w, t]` (the transaction
 *   included, and the entity's earlier rows in the log — as pandas' time-based `rolling` counts
 *   them): `entity_count_{w}d` and `entity_mean_amount_{w}d`;
 * - per counterparty (terminal, merchant), over windows that end a label delay `d` earlier,
 *   `(t − d − w, t − d]` (earlier rows only): `counterparty_count_{w}d` and
 *   `counterparty_risk_{w}d`, the share of those transactions known as fraud by the window's end
 *   (a label whose time is later does not count yet); 0 when the window is empty;
 * - `amount`, `is_weekend` (Saturday or Sunday, UTC) and `is_night` (hour ≤ 6 UTC, the
 *   handbook's `TX_DURING_NIGHT`).
 *
 * Columnar: rows are grouped once by entity and by counterparty (a counting sort that keeps time
 * order), and each window is a pair of moving bounds over a group. A mean sums its window's
 * amounts in time order, so it equals a brute-force sum to the last digit.
 *
 * @module
 */

import { Frame } from "../data/frame.ts";
import type { FeatureSpec } from "../data/feature_spec.ts";
import { DAY_MS, dayOf, type TransactionLog } from "./transaction_log.ts";

/** Options of {@link pointInTimeFeatures}. */
export interface PointInTimeOptions {
  /** Window lengths in days. @default [1, 7, 30] */
  readonly windowsDays?: readonly number[];
  /** How many days late labels are known, for the counterparty windows. @default 7 */
  readonly delayDays?: number;
}

/** The features, one row per transaction in log order, and their specs. */
export interface PointInTimeFeatures {
  readonly frame: Frame;
  readonly specs: readonly FeatureSpec[];
}

/**
 * Every transaction's features at its own time.
 *
 * @example Two transactions of one card, a day apart
 * ```ts
 * import { pointInTimeFeatures } from "./point_in_time.ts";
 * const day = 86_400_000;
 * const { frame } = pointInTimeFeatures({
 *   rows: 2,
 *   ids: ["a", "b"],
 *   entity: Int32Array.of(0, 0),
 *   entityNames: ["card_1"],
 *   counterparty: Int32Array.of(0, 0),
 *   counterpartyNames: ["t_1"],
 *   time: Float64Array.of(0, 2 * day),
 *   amount: Float64Array.of(10, 30),
 *   label: Uint8Array.of(0, 0),
 *   labelTime: Float64Array.of(0, 2 * day),
 * });
 * frame.column("entity_mean_amount_7d")[1]; // 20: both are within 7 days
 * frame.column("entity_count_1d")[1]; // 1
 * ```
 */
export function pointInTimeFeatures(
  log: TransactionLog,
  options: PointInTimeOptions = {},
): PointInTimeFeatures {
  const windows = options.windowsDays ?? [1, 7, 30];
  const delay = (options.delayDays ?? 7) * DAY_MS;
  const byEntity = groupRows(log.entity, log.rows);
  const byCounterparty = groupRows(log.counterparty, log.rows);
  const columns = new Map<string, Float64Array>();
  columns.set("amount", Float64Array.from(log.amount));
  for (const w of windows) {
    const { count, mean } = entityWindow(log, { groups: byEntity, width: w * DAY_MS });
    columns.set(`entity_count_${w}d`, count);
    columns.set(`entity_mean_amount_${w}d`, mean);
  }
  for (const w of windows) {
    const { count, risk } = counterpartyWindow(log, {
      groups: byCounterparty,
      width: w * DAY_MS,
      delay,
    });
    columns.set(`counterparty_count_${w}d`, count);
    columns.set(`counterparty_risk_${w}d`, risk);
  }
  const { weekend, night } = calendarFlags(log.time);
  columns.set("is_weekend", weekend);
  columns.set("is_night", night);
  const names = [...columns.keys()];
  return { frame: new Frame(names, [...columns.values()]), specs: names.map(specOf) };
}

/** Rows grouped by code, each group in log (time) order: `rows[start[g] .. start[g + 1])`. */
interface Groups {
  readonly start: Int32Array;
  readonly rows: Int32Array;
}

function groupRows(codes: Int32Array, n: number): Groups {
  let groups = 0;
  for (let i = 0; i < n; i++) groups = Math.max(groups, codes[i]! + 1);
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) start[codes[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const next = start.slice(0, groups), rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[next[codes[i]!]!++] = i;
  return { start, rows };
}

/** Count and mean amount over `(t − width, t]` per entity. */
function entityWindow(log: TransactionLog, o: { groups: Groups; width: number }) {
  const count = new Float64Array(log.rows), mean = new Float64Array(log.rows);
  const { start, rows } = o.groups, { time, amount } = log;
  for (let g = 0; g + 1 < start.length; g++) {
    let lo = start[g]!;
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const i = rows[k]!, from = time[i]! - o.width;
      while (time[rows[lo]!]! <= from) lo++;
      let sum = 0;
      for (let j = lo; j <= k; j++) sum += amount[rows[j]!]!;
      count[i] = k - lo + 1;
      mean[i] = sum / (k - lo + 1);
    }
  }
  return { count, mean };
}

/** Count and known-fraud share over `(t − delay − width, t − delay]` per counterparty. */
function counterpartyWindow(
  log: TransactionLog,
  o: { groups: Groups; width: number; delay: number },
) {
  const count = new Float64Array(log.rows), risk = new Float64Array(log.rows);
  const { start, rows } = o.groups, { time, label, labelTime } = log;
  for (let g = 0; g + 1 < start.length; g++) {
    let lo = start[g]!, hi = start[g]!;
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const i = rows[k]!, end = time[i]! - o.delay, from = end - o.width;
      // Earlier rows only: with no delay, the transaction's own label must not count.
      while (hi < k && time[rows[hi]!]! <= end) hi++;
      while (lo < hi && time[rows[lo]!]! <= from) lo++;
      let frauds = 0;
      for (let j = lo; j < hi; j++) {
        const r = rows[j]!;
        if (label[r] === 1 && labelTime[r]! <= end) frauds++;
      }
      count[i] = hi - lo;
      risk[i] = hi > lo ? frauds / (hi - lo) : 0;
    }
  }
  return { count, risk };
}

/** Weekend (Saturday, Sunday) and night (hour ≤ 6) flags, in UTC. */
function calendarFlags(time: Float64Array) {
  const weekend = new Float64Array(time.length), night = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!, d = dayOf(t), weekday = (((d + 4) % 7) + 7) % 7; // 1970-01-01: a Thursday
    weekend[i] = weekday === 0 || weekday === 6 ? 1 : 0;
    night[i] = Math.floor((t - d * DAY_MS) / 3_600_000) <= 6 ? 1 : 0; // UTC hours 0–6
  }
  return { weekend, night };
}

function specOf(name: string): FeatureSpec {
  const description = describe(name);
  if (name === "is_weekend" || name === "is_night") {
    return { name, kind: "boolean", description, range: [0, 1], integer: true };
  }
  if (name.includes("_count_")) {
    return { name, kind: "continuous", description, range: [0, Infinity], integer: true };
  }
  const range: [number, number] = name.includes("_risk_") ? [0, 1] : [-Infinity, Infinity];
  return { name, kind: "continuous", description, range };
}

function describe(name: string): string {
  const w = /_(\d+)d$/.exec(name)?.[1];
  if (name.startsWith("entity_count")) return `the entity's transactions in the last ${w} days`;
  if (name.startsWith("entity_mean")) return `the entity's mean amount over the last ${w} days`;
  if (name.startsWith("counterparty_count")) {
    return `the counterparty's transactions in ${w} days ending a label delay ago`;
  }
  if (name.startsWith("counterparty_risk")) {
    return `the counterparty's known fraud share in ${w} days ending a label delay ago`;
  }
  if (name === "is_weekend") return "on a Saturday or Sunday (UTC)";
  if (name === "is_night") return "between 00:00 and 06:59 (UTC)";
  return "the transaction's amount";
}
