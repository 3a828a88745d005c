/**
 * The Redis feature source as configured: connection settings, layout, and a one-call read of
 * the configured feature view.
 *
 * @module
 */

import type { z } from "zod";
import type { RedisConfigSchema } from "../../config/schema.ts";
import type { FeatureView } from "../catalog.ts";
import { connectRedis, type RedisSettings } from "./client.ts";
import { extractFeatures, type Extraction } from "./extract.ts";
import { feastLayout, hashLayout, type Layout } from "./layouts.ts";

/** The `data.redis` config section. */
export type RedisConfig = z.infer<typeof RedisConfigSchema>;

/** Connection settings from config. */
export function redisSettings(c: RedisConfig): RedisSettings {
  return {
    host: c.host,
    port: c.port,
    db: c.db,
    ...(c.password !== undefined ? { password: c.password } : {}),
    tls: c.tls,
    clusterNodes: c.clusterNodes,
    connectTimeoutMs: c.connectTimeoutMs,
    retries: c.retries,
  };
}

/** The configured layout of a view. */
export function layoutFor(c: RedisConfig, view: FeatureView): Layout {
  return c.layout === "feast" ? feastLayout(view, c.project, c.joinKey) : hashLayout(view);
}

/** Connects, reads every row of `view`, and closes. */
export async function readRedisFeatures(c: RedisConfig, view: FeatureView): Promise<Extraction> {
  const conn = connectRedis(redisSettings(c));
  try {
    return await extractFeatures(conn, layoutFor(c, view), view, {
      scanCount: c.scanCount,
      batchSize: c.batchSize,
      maxAgeMinutes: c.maxFeatureAgeMinutes,
      rescans: Math.max(1, Math.ceil(c.retries / 2)),
      onRescanShrink: c.onRescanShrink,
    });
  } finally {
    await conn.close();
  }
}
