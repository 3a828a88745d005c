/**
 * A seeded synthetic card-transaction stream with fraud-like behaviour, the embedded stand-in
 * for the production event stream. Events are columnar and sorted by card, then time.
 *
 * @module
 */

import { Rng } from "../util/rng.ts";
import { resized } from "../util/typed_array.ts";
import { HIGH_RISK_MCCS } from "./catalog.ts";

/** Transaction events in columns, sorted by card, then timestamp. */
export interface TransactionEvents {
  /** Card index of each event (0-based). */
  readonly card: Int32Array;
  /** Event time, epoch milliseconds. */
  readonly ts: Float64Array;
  /** Amount in the card's currency. */
  readonly amount: Float64Array;
  /** Country code index (0 = the card's home country is not implied; see `homeCountry`). */
  readonly country: Uint16Array;
  /** Merchant category code. */
  readonly mcc: Uint16Array;
  /** Merchant id. */
  readonly merchant: Int32Array;
  /** `cardStart[c]` is the first event of card c; `cardStart[cards]` is the event count. */
  readonly cardStart: Int32Array;
  /** The fraud pattern injected per card (see {@link FRAUD_PATTERNS}); 0 = none. */
  readonly pattern: Uint8Array;
  /** Number of cards. */
  readonly cards: number;
}

/** Fraud behaviours the generator injects, by code (index 0 is "none"). */
export const FRAUD_PATTERNS = [
  "none",
  "burst",
  "country_hopping",
  "risky_merchant",
  "night_weekend",
  "large_single",
] as const;

/**
 * Known shifts the stream can inject, so drift can be shown and tested: `amount_shift` (every
 * amount × 1.5), `foreign_countries` (many more cards shopping abroad), `new_fraud_pattern`
 * (10% of cards end with a card-testing run of tiny purchases at many merchants).
 */
export const DRIFT_SCENARIOS = [
  "none",
  "amount_shift",
  "foreign_countries",
  "new_fraud_pattern",
] as const;

/** A drift scenario name. */
export type DriftScenario = typeof DRIFT_SCENARIOS[number];

