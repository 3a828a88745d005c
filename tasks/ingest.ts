/**
 * `deno task ingest`: runs the embedded event stream through the windowed processor and writes
 * feature rows to Redis, as the streaming pipeline does — a snapshot of `--samples` cards, or
 * continuously (`--follow`, `--rate` events/s, until `--max-events`).
 *
 * @module
 */

import { readConfigFile } from "../lib/config/config_file.ts";
import { type ConfigLayer, envLayer, flagLayer, resolveConfig } from "../lib/config/load.ts";
import { ConfigError } from "../lib/errors.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { connectRedis } from "../lib/features/redis/client.ts";
import { ingestFollow, ingestSnapshot } from "../lib/features/redis/ingest.ts";
import { layoutFor, redisSettings } from "../lib/features/redis/source.ts";
import {
  DRIFT_SCENARIOS,
  type DriftScenario,
  generateTransactions,
} from "../lib/features/transactions.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";

const HELP =
  `Write feature rows to Redis (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_CLUSTER_NODES).

  deno task ingest [--samples 10000] [--seed 42] [--layout hash|feast] [--scenario <s>] [--ttl <s>]
  deno task ingest --follow --rate 1000 [--max-events N]     replay the stream continuously
  --redis-cluster host:port,…   --config <file.json>`;

await runMain("ingest", async () => {
  const { values } = parseFlags(Deno.args, {
    samples: { type: "string" },
    seed: { type: "string" },
    layout: { type: "string" },
    scenario: { type: "string" },
    ttl: { type: "string" },
    follow: { type: "boolean" },
    rate: { type: "string" },
    "max-events": { type: "string" },
    "redis-cluster": { type: "string" },
    config: { type: "string" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const layers: ConfigLayer[] = [];
  if (values.config) layers.push(await readConfigFile(values.config));
  layers.push(envLayer(Deno.env.toObject()));
  const flags: Array<readonly [string, unknown, string]> = [];
  if (values.samples) flags.push(["data.maxSamples", values.samples, "--samples"]);
  if (values.seed) flags.push(["seed", values.seed, "--seed"]);
  if (values.layout) flags.push(["data.redis.layout", values.layout, "--layout"]);
  if (values.ttl) flags.push(["data.redis.ttlSeconds", Number(values.ttl), "--ttl"]);
  if (values["redis-cluster"]) {
    flags.push(["data.redis.clusterNodes", values["redis-cluster"].split(","), "--redis-cluster"]);
  }
  layers.push(flagLayer(flags));
  const config = resolveConfig(layers);
  const scenario = values.scenario ?? "none";
  const problems: string[] = [];
  if (!(DRIFT_SCENARIOS as readonly string[]).includes(scenario)) {
    problems.push(
      `--scenario: must be one of ${DRIFT_SCENARIOS.join(", ")}, got ${JSON.stringify(scenario)}`,
    );
  }
  const rate = Number(values.rate ?? 1000);
  if (values.follow && !(rate > 0)) {
    problems.push(`--rate: must be a number > 0, got ${JSON.stringify(values.rate)}`);
  }
  if (problems.length) throw new ConfigError(problems);

  const r = config.data.redis;
  const layout = layoutFor(r, TRANSACTION_VIEW);
  const conn = connectRedis(redisSettings(r));
  try {
    const common = {
      snapshotTime: config.data.snapshotTime,
      seed: config.seed,
      scenario: scenario as DriftScenario,
    };
    if (values.follow) {
      const events = generateTransactions({
        cards: config.data.maxSamples,
        ...common,
        snapshotTime: Date.parse(common.snapshotTime),
      });
      const n = await ingestFollow(conn, layout, events, {
        rate,
        ttlSeconds: r.ttlSeconds,
        ...(values["max-events"] ? { maxEvents: Number(values["max-events"]) } : {}),
        onProgress: (k) => console.error(`ingest: ${k} events`),
      });
      console.error(`ingest: replayed ${n} events into ${conn.where} (${r.layout} layout)`);
    } else {
      const features = embeddedFeatures({ samples: config.data.maxSamples, ...common });
      const n = await ingestSnapshot(conn, layout, features, {
        ttlSeconds: r.ttlSeconds,
        batchSize: r.batchSize,
      });
      console.error(`ingest: wrote ${n} rows to ${conn.where} (${r.layout} layout)`);
    }
  } finally {
    await conn.close();
  }
  return 0;
});
