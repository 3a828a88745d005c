/**
 * The `clickstream` view computed per user on each event, as the streaming pipeline would:
 * windows of 1 hour, 24 hours, 7 days and 30 days ending at the event (half-open `(t − w, t]`),
 * plus the user's purchase history up to it (recency, frequency, monetary value).
 *
 * @module
 */

import { CATEGORY_NAMES, CLICKSTREAM_VIEW } from "./catalog.ts";
import type { ClickEvents } from "./clickstream.ts";
import type { EntityStream } from "./window_processor.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VIEW = 0, CART = 1, PURCHASE = 2;

/** Formats a user index as its entity id. */
export function userEntityId(user: number): string {
  return `user_${String(user).padStart(6, "0")}`;
}

/** The clickstream as an {@link EntityStream} of the `clickstream` view. */
export function clickStream(events: ClickEvents): EntityStream {
  return {
    view: CLICKSTREAM_VIEW,
    ts: events.ts,
    entity: events.user,
    start: events.userStart,
    entityId: userEntityId,
    rowAt: (first, at, out) => clickRowAt(events, { first, at }, out),
  };
}

/** Window counts over a user's events `first..at`, newest first. */
interface Tally {
  sessions24: number;
  views1h: number;
  carts24: number;
  purchases30: number;
  spend30: number;
  dwellSum7: number;
  dwellViews7: number;
  lastPurchase: number;
}

/**
 * Writes the `clickstream` row after event `at` of a user whose events begin at `first`, in
 * catalog order, into `out`.
 */
export function clickRowAt(
  ev: ClickEvents,
  { first, at }: { first: number; at: number },
  out: Float64Array,
): void {
  const t = ev.ts[at]!;
  const tally: Tally = {
    sessions24: 0,
    views1h: 0,
    carts24: 0,
    purchases30: 0,
    spend30: 0,
    dwellSum7: 0,
    dwellViews7: 0,
    lastPurchase: NaN,
  };
  const byCategory = new Int32Array(CATEGORY_NAMES.length);
  let lastSession = -1;
  for (let i = at; i >= first; i--) {
    const age = t - ev.ts[i]!, kind = ev.kind[i]!;
    if (kind === PURCHASE && Number.isNaN(tally.lastPurchase)) tally.lastPurchase = ev.ts[i]!;
    if (age >= 30 * DAY) continue;
    byCategory[ev.category[i]!]!++;
    if (kind === PURCHASE) {
      tally.purchases30++;
      tally.spend30 += ev.amount[i]!;
    }
    if (age < 7 * DAY && kind === VIEW) {
      tally.dwellSum7 += ev.dwell[i]!;
      tally.dwellViews7++;
    }
    if (age >= DAY) continue;
    if (ev.session[i] !== lastSession) tally.sessions24++;
    lastSession = ev.session[i]!;
    if (kind === CART) tally.carts24++;
    if (age < HOUR && kind === VIEW) tally.views1h++;
  }
  writeRow(ev, { at, t, tally, byCategory }, out);
}

function writeRow(
  ev: ClickEvents,
  s: { at: number; t: number; tally: Tally; byCategory: Int32Array },
  out: Float64Array,
): void {
  const { tally } = s;
  const daysSince = (s.t - tally.lastPurchase) / DAY; // NaN without a purchase
  let top = 0;
  for (let c = 1; c < s.byCategory.length; c++) if (s.byCategory[c]! > s.byCategory[top]!) top = c;
  let k = 0;
  out[k++] = tally.sessions24;
  out[k++] = tally.views1h;
  out[k++] = tally.carts24;
  out[k++] = tally.purchases30;
  out[k++] = tally.dwellViews7 ? tally.dwellSum7 / tally.dwellViews7 : NaN;
  out[k++] = daysSince;
  out[k++] = top;
  out[k++] = ev.device[s.at]!;
  out[k++] = ev.session[s.at]! > 0 ? 1 : 0;
  out[k++] = Number.isNaN(daysSince) ? 0 : Math.exp(-daysSince / 30);
  out[k++] = Math.min(tally.purchases30 / 5, 1);
  out[k++] = Math.min(tally.spend30 / 500, 1);
}
