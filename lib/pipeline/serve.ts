/**
 * Online scoring (`deno task serve`): the model from a file or the registry (following its alias:
 * a moved `champion` is loaded in the background and swapped in atomically), features from the
 * request or from Redis by entity id (the pipeline's layouts), a prediction log in a Redis stream,
 * and `Deno.serve` behind a connection guard (header and idle timeouts), with request limits
 * (body size and time, the share of a row's features present) and a graceful shutdown.
 *
 * @module
 */

import { z } from "zod";
import type { TrainingConfig } from "../config/schema.ts";
import { oneView } from "../features/catalog.ts";
import { connectRedis, type RedisConnection } from "../features/redis/client.ts";
import { layoutFor, redisSettings } from "../features/redis/source.ts";
import type { OnlineStore } from "../serve/entity_features.ts";
import { ServeLimitsSchema } from "../serve/limits.ts";
import { listen } from "../serve/listen.ts";
import { type Loaded, ModelSlot, type ModelSource } from "../serve/model_slot.ts";
import type { Rollout } from "../serve/rollout.ts";
import { ConfigError } from "../errors.ts";
import { logKeys, type PredictionLog, redisPredictionLog } from "../serve/prediction_log.ts";
import { scoreHandler, type ServeContext } from "../serve/score_handler.ts";
import { flushShadow } from "../serve/shadow_batch.ts";
import { ServeMetrics } from "../serve/serve_metrics.ts";
import { StoreHealth } from "../serve/store_health.ts";
import { openTrackingStore } from "../tracking/open_store.ts";
import type { Logger } from "../util/logger.ts";
import { loadModel, readModelAt } from "./load_model.ts";
import { isStoreReference, locateModel } from "./model_ref.ts";

/** The server's settings (a zod schema with the defaults), its limits among them. */
export const ServeOptionsSchema = z.strictObject({
  /** A model file, or `models:/name@alias` (followed), `models:/name/3`, `runs:/<id>/model`. */
  model: z.string().min(1),
  /** 0 = any free port. */
  port: z.number().int().min(0).max(65535).default(8080),
  /** The address to listen on (`0.0.0.0` in a container). */
  host: z.string().min(1).default("127.0.0.1"),
  /** Seconds between checks of the alias (0 = never). */
  followSeconds: z.number().min(0).default(10),
  /** Share of scored rows written to the prediction log (0 = off). */
  logSample: z.number().min(0).max(1).default(1),
  /** Entries the prediction stream keeps (about). */
  logMaxLen: z.number().int().min(1).default(100_000),
  /** A challenger that scores the same rows after each answer (its scores only logged). */
  shadow: z.string().min(1).optional(),
  /** Share of rows the shadow scores. */
  shadowShare: z.number().gt(0).max(1).default(1),
  /** Share of entities (by a hash of the id) the challenger answers. */
  canary: z.number().min(0).max(1).default(0),
  /** The canary's challenger (default: the shadow, else `models:/<name>@challenger`). */
  challenger: z.string().min(1).optional(),
  ...ServeLimitsSchema.shape,
});

/** Options of {@link startServing}: the settings and the server's log. */
export type ServeOptions = z.infer<typeof ServeOptionsSchema> & { readonly log: Logger };

/** A running server. */
export interface Serving {
  readonly port: number;
  readonly slot: ModelSlot;
  readonly predictionLog?: PredictionLog;
  /** Stops accepting, finishes in-flight requests, closes the feature store. */
  shutdown(): Promise<void>;
}

/** The feature store as serving uses it. */
interface ServingStore {
  readonly conn: RedisConnection;
  readonly online: OnlineStore;
  readonly health: StoreHealth;
  readonly predictionLog?: PredictionLog;
}

/**
 * Loads the model and starts serving.
 *
 * @throws {ConfigError} / {@link ModelFormatError} / {@link DataError} for a model that cannot be
 * loaded; {@link EnvironmentError} for an address that cannot be listened on.
 */