/** Options of {@link generateTransactions}. */
export interface GenerateOptions {
  /** Number of cards. */
  readonly cards: number;
  /** Seed; the same seed gives the same events. */
  readonly seed: number;
  /** Snapshot time (epoch ms); every event is at or before it. */
  readonly snapshotTime: number;
  /** Share of cards with an injected fraud pattern. @default 0.05 */
  readonly fraudShare?: number;
  /** History length before the snapshot, in hours. @default 72 */
  readonly horizonHours?: number;
  /** A known shift to inject. @default "none" */
  readonly scenario?: DriftScenario;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const COUNTRIES = 40;
const NORMAL_MCCS = [5411, 5812, 5541, 5999, 4111, 5311, 5732, 5912, 5814, 4121, 5651, 7011];
const NORMAL_MCC_CUM = cumulative([20, 16, 10, 9, 8, 7, 5, 6, 9, 4, 4, 2]);
const MERCHANTS = 5000;

/**
 * Generates a seeded transaction stream for `cards` cards.
 *
 * @example Three days of transactions on 100 cards
 * ```ts
 * import { generateTransactions } from "./transactions.ts";
 * const snapshotTime = Date.UTC(2024, 5, 3, 3);
 * const events = generateTransactions({ cards: 100, seed: 1, snapshotTime });
 * events.cardStart[100]; // 1774: the total number of events (card c's are cardStart[c]..[c+1])
 * ```
 */
export function generateTransactions(options: GenerateOptions): TransactionEvents {
  const { cards, seed, snapshotTime } = options;
  const fraudShare = options.fraudShare ?? 0.05;
  const horizon = (options.horizonHours ?? 72) * HOUR;
  const rng = new Rng(seed);
  const out = new EventBuffer(cards * 14 + 16);
  const cardStart = new Int32Array(cards + 1);
  const pattern = new Uint8Array(cards);

  for (let c = 0; c < cards; c++) {
    cardStart[c] = out.length;
    const home = rng.int(4); // most cards come from a few large markets
    const p = rng.next() < fraudShare ? 1 + rng.int(FRAUD_PATTERNS.length - 1) : 0;
    pattern[c] = p;
    // The fraud session, if any, is the card's latest activity.
    const sessionStart = p === 0
      ? snapshotTime
      : fraudSessionStart(rng, p, { snapshot: snapshotTime, horizon });
    const historyStart = snapshotTime - horizon;
    const scenario = options.scenario ?? "none";
    const testing = scenario === "new_fraud_pattern" && p === 0 && rng.next() < 0.1;
    const historyEnd = testing
      ? snapshotTime - Math.floor((5 + rng.next() * 300) * MINUTE)
      : sessionStart;
    const card: Card = { rng, out, c, home, snapshot: snapshotTime };
    normalHistory(card, { from: historyStart, to: historyEnd }, {
      atLeastOne: p === 0,
      abroad: scenario === "foreign_countries",
    });
    if (p !== 0) fraudSession(card, p, sessionStart);
    if (testing) cardTesting(card, historyEnd);
  }
  if (options.scenario === "amount_shift") {
    for (let i = 0; i < out.length; i++) out.amount[i] = Math.round(out.amount[i]! * 150) / 100;
  }
  cardStart[cards] = out.length;
  return { ...out.finish(), cardStart, pattern, cards };
}

/** One card being generated: the random stream, the events, its index, home country and the snapshot. */
interface Card {
  readonly rng: Rng;
  readonly out: EventBuffer;
  readonly c: number;
  readonly home: number;
  readonly snapshot: number;
}

function normalHistory(
  card: Card,
  { from, to }: { from: number; to: number },
  { atLeastOne, abroad }: { atLeastOne: boolean; abroad: boolean },
): void {
  const { rng, out, c, home } = card;
  const span = to - from;
  const perDay = Math.exp(Math.log(4) + 0.8 * rng.normal());
  let n = rng.poisson(Math.min(perDay, 40) * span / (24 * HOUR));
  if (n === 0 && atLeastOne) n = 1;
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = from + rng.next() * span;
  times.sort();
  const travelling = rng.next() < (abroad ? 0.35 : 0.03);
  for (let i = 0; i < n; i++) {
    let t = Math.floor(times[i]!);
    const extra = rng.next() < 0.15 ? 1 + rng.int(3) : 0; // a short shopping session
    for (let k = 0; k <= extra; k++) {
      if (t > to) break;
      const country = travelling && rng.next() < (abroad ? 0.8 : 0.5) ? rng.int(COUNTRIES) : home;
      const mcc = rng.next() < 0.02
        ? HIGH_RISK_MCCS[rng.int(HIGH_RISK_MCCS.length)]!
        : NORMAL_MCCS[rng.pickCumulative(NORMAL_MCC_CUM)]!;
      out.push(c, t, normalAmount(rng), country, mcc, rng.int(MERCHANTS));
      t += Math.floor(MINUTE * (0.5 + rng.exponential(3)));
    }
  }
  out.sortTail(out.length - countSince(out, c));
}

function fraudSessionStart(
  rng: Rng,
  p: number,
  { snapshot, horizon }: { snapshot: number; horizon: number },
): number {
  if (FRAUD_PATTERNS[p] === "night_weekend") {
    // A weekend night (00:00–05:00 UTC) inside the horizon, latest first.
    for (let day = 0; day < Math.ceil(horizon / (24 * HOUR)); day++) {
      const midnight = Math.floor(snapshot / (24 * HOUR)) * 24 * HOUR - day * 24 * HOUR;
      const dow = new Date(midnight).getUTCDay();
      const start = midnight + Math.floor(rng.next() * 4.5 * HOUR);
      if ((dow === 0 || dow === 6) && start < snapshot - 10 * MINUTE) return start;
    }
  }
  return snapshot - Math.floor((10 + rng.next() * 600) * MINUTE);
}

function fraudSession(card: Card, p: number, start: number): void {
  const { rng, out, c, home, snapshot } = card;
  const name = FRAUD_PATTERNS[p];
  const merchant = () => rng.int(MERCHANTS);
  const normalMcc = () => NORMAL_MCCS[rng.pickCumulative(NORMAL_MCC_CUM)]!;
  const riskyMcc = () => HIGH_RISK_MCCS[rng.int(HIGH_RISK_MCCS.length)]!;
  let t = start;
  const step = (maxSeconds: number) => {
    t = Math.min(snapshot, t + Math.floor(1000 * (5 + rng.next() * maxSeconds)));
  };
  if (name === "burst") {
    const n = 6 + rng.int(10);
    for (let i = 0; i < n; i++, step(25)) {
      out.push(c, t, 5 + rng.next() * 150, home, normalMcc(), merchant());
    }
  } else if (name === "country_hopping") {
    const n = 3 + rng.int(3);
    for (let i = 0; i < n; i++, step(50)) {
      const country = i === 0 ? home : (home + 1 + rng.int(COUNTRIES - 1)) % COUNTRIES;
      out.push(c, t, normalAmount(rng) * 2, country, normalMcc(), merchant());
    }
  } else if (name === "risky_merchant") {
    const n = 2 + rng.int(3);
    for (let i = 0; i < n; i++, step(60)) {
      out.push(c, t, 500 + rng.next() * 2500, home, riskyMcc(), merchant());
    }
  } else if (name === "night_weekend") {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++, step(240)) {
      out.push(c, t, normalAmount(rng) * 3, rng.int(COUNTRIES), normalMcc(), merchant());
    }
  } else {
    out.push(c, t, 1000 + rng.exponential(1500), home, normalMcc(), merchant());
  }
}

