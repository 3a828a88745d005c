/**
 * The windowed feature processor: turns an entity's events into its view's row as the streaming
 * pipeline does — on each event, over windows ending at that event (half-open: `(t − w, t]`).
 * Here the `transaction` view (5-minute, 30-minute and 24-hour windows per card) and the
 * machinery every view shares ({@link EntityStream}, {@link snapshotFeatures}).
 *
 * @module
 */

import type { FeatureView } from "../data/feature_spec.ts";
import { Frame } from "../data/frame.ts";
import { HIGH_RISK_MCCS, TRANSACTION_VIEW } from "./catalog.ts";
import type { TransactionEvents } from "./transactions.ts";

const MINUTE = 60_000;
const W5 = 5 * MINUTE;
const W30 = 30 * MINUTE;
const W24 = 24 * 60 * MINUTE;
const RISKY = new Set(HIGH_RISK_MCCS);

/** Rows of a view with their entity ids and feature timestamps. */
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
 * The events of one view's entities, sorted by entity then time, and how the view's row is
 * computed after an event: what the snapshot and the replay (ingest `--follow`) share.
 */
export interface EntityStream {
  /** The view the rows belong to. */
  readonly view: FeatureView;
  /** Event times, epoch ms. */
  readonly ts: Float64Array;
  /** Entity index of each event. */
  readonly entity: Int32Array;
  /** `start[e]` is the first event of entity e; `start[entities]` is the event count. */
  readonly start: Int32Array;
  /** The entity id of an entity index (e.g. `card_000042`). */
  entityId(e: number): string;
  /** Writes the row after event `at` of an entity whose events begin at `first` into `out`. */
  rowAt(first: number, at: number, out: Float64Array): void;
}

/** The transaction stream as an {@link EntityStream} of the `transaction` view. */
export function transactionStream(events: TransactionEvents): EntityStream {
  return {
    view: TRANSACTION_VIEW,
    ts: events.ts,
    entity: events.card,
    start: events.cardStart,
    entityId: cardEntityId,
    rowAt: (first, at, out) => featuresAtEvent(events, first, at, out),
  };
}

/**
 * One row per entity with at least one event: the features at its latest event, exactly what
 * the streaming pipeline leaves in the feature store at snapshot time.
 *
 * @example The feature store at snapshot time, for 10 cards
 * ```ts
 * import { generateTransactions } from "./transactions.ts";
 * import { snapshotFeatures, transactionStream } from "./window_processor.ts";
 * const snapshotTime = Date.UTC(2024, 5, 3, 3);
 * const events = generateTransactions({ cards: 10, seed: 1, snapshotTime });
 * const { frame, entityIds } = snapshotFeatures(transactionStream(events));
 * frame.column("txn_count_5m"); // Float64Array [1, 1, 1, 1, 1, 2, 1, 1, 1, 2]
 * entityIds[5]; // "card_000005"
 * ```
 */
export function snapshotFeatures(stream: EntityStream): FeatureSet {
  const names = stream.view.features.map((f) => f.name);
  const { start } = stream, entities = start.length - 1;
  let rows = 0;
  for (let e = 0; e < entities; e++) if (start[e + 1]! > start[e]!) rows++;
  const columns = names.map(() => new Float64Array(rows));
  const entityIds: string[] = [];
  const timestamps = new Float64Array(rows);
  const row = new Float64Array(names.length);
  let r = 0;
  for (let e = 0; e < entities; e++) {
    const first = start[e]!, last = start[e + 1]! - 1;
    if (last < first) continue;
    stream.rowAt(first, last, row);
    for (let k = 0; k < names.length; k++) columns[k]![r] = row[k]!;
    entityIds.push(stream.entityId(e));
    timestamps[r] = stream.ts[last]!;
    r++;
  }
  return { frame: new Frame(names, columns), entityIds, timestamps };
}
