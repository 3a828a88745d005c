/**
 * The embedded feature source: the synthetic transaction stream run through the windowed
 * processor, giving the rows a streaming pipeline would have left in the feature store.
 *
 * @module
 */

import { type DriftScenario, generateTransactions } from "./transactions.ts";
import { type FeatureSet, snapshotFeatures } from "./window_processor.ts";

/** Options of {@link embeddedFeatures}. */
export interface EmbeddedOptions {
  /** Number of cards (rows). */
  readonly samples: number;
  /** Seed; the same seed gives the same rows. */
  readonly seed: number;
  /** Snapshot time (ISO string or epoch ms). */
  readonly snapshotTime: string | number;
  /** A known shift to inject (drift demos and tests). @default "none" */
  readonly scenario?: DriftScenario;
}

/**
 * Feature rows for `samples` cards from the seeded synthetic stream.
 *
 * @example
 * ```ts
 * const { frame, entityIds } = embeddedFeatures({ samples: 1000, seed: 42, snapshotTime: "2024-06-03T03:00:00Z" });
 * ```
 */
export function embeddedFeatures(options: EmbeddedOptions): FeatureSet {
  const snapshotTime = typeof options.snapshotTime === "number"
    ? options.snapshotTime
    : Date.parse(options.snapshotTime);
  const events = generateTransactions({
    cards: options.samples,
    seed: options.seed,
    snapshotTime,
    ...(options.scenario ? { scenario: options.scenario } : {}),
  });
  return snapshotFeatures(events);
}
