/**
 * The embedded feature source: a seeded synthetic event stream per view (card transactions for
 * `transaction`, user clicks for `clickstream`) run through the windowed processor, giving the
 * rows a streaming pipeline would have left in the feature store.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { generateClicks } from "./clickstream.ts";
import { clickStream } from "./clickstream_processor.ts";
import { type DriftScenario, generateTransactions } from "./transactions.ts";
import {
  type EntityStream,
  type FeatureSet,
  snapshotFeatures,
  transactionStream,
} from "./window_processor.ts";

/** Options of {@link embeddedFeatures}. */
export interface EmbeddedOptions {
  /** Number of entities (rows). */
  readonly samples: number;
  /** Seed; the same seed gives the same rows. */
  readonly seed: number;
  /** Snapshot time (ISO string or epoch ms). */
  readonly snapshotTime: string | number;
  /** The feature view to produce. @default "transaction" */
  readonly view?: string;
  /** A known shift to inject (drift demos and tests; the transaction stream). @default "none" */
  readonly scenario?: DriftScenario;
}

/** Options of an embedded stream maker, the snapshot time as epoch ms. */
export type StreamOptions = Omit<EmbeddedOptions, "snapshotTime" | "view"> & {
  readonly snapshotTime: number;
};

/** How the embedded source makes a view's stream, and whether that stream takes drift scenarios. */
export interface EmbeddedStream {
  readonly make: (options: StreamOptions) => EntityStream;
  readonly scenarios: boolean;
}

/** The seeded event stream of each view the embedded source can produce. */
export const EMBEDDED_STREAMS: ReadonlyMap<string, EmbeddedStream> = new Map([
  ["transaction", {
    scenarios: true,
    make: (options: StreamOptions) =>
      transactionStream(generateTransactions({
        cards: options.samples,
        seed: options.seed,
        snapshotTime: options.snapshotTime,
        ...(options.scenario ? { scenario: options.scenario } : {}),
      })),
  }],
  ["clickstream", {
    scenarios: false,
    make: (options: StreamOptions) =>
      clickStream(
        generateClicks({
          users: options.samples,
          seed: options.seed,
          snapshotTime: options.snapshotTime,
        }),
      ),
  }],
]);

/**
 * The seeded event stream of `options.view`.
 *
 * @throws {ConfigError} for a view the embedded source cannot produce, or a drift scenario on a
 *   view whose stream has none.
 */
export function embeddedStream(options: EmbeddedOptions): EntityStream {
  const view = options.view ?? "transaction";
  const stream = EMBEDDED_STREAMS.get(view);
  if (!stream) {
    throw new ConfigError([
      `featureViews: the embedded source produces ${
        [...EMBEDDED_STREAMS.keys()].join(", ")
      }, not "${view}"`,
    ]);
  }
  if (!stream.scenarios && (options.scenario ?? "none") !== "none") {
    throw new ConfigError([`scenario: the embedded "${view}" stream takes no drift scenario`]);
  }
  const snapshotTime = typeof options.snapshotTime === "number"
    ? options.snapshotTime
    : Date.parse(options.snapshotTime);
  return stream.make({ ...options, snapshotTime });
}

/**
 * Feature rows for `samples` entities of `options.view` from the seeded synthetic stream.
 *
 * @throws {ConfigError} as {@link embeddedStream}.
 * @example 1,000 rows of the transaction view
 * ```ts
 * import { embeddedFeatures } from "./embedded_source.ts";
 * const snapshotTime = "2024-06-03T03:00:00Z";
 * const { frame, entityIds } = embeddedFeatures({ samples: 1000, seed: 42, snapshotTime });
 * frame.width; // 17 features, from txn_count_5m to has_high_risk_mcc
 * entityIds[0]; // "card_000000"
 * ```
 */
export function embeddedFeatures(options: EmbeddedOptions): FeatureSet {
  return snapshotFeatures(embeddedStream(options));
}
