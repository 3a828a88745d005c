/**
 * Days as fraud teams count them: UTC days since 1970-01-01, and their `YYYY-MM-DD` names. Windows,
 * label delays, test periods and per-day metrics all count in these days.
 *
 * @module
 */

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/**
 * The day index of an epoch-millisecond time.
 *
 * @example
 * ```ts
 * import { dayOf } from "./days.ts";
 * dayOf(Date.parse("2018-04-01T12:00:00Z")); // 17622
 * ```
 */
export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS);
}

/**
 * A day index's `YYYY-MM-DD` (UTC).
 *
 * @example
 * ```ts
 * import { isoDay } from "./days.ts";
 * isoDay(17622); // "2018-04-01"
 * ```
 */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whether a label of a row at `time` counts yet: always with `days` 0; else when the row is at
 * least `days` old at `now` (a row without a time never matures).
 *
 * @example
 * ```ts
 * import { DAY_MS, isMature } from "./days.ts";
 * const now = Date.parse("2024-06-30T00:00:00Z");
 * isMature(now - 40 * DAY_MS, { days: 30, now }); // true
 * isMature(now - 2 * DAY_MS, { days: 30, now }); // false: chargebacks may still come
 * ```
 */
export function isMature(
  time: number,
  o: { readonly days: number; readonly now: number },
): boolean {
  return o.days === 0 || time <= o.now - o.days * DAY_MS;
}
