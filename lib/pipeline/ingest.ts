/**
 * Ingest as `deno task ingest` runs it: the embedded stream written to the configured Redis
 * feature store — a snapshot of `data.maxSamples` cards, or a replay of the event stream at a
 * rate (`follow`).
 *
 * @module
 */

import { z } from "zod";
import type { TrainingConfig } from "../config/schema.ts";
import { oneView } from "../features/catalog.ts";
import { embeddedStream } from "../features/embedded_source.ts";
import { connectRedis } from "../features/redis/client.ts";
import { ingestFollow, ingestSnapshot } from "../features/redis/ingest.ts";
import { layoutFor, redisSettings } from "../features/redis/source.ts";
import { DRIFT_SCENARIOS } from "../features/transactions.ts";
import { snapshotFeatures } from "../features/window_processor.ts";

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
  /** Told when a lost connection makes a snapshot be written again. */
  readonly onRetry?: (attempt: number, why: string) => void;
};

/** What was written where. */
export interface IngestOutcome {
  /** Rows (snapshot) or events (follow) written. */
  readonly written: number;
  /** The store, without secrets. */
  readonly where: string;
}

/**
 * Writes the embedded stream's rows of the configured view to Redis in the configured layout.
 *
 * @throws {ConfigError} for more than one view, or a scenario the view's stream has not.
 * @throws {EnvironmentError} when Redis cannot be reached or refuses a write.
 */
export async function runIngest(
  config: TrainingConfig,
  options: IngestOptions,
): Promise<IngestOutcome> {
  const r = config.data.redis;
  const view = oneView(config.featureViews, "ingest writes");
  const stream = embeddedStream({
    view: view.name,
    samples: config.data.maxSamples,
    seed: config.seed,
    snapshotTime: config.data.snapshotTime,
    scenario: options.scenario,
  });
  const layout = layoutFor(r, view);
  const conn = connectRedis(redisSettings(r));
  try {
    if (options.follow) {
      const written = await ingestFollow({ conn, layout }, stream, {
        rate: options.rate,
        ttlSeconds: r.ttlSeconds,
        ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return { written, where: conn.where };
    }
    const written = await ingestSnapshot({ conn, layout }, snapshotFeatures(stream), {
      ttlSeconds: r.ttlSeconds,
      batchSize: r.batchSize,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
    return { written, where: conn.where };
  } finally {
    await conn.close();
  }
}
