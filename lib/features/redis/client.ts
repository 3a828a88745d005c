/**
 * Redis connections for the feature store: one server or a Redis Cluster (every master is
 * scanned), with password (never logged), TLS, timeouts and reconnection with backoff.
 *
 * @module
 */

import { Cluster, Redis } from "ioredis";
import { RespConnection } from "./resp.ts";

/** How to reach the feature store. */
export interface RedisSettings {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly password?: string;
  readonly tls: boolean;
  /** `host:port` of cluster nodes; non-empty means Redis Cluster. */
  readonly clusterNodes: readonly string[];
  readonly connectTimeoutMs: number;
  /** Reconnection attempts (backoff 50 ms doubling to 2 s) before giving up. */
  readonly retries: number;
}

/** A connected feature store. */
export interface RedisConnection {
  /** The client for writes and routed reads. */
  readonly client: Redis | Cluster;
  /** One client per master (the single server, or each cluster master) for SCAN. */
  masters(): Redis[];
  /** Where it points, without secrets (for messages and logs). */
  readonly where: string;
  /** The settings it was opened with. */
  readonly settings: RedisSettings;
  /** Closes every connection. */
  close(): Promise<void>;
}

/**
 * Opens a connection (lazily; the first command connects). `serving`: for a long-lived server —
 * reconnect forever in the background, and fail a command at once while disconnected (the
 * caller answers "unavailable" and the next request finds the store back).
 */
export function connectRedis(
  s: RedisSettings,
  { serving }: { serving?: boolean } = {},
): RedisConnection {
  const retryStrategy = (times: number) =>
    serving || times <= s.retries ? Math.min(50 * 2 ** (times - 1), 2000) : null;
  const common = {
    connectTimeout: s.connectTimeoutMs,
    retryStrategy,
    maxRetriesPerRequest: serving ? 0 : s.retries,
    ...(serving ? { enableOfflineQueue: false } : {}),
    enableAutoPipelining: true,
    lazyConnect: false,
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.tls ? { tls: {} } : {}),
  };
  if (s.clusterNodes.length > 0) {
    const nodes = s.clusterNodes.map((hp) => {
      const [host, port] = hp.split(":");
      return { host: host!, port: Number(port) };
    });
    const cluster: Cluster = new Cluster(nodes, {
      redisOptions: common,
      clusterRetryStrategy: retryStrategy,
      enableAutoPipelining: true,
    });
    cluster.on("error", () => {}); // errors reach callers through the failed commands
    return {
      client: cluster,
      masters: () => cluster.nodes("master"),
      where: `Redis Cluster ${s.clusterNodes.join(",")}`,
      settings: s,
      close: async () => void (await cluster.quit().catch(() => cluster.disconnect())),
    };
  }
  const redis = new Redis({ host: s.host, port: s.port, db: s.db, ...common });
  redis.on("error", () => {}); // errors reach callers through the failed commands
  return {
    client: redis,
    masters: () => [redis],
    where: `Redis ${s.host}:${s.port}/${s.db}`,
    settings: s,
    close: async () => void (await redis.quit().catch(() => redis.disconnect())),
  };
}

/**
 * A lean RESP connection (the hot paths: extraction, snapshot ingest) to the server, or to the
 * cluster master at `at`, with the connection's password, TLS, timeout and database (0 on a
 * cluster).
 */
export function openLean(
  conn: RedisConnection,
  at: { host?: string; port?: number } = {},
  options: { transient?: boolean } = {},
): Promise<RespConnection> {
  const s = conn.settings;
  return RespConnection.open({
    transient: options.transient ?? false,
    host: at.host ?? s.host,
    port: at.port ?? s.port,
    tls: s.tls,
    ...(s.password !== undefined ? { password: s.password } : {}),
    db: conn.client.isCluster ? 0 : s.db,
    timeoutMs: s.connectTimeoutMs,
  });
}

/**
 * Why a Redis call failed, in words for one line (no secrets): a cluster none of whose nodes
 * answers, a refused password, or the client's own message.
 */
export function redisFailure(error: unknown): string {
  const e = error as { message?: string; lastNodeError?: { message?: string } } | undefined;
  const message = String(e?.message ?? error).replace(/\.$/, "");
  if (/WRONGPASS|NOAUTH|invalid password|authentication failed/i.test(message)) {
    return "authentication failed (check REDIS_PASSWORD)";
  }
  if (/None of startup nodes is available/.test(message)) {
    const last = e?.lastNodeError?.message;
    return `none of the cluster's nodes answers${last ? ` (${last})` : ""}`;
  }
  return message;
}