export async function startServing(
  config: TrainingConfig,
  options: ServeOptions,
): Promise<Serving> {
  const slot = await ModelSlot.open(options.model, registrySource(config));
  const rollout = await openRollout(config, options, slot);
  const metrics = new ServeMetrics();
  const setModel = (m: Loaded) => metrics.model = { name: m.name, version: m.version };
  setModel(slot.current);
  const store = config.data.source === "redis"
    ? await openStore(config, options, { slot, metrics })
    : undefined;
  const ctx: ServeContext = {
    slot,
    ...(rollout ? { rollout } : {}),
    metrics,
    limits: options,
    ...(store ? { online: store.online, storeProblem: () => store.health.problem } : {}),
    ...(store?.predictionLog ? { logRows: store.predictionLog.write } : {}),
    ...(store ? { feedback: feedbackSink(store.conn, logKeys(slot.current.name).feedback) } : {}),
    onError: (e) =>
      options.log.error("request failed", { reason: e instanceof Error ? e.stack : e }),
  };
  const handler = scoreHandler(ctx);
  const server = await listen(handler, { ...options, hostname: options.host }).catch(
    async (error) => {
      await store?.conn.close().catch(() => {});
      throw error;
    },
  );
  metrics.connections = server.connections;
  const follow = followAliases({ slot, rollout, options, setModel });
  return {
    port: server.port,
    slot,
    ...(store?.predictionLog ? { predictionLog: store.predictionLog } : {}),
    async shutdown() {
      if (follow !== undefined) clearInterval(follow);
      await server.shutdown();
      flushShadow(ctx); // the last shadow rows, before the prediction log closes
      await store?.conn.close().catch(() => {});
    },
  };
}

/**
 * Checks the aliases every `followSeconds` (when any reference follows one): a moved champion or
 * challenger is loaded and swapped in — unless, with a rollout, it reads other features than the
 * model beside it (the old one keeps serving, and a warning says why).
 */
function followAliases(
  f: {
    slot: ModelSlot;
    rollout?: Rollout | undefined;
    options: ServeOptions;
    setModel: (m: Loaded) => void;
  },
): ReturnType<typeof setInterval> | undefined {
  const { slot, rollout, options } = f, log = options.log;
  const sameFeatures = (other: () => Loaded) => (next: Loaded) =>
    sameFeatureList(next, other()) ? undefined : "reads other features than the model beside it";
  const checks = [
    ...(slot.follows
      ? [{ what: "model", slot, accept: rollout && sameFeatures(() => rollout.challenger.current) }]
      : []),
    ...(rollout?.challenger.follows
      ? [{ what: "challenger", slot: rollout.challenger, accept: sameFeatures(() => slot.current) }]
      : []),
  ];
  if (options.followSeconds <= 0 || checks.length === 0) return undefined;
  return setInterval(() => {
    for (const c of checks) {
      c.slot.refresh(c.accept).then((m) => {
        if (!m) return;
        if (c.slot === slot) f.setModel(m);
        log.info(`${c.what} swapped`, { name: m.name, version: m.version });
      }, (e) => log.warn(`${c.what} alias check failed`, { reason: String(e) }));
    }
  }, options.followSeconds * 1000);
}

/** Whether two models read the same features in the same order. */
function sameFeatureList(a: Loaded, b: Loaded): boolean {
  return a.model.featureNames.join("\u0000") === b.model.featureNames.join("\u0000");
}

/**
 * The challenger of a shadow or canary (none without either): `shadow`, else `challenger`, else
 * the champion's registered name at `@challenger`.
 *
 * @throws {ConfigError} for a canary with no challenger to name, or a challenger whose features
 *   differ from the champion's.
 */
