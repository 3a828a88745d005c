/**
 * A seeded synthetic clickstream of users, the embedded stand-in for a shop's event stream:
 * sessions of page views (with dwell times), cart adds and purchases, shaped by each user's
 * habits (activity, purchase intent, preferred device and category). Events are columnar and
 * sorted by user, then time.
 *
 * @module
 */

import { Rng } from "../util/rng.ts";
import { resized } from "../util/typed_array.ts";
import { CATEGORY_NAMES } from "./catalog.ts";

/** Event kinds, by code. */
export const CLICK_KINDS = ["view", "cart_add", "purchase"] as const;

/** Clickstream events in columns, sorted by user, then time. */
export interface ClickEvents {
  /** User index of each event (0-based). */
  readonly user: Int32Array;
  /** Event time, epoch milliseconds. */
  readonly ts: Float64Array;
  /** Index into {@link CLICK_KINDS}. */
  readonly kind: Uint8Array;
  /** Session number, increasing within a user. */
  readonly session: Int32Array;
  /** Seconds on the page (views; 0 otherwise). */
  readonly dwell: Float64Array;
  /** Index into {@link CATEGORY_NAMES}. */
  readonly category: Uint8Array;
  /** Index into the catalog's `DEVICE_NAMES`. */
  readonly device: Uint8Array;
  /** Order value (purchases; 0 otherwise). */
  readonly amount: Float64Array;
  /** `userStart[u]` is the first event of user u; `userStart[users]` is the event count. */
  readonly userStart: Int32Array;
  /** Number of users. */
  readonly users: number;
}

/** Options of {@link generateClicks}. */
export interface ClickOptions {
  /** Number of users. */
  readonly users: number;
  /** Seed; the same seed gives the same events. */
  readonly seed: number;
  /** Snapshot time (epoch ms); every event is at or before it. */
  readonly snapshotTime: number;
  /** History before the snapshot, in days. @default 45 */
  readonly horizonDays?: number;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const DEVICE_CUM = [0.45, 0.9, 1];

/** One user's habits, drawn once. */
interface Habits {
  /** Sessions per day. */
  readonly rate: number;
  /** Purchase intent in (0, 1). */
  readonly intent: number;
  readonly device: number;
  readonly category: number;
  /** Days since the user's first visit (new users have a short history). */
  readonly tenureDays: number;
}

/**
 * Generates a seeded clickstream for `users` users; every user has at least one session.
 *
 * @example A day-by-day clickstream of 100 users
 * ```ts
 * import { generateClicks } from "./clickstream.ts";
 * const events = generateClicks({ users: 100, seed: 1, snapshotTime: Date.UTC(2024, 5, 3, 3) });
 * events.userStart[100]; // 4568: the total number of events (user u's are userStart[u]..[u+1])
 * ```
 */
export function generateClicks(options: ClickOptions): ClickEvents {
  const { users, seed, snapshotTime } = options;
  const horizon = (options.horizonDays ?? 45) * DAY;
  const rng = new Rng(seed);
  const out = new ClickBuffer(users * 40 + 16);
  const userStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    userStart[u] = out.length;
    const habits = drawHabits(rng, horizon);
    const from = snapshotTime - Math.min(horizon, habits.tenureDays * DAY);
    const starts = sessionStarts(rng, habits, { from, to: snapshotTime });
    let session = 0, free = from;
    for (const start of starts) {
      free = userSession(rng, { out, u, session: session++, habits }, {
        start: Math.max(start, free),
        end: snapshotTime,
      });
    }
  }
  userStart[users] = out.length;
  return { ...out.finish(), userStart, users };
}

function drawHabits(rng: Rng, horizon: number): Habits {
  const returning = rng.next() < 0.7;
  return {
    rate: Math.min(Math.exp(Math.log(0.25) + 0.9 * rng.normal()), 6),
    intent: 1 / (1 + Math.exp(-(-1.2 + 1.1 * rng.normal()))),
    device: pickDevice(rng),
    category: Math.min(Math.floor(rng.exponential(2.5)), CATEGORY_NAMES.length - 1),
    tenureDays: returning ? horizon / DAY : 0.2 + rng.next() * 3,
  };
}