/** Card testing: 4–10 tiny purchases at distinct merchants within about three minutes. */
function cardTesting(card: Card, start: number): void {
  const { rng, out, c, home, snapshot } = card;
  const n = 4 + rng.int(7);
  let t = start;
  for (let i = 0; i < n; i++) {
    out.push(c, t, 0.5 + rng.next() * 2.5, home, 5999, rng.int(MERCHANTS));
    t = Math.min(snapshot, t + Math.floor(1000 * (3 + rng.next() * 25)));
  }
}

function normalAmount(rng: Rng): number {
  return Math.round(Math.exp(Math.log(40) + 1.0 * rng.normal()) * 100) / 100;
}

function countSince(out: EventBuffer, c: number): number {
  let n = 0;
  for (let i = out.length - 1; i >= 0 && out.card[i] === c; i--) n++;
  return n;
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => out[i] = s += w);
  return out;
}

/** Growable columnar event storage (doubling). */
class EventBuffer {
  card: Int32Array;
  ts: Float64Array;
  amount: Float64Array;
  country: Uint16Array;
  mcc: Uint16Array;
  merchant: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.card = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.amount = new Float64Array(capacity);
    this.country = new Uint16Array(capacity);
    this.mcc = new Uint16Array(capacity);
    this.merchant = new Int32Array(capacity);
  }

  push(c: number, t: number, amount: number, country: number, mcc: number, merchant: number) {
    if (this.length === this.card.length) this.#grow();
    const i = this.length++;
    this.card[i] = c;
    this.ts[i] = t;
    this.amount[i] = Math.round(amount * 100) / 100;
    this.country[i] = country;
    this.mcc[i] = mcc;
    this.merchant[i] = merchant;
  }

  /** Sorts events [from, length) by time (stable insertion sort: the tails are short and nearly sorted). */
  sortTail(from: number) {
    for (let i = from + 1; i < this.length; i++) {
      let j = i;
      while (j > from && this.ts[j - 1]! > this.ts[j]!) {
        this.#swap(j - 1, j);
        j--;
      }
    }
  }

  finish() {
    const n = this.length;
    return {
      card: this.card.slice(0, n),
      ts: this.ts.slice(0, n),
      amount: this.amount.slice(0, n),
      country: this.country.slice(0, n),
      mcc: this.mcc.slice(0, n),
      merchant: this.merchant.slice(0, n),
    };
  }

  #swap(a: number, b: number) {
    for (const col of [this.card, this.ts, this.amount, this.country, this.mcc, this.merchant]) {
      const tmp = col[a]!;
      col[a] = col[b]!;
      col[b] = tmp;
    }
  }

  #grow() {
    const cap = this.card.length * 2;
    this.card = resized(this.card, cap);
    this.ts = resized(this.ts, cap);
    this.amount = resized(this.amount, cap);
    this.country = resized(this.country, cap);
    this.mcc = resized(this.mcc, cap);
    this.merchant = resized(this.merchant, cap);
  }
}
