/**
 * The Redis benchmark: one redis-server (or a 3-master cluster) on free loopback ports,
 * `entities` embedded rows ingested and extracted, alternating with redis-benchmark's pipelined
 * HSET of a hash like one row under random keys, HGETALL of random keys among as many such hashes
 * as the server holds rows (the same work as extraction's reads, without its SCAN), and HGETALL of
 * one key again and again (on every master at once for a cluster), `repeats` times each; medians
 * and speed vs redis-benchmark (our rate / its rate) with the goal.
 *
 * @module
 */

import { TRANSACTION_VIEW } from "../../lib/features/catalog.ts";
import { embeddedFeatures } from "../../lib/features/embedded_source.ts";
import { connectRedis, type RedisConnection } from "../../lib/features/redis/client.ts";
import { keySlot, slotMap } from "../../lib/features/redis/cluster_slots.ts";
import type { Cluster } from "ioredis";
import { extractFeatures } from "../../lib/features/redis/extract.ts";
import { ingestSnapshot } from "../../lib/features/redis/ingest.ts";
import { feastLayout, hashLayout } from "../../lib/features/redis/layouts.ts";
import { textTable } from "../../lib/report/text_table.ts";
import type { FeatureSet } from "../../lib/features/window_processor.ts";
import { median } from "./_stats.ts";
import {
  atLeast,
  formatSpeed,
  goalCheck,
  goalSummary,
  speedFromRates,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";
// The tests' harness of real servers on free loopback ports, reused rather than copied.
import { RedisCluster, RedisServer } from "../../tests/helpers/redis_server.ts";

/** What to time. */
export interface RedisBenchOptions {
  readonly entities: number;
  readonly repeats: number;
  readonly layout: "hash" | "feast";
  /** On a 3-master Redis Cluster instead of one server. */
  readonly cluster: boolean;
}

/** The servers measured: one, or a 3-master cluster (the tests' real-server harness). */
async function startServers(cluster: boolean) {
  if (cluster) {
    const c = await RedisCluster.start();
    return { servers: c.servers, nodes: c.nodes, stop: () => c.stop() };
  }
  const s = await RedisServer.start();
  return { servers: [s], nodes: [], stop: () => s.stop() };
}

/**
 * redis-benchmark's pipelined (-P 16) rate of one command, requests/s (NaN if unreadable);
 * `__rand_int__` in it is a random number below `keyspace`.
 */
async function benchmarkRate(
  port: number,
  command: readonly string[],
  o: { keyspace: number; requests: number } = { keyspace: 1_000_000, requests: 200_000 },
): Promise<number> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      ...["-p", String(port), "-n", String(o.requests), "-r", String(o.keyspace), "-P", "16", "-q"],
      ...command,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const m = /([\d.]+) requests per second/.exec(new TextDecoder().decode(out.stdout));
  return m ? Number(m[1]) : NaN;
}

/**
 * redis-benchmark's rate of a command on every master at once (one redis-benchmark each, rates
 * summed: the cluster's capacity; one server: its rate). `command(i)` is the command for master i,
 * `sizes(i)` its keyspace and request count (default: a million and 200,000).
 */
async function ratesSummed(
  servers: readonly RedisServer[],
  command: (i: number) => Promise<string[]>,
  sizes?: (i: number) => { keyspace: number; requests: number },
): Promise<number> {
  const rates = await Promise.all(
    servers.map(async (s, i) => await benchmarkRate(s.port, await command(i), sizes?.(i))),
  );
  return rates.reduce((a, b) => a + b, 0);
}

/**
 * HSET of a hash like one hash-layout row of `rows` (the same fields and values: row 0's) under
 * random keys; on a cluster, keys hash-tagged to a slot master `i` serves.
 */
