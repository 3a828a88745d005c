/**
 * The Redis benchmark: a redis-server on a free loopback port, `entities` embedded rows ingested,
 * extraction timed (entities/s, median of `repeats`) beside redis-benchmark's pipelined HGETALL
 * rate on one of those hashes, measured in the same run.
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

/** redis-benchmark's pipelined (-P 16) rate of one command, requests/s (NaN if unreadable). */
async function benchmarkRate(port: number, command: readonly string[]): Promise<number> {
  const out = await new Deno.Command("redis-benchmark", {
    args: ["-p", String(port), "-n", "200000", "-r", "1000000", "-P", "16", "-q", ...command],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const m = /([\d.]+) requests per second/.exec(new TextDecoder().decode(out.stdout));
  return m ? Number(m[1]) : NaN;
}

/**
 * redis-benchmark's rate of a command on every master at once (one redis-benchmark each, rates
 * summed: the cluster's capacity; one server: its rate). `command(i)` is the command for master i.
 */
async function ratesSummed(
  servers: readonly RedisServer[],
  command: (i: number) => Promise<string[]>,
): Promise<number> {
  const rates = await Promise.all(
    servers.map(async (s, i) => await benchmarkRate(s.port, await command(i))),
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
    let t0 = performance.now();
    await ingestSnapshot({ conn, layout }, rows, { batchSize: 1000 });
    const ingestS = (performance.now() - t0) / 1000;
    const times: number[] = [];
    let read = 0;
    for (let r = 0; r < o.repeats; r++) {
      t0 = performance.now();
      const ex = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
        scanCount: 2000,
        batchSize: 2000,
      });
      read = ex.features.frame.rows;
      times.push((performance.now() - t0) / 1000);
    }
    const hgetall = o.layout === "feast" ? NaN : await ratesSummed(servers.servers, async (i) => {
      return ["HGETALL", await servers.servers[i]!.cli(["RANDOMKEY"])];
    });
    const hset = await ratesSummed(servers.servers, (i) => hsetCommand(rows, conn, i));
    const [ingest, extract] = [o.entities / ingestS, read / median(times)];
    const ratio = (a: number, b: number) => (Number.isNaN(b) ? "-" : (a / b).toFixed(2));
    const everyMaster = ", every master at once, summed";
    const on = o.cluster ? "a 3-master Redis Cluster" : "one Redis server";
    return `${on} on loopback, ${o.layout} layout, ${
      o.entities.toLocaleString("en-US")
    } entities × 17 features\n` +
      textTable(["measure", "per second", "ours / redis-benchmark"], [
        ["ingest, rows", rate(ingest), ratio(ingest, hset)],
        [
          `redis-benchmark HSET of a hash like one row (-P 16)${o.cluster ? everyMaster : ""}`,
          rate(hset),
          "",
        ],
        [
          `extraction (SCAN + pipelined HMGET), entities, median of ${o.repeats}`,
          rate(extract),
          ratio(extract, hgetall),
        ],
        [
          `redis-benchmark HGETALL (-P 16)${o.cluster ? everyMaster : ""}`,
          o.layout === "feast" ? "-" : rate(hgetall),
          "",
        ],
      ]) +
      "\nratios: ≥ 0.5 is the goal (redis-benchmark measured in the same run, same server)";
  } finally {
    await conn.close();
    await servers.stop();
  }
}
