/**
 * The Redis benchmark: a redis-server on a free loopback port, `entities` embedded rows ingested,
 * extraction timed (entities/s, median of `repeats`) beside redis-benchmark's pipelined HGETALL
 * rate on one of those hashes, measured in the same run.
 *
 * @module
 */

import { TRANSACTION_VIEW } from "../../lib/features/catalog.ts";
import { embeddedFeatures } from "../../lib/features/embedded_source.ts";
import { connectRedis } from "../../lib/features/redis/client.ts";
import { extractFeatures } from "../../lib/features/redis/extract.ts";
import { ingestSnapshot } from "../../lib/features/redis/ingest.ts";
import { feastLayout, hashLayout } from "../../lib/features/redis/layouts.ts";
import { textTable } from "../../lib/report/text_table.ts";
import type { FeatureSet } from "../../lib/features/window_processor.ts";
import { median } from "./_stats.ts";

/** What to time. */
export interface RedisBenchOptions {
  readonly entities: number;
  readonly repeats: number;
  readonly layout: "hash" | "feast";
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
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

/** HSET of a hash like one hash-layout row of `rows`: the same fields and values (row 0's). */
function hsetCommand(rows: FeatureSet): string[] {
  const row = Float64Array.from(rows.frame.columns, (c) => c[0]!);
  const pairs = hashLayout(TRANSACTION_VIEW).encode(rows.entityIds[0]!, rows.timestamps[0]!, row);
  const dec = new TextDecoder();
  return [
    "HSET",
    "bench:__rand_int__",
    ...pairs.flat().map((b) => typeof b === "string" ? b : dec.decode(b)),
  ];
}

const rate = (v: number) => (Number.isNaN(v) ? "?" : Math.round(v).toLocaleString("en-US"));

/** Runs the benchmark and returns the printed report. */
export async function benchRedis(o: RedisBenchOptions): Promise<string> {
  const port = freePort(), dir = await Deno.makeTempDir();
  const server = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const conn = connectRedis({
    host: "127.0.0.1",
    port,
    db: 0,
    tls: false,
    clusterNodes: [],
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
    const hgetall = o.layout === "feast"
      ? NaN
      : await benchmarkRate(port, ["HGETALL", `features:card:${rows.entityIds[0]}:transaction`]);
    const hset = await benchmarkRate(port, hsetCommand(rows));
    const [ingest, extract] = [o.entities / ingestS, read / median(times)];
    const ratio = (a: number, b: number) => (Number.isNaN(b) ? "-" : (a / b).toFixed(2));
    return `Redis on loopback, ${o.layout} layout, ${
      o.entities.toLocaleString("en-US")
    } entities × 17 features\n` +
      textTable(["measure", "per second", "ours / redis-benchmark"], [
        ["ingest, rows", rate(ingest), ratio(ingest, hset)],
        ["redis-benchmark HSET of a hash like one row (-P 16)", rate(hset), ""],
        [
          `extraction (SCAN + batched HMGET), entities, median of ${o.repeats}`,
          rate(extract),
          ratio(extract, hgetall),
        ],
        ["redis-benchmark HGETALL (-P 16)", o.layout === "feast" ? "-" : rate(hgetall), ""],
      ]) +
      "\nratios: ≥ 0.5 is the goal (redis-benchmark measured in the same run, same server)";
  } finally {
    await conn.close();
    server.kill("SIGKILL");
    await server.status;
    await Deno.remove(dir, { recursive: true });
  }
}