async function hsetCommand(rows: FeatureSet, conn: RedisConnection, i: number): Promise<string[]> {
  const row = Float64Array.from(rows.frame.columns, (c) => c[0]!);
  const pairs = hashLayout(TRANSACTION_VIEW).encode(rows.entityIds[0]!, rows.timestamps[0]!, row);
  const dec = new TextDecoder();
  const values = pairs.flat().map((b) => typeof b === "string" ? b : dec.decode(b));
  let tag = "bench";
  if (conn.client.isCluster) {
    const map = await slotMap(conn.client as Cluster), port = conn.masters()[i]!.options.port;
    const owner = map.masters.findIndex((m) => m.port === port);
    for (let t = 0; map.owner[keySlot(new TextEncoder().encode(tag))] !== owner; t++) tag = `b${t}`;
  }
  return ["HSET", `{${tag}}:__rand_int__`, ...values];
}

/** Deletes redis-benchmark's keys (`{tag}:__rand_int__`) so they do not lengthen our SCAN. */
async function removeKeys(server: RedisServer, key: string): Promise<void> {
  const script = "local c = '0' repeat local r = redis.call('SCAN', c, 'MATCH', ARGV[1], " +
    "'COUNT', 1000) c = r[1] for _, k in ipairs(r[2]) do redis.call('UNLINK', k) end " +
    "until c == '0' return 0";
  await server.cli(["EVAL", script, "0", key.replace("__rand_int__", "*")]);
}

/**
 * Fills `count` hashes `prefix` + a 12-digit number (redis-benchmark's `__rand_int__`) with the
 * field/value `pairs`, 100,000 per script call.
 */
async function fillHashes(
  server: RedisServer,
  o: { prefix: string; count: number; pairs: readonly string[] },
): Promise<void> {
  const script = "for i = tonumber(ARGV[2]), tonumber(ARGV[3]) - 1 do " +
    "redis.call('HSET', ARGV[1] .. string.format('%012d', i), unpack(ARGV, 4)) end return 0";
  for (let from = 0; from < o.count; from += 100_000) {
    const to = String(Math.min(o.count, from + 100_000));
    const reply = await server.cli(["EVAL", script, "0", o.prefix, String(from), to, ...o.pairs]);
    if (reply !== "0") throw new Error(`filling redis-benchmark's hashes failed: ${reply}`);
  }
}

/**
 * redis-benchmark's HGETALL rate over random keys among as many hashes like one row as each
 * master holds rows (filled beside the rows for the measurement, removed after it), summed over
 * the masters.
 */
async function randomKeyHgetall(
  servers: readonly RedisServer[],
  hsets: readonly string[][],
): Promise<number> {
  const counts = await Promise.all(servers.map(async (s) => Number(await s.cli(["DBSIZE"]))));
  const key = (i: number) => hsets[i]![1]!;
  await Promise.all(servers.map((s, i) =>
    fillHashes(s, {
      prefix: key(i).replace("__rand_int__", ""),
      count: counts[i]!,
      pairs: hsets[i]!.slice(2),
    })
  ));
  const rate = await ratesSummed(
    servers,
    (i) => Promise.resolve(["HGETALL", key(i)]),
    (i) => ({ keyspace: counts[i]!, requests: 500_000 }),
  );
  await Promise.all(servers.map((s, i) => removeKeys(s, key(i))));
  return rate;
}

const rate = (v: number) => (Number.isNaN(v) ? "?" : Math.round(v).toLocaleString("en-US"));

