/**
 * The one rule for how much of a row must be there to be scored, for rows sent as features and
 * entities read by id alike: a row with less than `--min-present-share` of the model's features
 * present and readable is refused (422), one line naming it and its share. Not present: a `null`
 * (or, with `?absent=missing`, an absent key) in a sent row; no field, `null`, or a string where a
 * number belongs in the store.
 *
 * @module
 */

/** How many of a row's model features were present and readable. */
export interface PresentCount {
  readonly present: number;
  /** The model's features. */
  readonly width: number;
}

/**
 * The refusal line for the row `who` when its share present is under `minShare`, else undefined.
 *
 * @example An entity with too few features
 * ```ts
 * import { tooFewPresent } from "./present_share.ts";
 *
 * tooFewPresent("entity c_1", { present: 1, width: 17 }, 0.5);
 * // "entity c_1: 1 of 17 features present (0.06 < 0.5)"
 * ```
 */
export function tooFewPresent(
  who: string,
  count: PresentCount,
  minShare: number,
): string | undefined {
  const share = count.present / count.width;
  if (!(share < minShare)) return undefined;
  return `${who}: ${count.present} of ${count.width} features present (${
    share.toFixed(2)
  } < ${minShare})`;
}