async function openRollout(
  config: TrainingConfig,
  options: ServeOptions,
  slot: ModelSlot,
): Promise<Rollout | undefined> {
  if (!options.shadow && options.canary === 0) return undefined;
  if (options.shadow && (config.data.source !== "redis" || options.logSample <= 0)) {
    throw new ConfigError([
      "shadow: its scores go only to the prediction log; serve with data.source redis and logSample above 0",
    ]);
  }
  if (options.shadow && options.challenger && options.shadow !== options.challenger) {
    throw new ConfigError([
      `challenger: ${options.challenger} differs from shadow ${options.shadow}; a rollout has one challenger`,
    ]);
  }
  const named = /^models:\/([^@/]+)[@/]/.exec(options.model)?.[1];
  const key = options.shadow ? "shadow" : "challenger";
  const ref = options.shadow ?? options.challenger ??
    (named ? `models:/${named}@challenger` : undefined);
  if (!ref) {
    throw new ConfigError([
      "challenger: a canary needs a challenger (challenger, or a registered model to take @challenger from)",
    ]);
  }
  const challenger = await ModelSlot.open(ref, registrySource(config));
  if (!sameFeatureList(slot.current, challenger.current)) {
    const [a, b] = [slot.current.model.featureNames, challenger.current.model.featureNames];
    throw new ConfigError([
      `${key}: ${ref} reads other features than the champion (${b.length} vs ${a.length}); ` +
      "shadow and canary need the same feature list",
    ]);
  }
  options.log.info("rollout", {
    challenger: `${challenger.current.name}/${challenger.current.version}`,
    shadow_share: options.shadow ? options.shadowShare : 0,
    canary_share: options.canary,
  });
  return {
    challenger,
    shadowShare: options.shadow ? options.shadowShare : 0,
    canaryShare: options.canary,
  };
}

/**
 * Connects the feature store (waiting up to its connect timeout, or less when authentication
 * fails), logs its problems as they come and go, and opens the prediction log.
 */
async function openStore(
  config: TrainingConfig,
  options: ServeOptions,
  s: { slot: ModelSlot; metrics: ServeMetrics },
): Promise<ServingStore> {
  const conn = connectRedis(redisSettings(config.data.redis), { serving: true });
  const health = new StoreHealth(conn, (problem) => {
    if (problem) options.log.error(`feature store ${problem}`, { store: conn.where });
    else options.log.info("feature store connected", { store: conn.where });
  });
  // Serve once connected (commands fail fast while not): wait up to the connect timeout.
  if (!(await ready(conn, health, config.data.redis.connectTimeoutMs)) && !health.problem) {
    options.log.warn("feature store not reachable yet; entity requests answer 503 until it is", {
      store: conn.where,
    });
  }
  const view = oneView(config.featureViews, "serving reads");
  const online = { conn, layout: layoutFor(config.data.redis, view), view };
  if (options.logSample <= 0) return { conn, online, health };
  const predictionLog = redisPredictionLog(conn, {
    stream: logKeys(s.slot.current.name).stream,
    maxLen: options.logMaxLen,
    sample: options.logSample,
    seed: config.seed,
    features: () => s.slot.current.model.featureNames,
  });
  s.metrics.predictionLog = predictionLog.stats;
  return { conn, online, health, predictionLog };
}

/** True once the connection is ready; false after `ms`, or as soon as a problem is known. */
async function ready(conn: RedisConnection, health: StoreHealth, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (conn.client.status !== "ready" && !health.problem && Date.now() < deadline) {
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
      if (!isStoreReference(ref)) {
        return { model: await loadModel(ref), name: ref, version: "file" };
      }
      const store = await openTrackingStore(tracking);
      try {
        // One lookup: the model read is the version reported, even if the alias moves meanwhile.
        const at = await locateModel(store, ref);
        return {
          model: await readModelAt(store, at),
          name: at.version?.name ?? ref,
          version: at.version?.version ?? at.run.runId,
        };
      } finally {
        await store.close();
      }
    },
  };
}