/** Runs the benchmark and returns the printed report. */
export async function benchRedis(o: RedisBenchOptions): Promise<string> {
  const servers = await startServers(o.cluster);
  const conn = connectRedis({
    host: "127.0.0.1",
    port: servers.servers[0]!.port,
    db: 0,
    tls: false,
    clusterNodes: servers.nodes,
    connectTimeoutMs: 5000,
    retries: 10,
  });
  try {
    const layout = o.layout === "feast"
      ? feastLayout(TRANSACTION_VIEW, "fraud_detection")
      : hashLayout(TRANSACTION_VIEW);
    const rows = embeddedFeatures({
      samples: o.entities,
      seed: 1,
      snapshotTime: "2024-06-03T03:00:00Z",
    });
    // Alternating ours and the peer, `repeats` times each (an ingest again overwrites the rows).
    const r = {
      ingest: [] as number[],
      hset: [] as number[],
      extract: [] as number[],
      hgetall: [] as number[],
      hgetallOne: [] as number[],
    };
    for (let k = 0; k < o.repeats; k++) {
      let t0 = performance.now();
      await ingestSnapshot({ conn, layout }, rows, { batchSize: 1000 });
      r.ingest.push(o.entities / ((performance.now() - t0) / 1000));
      const hsets = await Promise.all(servers.servers.map((_, i) => hsetCommand(rows, conn, i)));
      r.hset.push(await ratesSummed(servers.servers, (i) => Promise.resolve(hsets[i]!)));
      await Promise.all(servers.servers.map((s, i) => removeKeys(s, hsets[i]![1]!)));
      t0 = performance.now();
      const ex = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
        scanCount: 2000,
        batchSize: 2000,
      });
      r.extract.push(ex.features.frame.rows / ((performance.now() - t0) / 1000));
      if (o.layout === "feast") continue;
      r.hgetallOne.push(
        await ratesSummed(servers.servers, async (i) => {
          return ["HGETALL", await servers.servers[i]!.cli(["RANDOMKEY"])];
        }),
      );
      r.hgetall.push(await randomKeyHgetall(servers.servers, hsets));
    }
    return report(o, {
      ingest: median(r.ingest),
      hset: median(r.hset),
      extract: median(r.extract),
      hgetall: r.hgetall.length ? median(r.hgetall) : NaN,
      hgetallOne: r.hgetallOne.length ? median(r.hgetallOne) : NaN,
    });
  } finally {
    await conn.close();
    await servers.stop();
  }
}

/** Ingest and extraction at least half of redis-benchmark's rate of the like command. */
const GOAL = atLeast(0.5);

/** The printed table: each rate a median of `repeats`, ours beside the peer's, speed and goal. */
function report(
  o: RedisBenchOptions,
  m: { ingest: number; hset: number; extract: number; hgetall: number; hgetallOne: number },
): string {
  const everyMaster = o.cluster ? ", every master at once, summed" : "";
  const on = o.cluster ? "a 3-master Redis Cluster" : "one Redis server";
  const speed = {
    ingest: speedFromRates(m.ingest, m.hset),
    extract: speedFromRates(m.extract, m.hgetall),
  };
  const one = speedFromRates(m.extract, m.hgetallOne);
  return [
    `${on} on loopback, ${o.layout} layout, ${
      o.entities.toLocaleString("en-US")
    } entities × 17 features; medians of ${o.repeats}, ours and redis-benchmark alternating`,
    textTable(["measure", "per second", speedHeader("redis-benchmark"), "goal"], [
      [
        "ingest (pipelined HSET), rows",
        rate(m.ingest),
        formatSpeed(speed.ingest),
        goalCheck(speed.ingest, GOAL),
      ],
      [`redis-benchmark HSET of a hash like one row (-P 16)${everyMaster}`, rate(m.hset), "", ""],
      [
        "extraction (SCAN + pipelined HGETALL), entities",
        rate(m.extract),
        formatSpeed(speed.extract),
        goalCheck(speed.extract, GOAL),
      ],
      [
        `redis-benchmark HGETALL of random keys among as many such hashes (-P 16)${everyMaster}`,
        rate(m.hgetall),
        "",
        "",
      ],
      ["extraction vs HGETALL of one key again and again", "", formatSpeed(one), "(context)"],
      [
        `redis-benchmark HGETALL of one row's key (-P 16)${everyMaster}`,
        rate(m.hgetallOne),
        "",
        "",
      ],
    ]),
    `${speedLegend("redis-benchmark", "our rate / redis-benchmark's")}; redis-benchmark measured ` +
    "in the same run, same servers. Extraction reads every key once, in SCAN order, so its like " +
    "is HGETALL of random keys; one key again and again stays in the CPU's caches (context, no goal)",
    goalSummary([
      { what: "ingest vs HSET", value: speed.ingest, goal: GOAL },
      { what: "extraction vs random-key HGETALL", value: speed.extract, goal: GOAL },
    ]),
  ].join("\n");
}
