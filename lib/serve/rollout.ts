/**
 * Safe rollouts of a challenger beside the champion: **shadow** scoring (the challenger scores the
 * same rows after the answer is sent; its scores go to the prediction log, never to the caller)
 * and a **canary** (a stable share of entities — by a hash of the entity id, so one card always
 * meets the same model — is answered by the challenger).
 *
 * @module
 */

import type { ModelSlot } from "./model_slot.ts";

/** What a rollout does with its challenger. */
export interface Rollout {
  readonly challenger: ModelSlot;
  /** Share of rows the challenger shadows, in [0, 1] (0: no shadow). */
  readonly shadowShare: number;
  /** Share of entities the challenger answers, in [0, 1] (0: no canary). */
  readonly canaryShare: number;
}

/**
 * An entity's place in [0, 1): FNV-1a (32 bits) of its id, mixed by MurmurHash3's finalizer (FNV
 * alone leaves ids that differ in their last characters bunched), over 2³². The same id always has
 * the same place, on every server.
 *
 * @example
 * ```ts
 * import { stablePlace } from "./rollout.ts";
 * stablePlace("card_000042") === stablePlace("card_000042"); // true
 * ```
 */
export function stablePlace(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/**
 * Which rows the canary's challenger answers: rows with an entity id whose place is below the
 * share (rows without an id stay with the champion).
 */
export function canaryRows(ids: readonly (string | null)[], share: number): boolean[] {
  return ids.map((id) => share > 0 && id !== null && stablePlace(id) < share);
}

/**
 * Which rows the shadow scores: all at share 1; else each row's place below the share — by its
 * entity id (or its request's sequence when it has none), salted, so the shadowed entities are
 * not the canary's.
 */
export function shadowRows(
  ids: readonly (string | null)[],
  at: { share: number; sequence: number },
): boolean[] {
  if (at.share >= 1) return ids.map(() => true);
  return ids.map((id, i) =>
    at.share > 0 && stablePlace(`shadow:${id ?? `request ${at.sequence} row ${i}`}`) < at.share
  );
}
