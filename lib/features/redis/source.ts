/**
 * The Redis feature source as configured: connection settings, layout, and a one-call read of
 * the configured feature view.
 *
 * @module
 */

import type { FeatureView } from "../../data/feature_spec.ts";
import { connectRedis, type RedisSettings } from "./client.ts";
import { extractFeatures, type Extraction } from "./extract.ts";
import { feastLayout, hashLayout, type Layout } from "./layouts.ts";

/** The Redis settings the source reads (the config's `data.redis` section is one). */
export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  /** Secret: never logged or written. */
  readonly password?: string | undefined;
  readonly tls: boolean;
  readonly clusterNodes: readonly string[];
  readonly connectTimeoutMs: number;
  readonly retries: number;
  readonly layout: "hash" | "feast";
  readonly project: string;
  readonly joinKey: string;
  readonly scanCount: number;
  readonly batchSize: number;
  readonly maxFeatureAgeMinutes: number;
  readonly onRescanShrink: "warn" | "error";
}

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
    return await extractFeatures(conn, { layout: layoutFor(c, view), view }, {
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
