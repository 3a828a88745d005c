/**
 * Ingest as `deno task ingest` runs it: the embedded stream written to the configured Redis
 * feature store — a snapshot of `data.maxSamples` cards, or a replay of the event stream at a
 * rate (`follow`).
 *
 * @module
 */

import { z } from "zod";
import type { TrainingConfig } from "../config/schema.ts";
import { TRANSACTION_VIEW } from "../features/catalog.ts";
import { embeddedFeatures } from "../features/embedded_source.ts";
import { connectRedis } from "../features/redis/client.ts";
import { ingestFollow, ingestSnapshot } from "../features/redis/ingest.ts";
import { layoutFor, redisSettings } from "../features/redis/source.ts";
import { DRIFT_SCENARIOS, generateTransactions } from "../features/transactions.ts";

/** How to ingest. */
export const IngestOptionsSchema = z.strictObject({
  /** Replay the stream event by event instead of writing a snapshot. */
  follow: z.boolean().default(false),
  /** Events per second when following. */
  rate: z.number().gt(0).default(1000),
  /** Stop following after this many events (default: all). */
  maxEvents: z.number().int().min(1).optional(),
  /** A known shift written into the data. */
  scenario: z.enum(DRIFT_SCENARIOS).default("none"),
});

/** Options of {@link runIngest}. */
export type IngestOptions = z.infer<typeof IngestOptionsSchema> & {
  /** Called with the events written so far, after each second's batch when following. */
  readonly onProgress?: (events: number) => void;
};

/** What was written where. */
export interface IngestOutcome {
  /** Rows (snapshot) or events (follow) written. */
  readonly written: number;
  /** The store, without secrets. */
  readonly where: string;
}

/**
 * Writes the embedded stream's rows to Redis in the configured layout.
 *
 * @throws {EnvironmentError} when Redis cannot be reached or refuses a write.
 */
export async function runIngest(
  config: TrainingConfig,
  options: IngestOptions,
): Promise<IngestOutcome> {
  const r = config.data.redis;
  const layout = layoutFor(r, TRANSACTION_VIEW);
  const conn = connectRedis(redisSettings(r));
  const common = { seed: config.seed, scenario: options.scenario };
  try {
    if (options.follow) {
      const events = generateTransactions({
        cards: config.data.maxSamples,
        ...common,
        snapshotTime: Date.parse(config.data.snapshotTime),
      });
      const written = await ingestFollow({ conn, layout }, events, {
        rate: options.rate,
        ttlSeconds: r.ttlSeconds,
        ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return { written, where: conn.where };
    }
    const features = embeddedFeatures({
      samples: config.data.maxSamples,
      snapshotTime: config.data.snapshotTime,
      ...common,
    });
    const written = await ingestSnapshot({ conn, layout }, features, {
      ttlSeconds: r.ttlSeconds,
      batchSize: r.batchSize,
    });
    return { written, where: conn.where };
  } finally {
    await conn.close();
  }
}
