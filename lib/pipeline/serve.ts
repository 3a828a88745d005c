/**
 * Online scoring (`deno task serve`): the model from a file or the registry (following its alias:
 * a moved `champion` is loaded in the background and swapped in atomically), features from the
 * request or from Redis by entity id (the pipeline's layouts), a prediction log in a Redis stream,
 * and `Deno.serve` with a graceful shutdown.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { oneView } from "../features/catalog.ts";
import { connectRedis, type RedisConnection } from "../features/redis/client.ts";
import { layoutFor, redisSettings } from "../features/redis/source.ts";
import { type Loaded, ModelSlot, type ModelSource } from "../serve/model_slot.ts";
import { logKeys, type PredictionLog, redisPredictionLog } from "../serve/prediction_log.ts";
import { scoreHandler } from "../serve/score_handler.ts";
import { ServeMetrics } from "../serve/serve_metrics.ts";
import { openTrackingStore } from "../tracking/open_store.ts";
import type { Logger } from "../util/logger.ts";
import { isStoreReference, locateModel } from "./model_ref.ts";
import { loadClassifier } from "./predict_file.ts";

/** Options of {@link startServing}. */
export interface ServeOptions {
  /** A model file, or `models:/name@alias` (followed), `models:/name/3`, `runs:/<id>/model`. */
  readonly model: string;
  readonly hostname: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Seconds between checks of the alias (0 = never). */
  readonly followSeconds: number;
  /** Share of scored rows written to the prediction log (0 = off). */
  readonly logSample: number;
  /** Entries the prediction stream keeps (about). */
  readonly logMaxLen: number;
  readonly log: Logger;
}

/** A running server. */
export interface Serving {
  readonly port: number;
  readonly slot: ModelSlot;
  readonly predictionLog?: PredictionLog;
  /** Stops accepting, finishes in-flight requests, closes the feature store. */
  shutdown(): Promise<void>;
}

/**
 * Loads the model and starts serving.
 *
 * @throws {ConfigError} / {@link ModelFormatError} / {@link DataError} for a model that cannot be loaded.
 */
export async function startServing(config: TrainingConfig, o: ServeOptions): Promise<Serving> {
  const slot = await ModelSlot.open(o.model, registrySource(config));
  const metrics = new ServeMetrics();
  const setModel = (m: Loaded) => metrics.model = { name: m.name, version: m.version };
  setModel(slot.current);
  let conn: RedisConnection | undefined;
  let predictionLog: PredictionLog | undefined;
  if (config.data.source === "redis") {
    conn = connectRedis(redisSettings(config.data.redis), { serving: true });
    // Serve once connected (commands fail fast while not): wait up to the connect timeout.
    if (!(await ready(conn, config.data.redis.connectTimeoutMs))) {
      o.log.warn("feature store not reachable yet; entity requests answer 503 until it is", {
        store: conn.where,
      });
    }
    if (o.logSample > 0) {
      predictionLog = redisPredictionLog(conn, {
        stream: logKeys(slot.current.name).stream,
        maxLen: o.logMaxLen,
        sample: o.logSample,
        seed: config.seed,
        features: () => slot.current.model.featureNames,
      });
      metrics.predictionLog = predictionLog.stats;
    }
  }
  const view = oneView(config.featureViews, "serving reads");
  const online = conn ? { conn, layout: layoutFor(config.data.redis, view), view } : undefined;
  const server = Deno.serve(
    { hostname: o.hostname, port: o.port, onListen: () => {} },
    scoreHandler({
      slot,
      metrics,
      ...(online ? { online } : {}),
      ...(predictionLog ? { logRows: predictionLog.write } : {}),
      ...(conn ? { feedback: feedbackSink(conn, logKeys(slot.current.name).feedback) } : {}),
    }),
  );
  const follow = o.followSeconds > 0 && /@/.test(o.model)
    ? setInterval(() => {
      slot.refresh().then((m) => {
        if (!m) return;
        setModel(m);
        o.log.info("model swapped", { name: m.name, version: m.version });
      }, (e) => o.log.warn("alias check failed", { reason: String(e) }));
    }, o.followSeconds * 1000)
    : undefined;
  return {
    port: server.addr.port,
    slot,
    ...(predictionLog ? { predictionLog } : {}),
    async shutdown() {
      if (follow !== undefined) clearInterval(follow);
      await server.shutdown();
      await conn?.close().catch(() => {});
    },
  };
}

/** True once the connection is ready, false after `ms`. */
async function ready(conn: RedisConnection, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (conn.client.status !== "ready" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return conn.client.status === "ready";
}

/** Stores labels by entity id in the model's feedback hash. */
function feedbackSink(conn: RedisConnection, key: string) {
  return async (labels: ReadonlyArray<readonly [string, 0 | 1]>) => {
    // deno-lint-ignore no-explicit-any
    await (conn.client as any).hset(key, ...labels.flatMap(([id, y]) => [id, String(y)]));
  };
}

/** Models from files and the configured tracking store. */
function registrySource(config: TrainingConfig): ModelSource {
  const tracking = config.mlflow;
  return {
    async versionOf(ref) {
      if (!isStoreReference(ref)) return undefined;
      const store = await openTrackingStore(tracking);
      try {
        return (await locateModel(store, ref)).version?.version;
      } finally {
        await store.close();
      }
    },
    async load(ref) {
      const model = await loadClassifier(ref, tracking);
      if (!isStoreReference(ref)) return { model, name: ref, version: "file" };
      const store = await openTrackingStore(tracking);
      try {
        const at = await locateModel(store, ref);
        return {
          model,
          name: at.version?.name ?? ref,
          version: at.version?.version ?? at.run.runId,
        };
      } finally {
        await store.close();
      }
    },
  };
}
