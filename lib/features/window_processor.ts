/**
 * The windowed feature processor: turns a card's transactions into the `transaction` feature
 * view as the streaming pipeline does — on each event, over 5-minute, 30-minute and 24-hour
 * windows ending at that event (half-open: `(t − w, t]`).
 *
 * @module
 */

import { Frame } from "../data/frame.ts";
import { HIGH_RISK_MCCS, TRANSACTION_VIEW } from "./catalog.ts";
import type { TransactionEvents } from "./transactions.ts";

const MINUTE = 60_000;
const W5 = 5 * MINUTE;
const W30 = 30 * MINUTE;
const W24 = 24 * 60 * MINUTE;
const RISKY = new Set(HIGH_RISK_MCCS);

/** Rows of the `transaction` view with their entity ids and feature timestamps. */
export interface FeatureSet {
  /** Feature columns, named as in the catalog. */
  readonly frame: Frame;
  /** Entity id of each row (e.g. `card_000042`). */
  readonly entityIds: readonly string[];
  /** Feature timestamp of each row (epoch ms): the time of the event the row was computed at. */
  readonly timestamps: Float64Array;
}

/** Formats a card index as its entity id. */
export function cardEntityId(card: number): string {
  return `card_${String(card).padStart(6, "0")}`;
}

/**
 * Computes the feature row of one event: the state after event `at` of a card whose events are
 * `events[first..at]` (sorted by time). Writes into `out` (one slot per catalog feature).
 */
export function featuresAtEvent(
  events: TransactionEvents,
  first: number,
  at: number,
  out: Float64Array,
): void {
  const { ts, amount, country, mcc } = events;
  const t = ts[at]!;
  let c5 = 0, c30 = 0, c24 = 0, sum5 = 0, max5 = 0, risky24 = 0, risky5 = 0;
  const countries: number[] = [];
  let i = at;
  for (; i >= first && ts[i]! > t - W24; i--) {
    const risky = RISKY.has(mcc[i]!);
    c24++;
    if (risky) risky24++;
    if (ts[i]! > t - W30) c30++;
    if (ts[i]! > t - W5) {
      c5++;
      const a = amount[i]!;
      sum5 += a;
      if (a > max5) max5 = a;
      if (risky) risky5++;
      if (!countries.includes(country[i]!)) countries.push(country[i]!);
    }
  }
  const avg5 = sum5 / c5;
  let ss = 0;
  for (let j = at; j > at - c5; j--) ss += (amount[j]! - avg5) ** 2;
  const velocity = Math.min((c30 * 2) / 10, 1);
  const geo = Math.min(countries.length / 3, 1);
  const date = new Date(t);
  const dow = date.getUTCDay();
  let k = 0;
  out[k++] = c5;
  out[k++] = c30;
  out[k++] = c24;
  out[k++] = sum5;
  out[k++] = avg5;
  out[k++] = max5;
  out[k++] = Math.sqrt(ss / c5);
  out[k++] = countries.length;
  out[k++] = geo;
  out[k++] = at > first ? (t - ts[at - 1]!) / MINUTE : NaN;
  out[k++] = dow === 0 || dow === 6 ? 1 : 0;
  out[k++] = date.getUTCHours();
  out[k++] = velocity;
  out[k++] = risky24 / c24;
  out[k++] = velocity > 0.7 ? 1 : 0;
  out[k++] = geo > 0.5 ? 1 : 0;
  out[k++] = risky5 > 0 ? 1 : 0;
}

/**
 * One row per card with at least one event: the features at the card's latest event, exactly
 * what the streaming pipeline leaves in the feature store at snapshot time.
 *
 * @example
 * ```ts
 * const events = generateTransactions({ cards: 10, seed: 1, snapshotTime: Date.UTC(2024, 5, 3, 3) });
 * const { frame } = snapshotFeatures(events);
 * frame.column("txn_count_5m");
 * ```
 */
export function snapshotFeatures(events: TransactionEvents): FeatureSet {
  const names = TRANSACTION_VIEW.features.map((f) => f.name);
  let rows = 0;
  for (let c = 0; c < events.cards; c++) {
    if (events.cardStart[c + 1]! > events.cardStart[c]!) rows++;
  }
  const columns = names.map(() => new Float64Array(rows));
  const entityIds: string[] = [];
  const timestamps = new Float64Array(rows);
  const row = new Float64Array(names.length);
  let r = 0;
  for (let c = 0; c < events.cards; c++) {
    const first = events.cardStart[c]!;
    const last = events.cardStart[c + 1]! - 1;
    if (last < first) continue;
    featuresAtEvent(events, first, last, row);
    for (let k = 0; k < names.length; k++) columns[k]![r] = row[k]!;
    entityIds.push(cardEntityId(c));
    timestamps[r] = events.ts[last]!;
    r++;
  }
  return { frame: new Frame(names, columns), entityIds, timestamps };
}