function pickDevice(rng: Rng): number {
  const r = rng.next();
  return DEVICE_CUM.findIndex((c) => r < c);
}

/** Session start times, sorted; the latest one is recent for active users, and there is at least one. */
function sessionStarts(rng: Rng, h: Habits, { from, to }: { from: number; to: number }) {
  const span = to - from;
  const n = Math.max(1, rng.poisson(h.rate * span / DAY));
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = from + rng.next() * span;
  return times.sort();
}

/** Writes one session (views, cart adds, maybe a purchase); returns when it ended. */
function userSession(
  rng: Rng,
  s: { out: ClickBuffer; u: number; session: number; habits: Habits },
  { start, end }: { start: number; end: number },
): number {
  const { out, u, session, habits: h } = s;
  const device = rng.next() < 0.8 ? h.device : pickDevice(rng);
  const views = 1 + rng.poisson(2 + 6 * h.intent);
  let t = Math.floor(start), carts = 0;
  for (let k = 0; k < views && t <= end; k++) {
    const category = rng.next() < 0.6 ? h.category : rng.int(CATEGORY_NAMES.length);
    const dwell = Math.round(Math.exp(Math.log(20 + 50 * h.intent) + 0.7 * rng.normal()));
    out.push({ u, t, kind: 0, session, dwell, category, device, amount: 0 });
    t += dwell * SECOND;
    if (t <= end && rng.next() < 0.03 + 0.2 * h.intent) {
      out.push({ u, t, kind: 1, session, dwell: 0, category, device, amount: 0 });
      carts++;
      t += Math.floor(5 + rng.next() * 20) * SECOND;
    }
  }
  if (carts > 0 && t <= end && rng.next() < 0.15 + 0.6 * h.intent) {
    const amount = Math.round(Math.exp(Math.log(45) + 0.8 * rng.normal()) * carts * 100) / 100;
    out.push({ u, t, kind: 2, session, dwell: 0, category: h.category, device, amount });
  }
  return t + 30 * SECOND;
}

/** One event as pushed. */
interface Click {
  u: number;
  t: number;
  kind: number;
  session: number;
  dwell: number;
  category: number;
  device: number;
  amount: number;
}

/** Growable columnar click storage (doubling). */
class ClickBuffer {
  user = new Int32Array(0);
  ts = new Float64Array(0);
  kind = new Uint8Array(0);
  session = new Int32Array(0);
  dwell = new Float64Array(0);
  category = new Uint8Array(0);
  device = new Uint8Array(0);
  amount = new Float64Array(0);
  length = 0;

  constructor(capacity: number) {
    this.#resize(capacity);
  }

  push(e: Click): void {
    if (this.length === this.user.length) this.#resize(this.user.length * 2);
    const i = this.length++;
    this.user[i] = e.u;
    this.ts[i] = e.t;
    this.kind[i] = e.kind;
    this.session[i] = e.session;
    this.dwell[i] = e.dwell;
    this.category[i] = e.category;
    this.device[i] = e.device;
    this.amount[i] = e.amount;
  }

  finish() {
    this.#resize(this.length);
    const { user, ts, kind, session, dwell, category, device, amount } = this;
    return { user, ts, kind, session, dwell, category, device, amount };
  }

  #resize(cap: number): void {
    this.user = resized(this.user, cap);
    this.ts = resized(this.ts, cap);
    this.kind = resized(this.kind, cap);
    this.session = resized(this.session, cap);
    this.dwell = resized(this.dwell, cap);
    this.category = resized(this.category, cap);
    this.device = resized(this.device, cap);
    this.amount = resized(this.amount, cap);
  }
}
