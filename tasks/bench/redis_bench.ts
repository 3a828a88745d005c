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

async function hgetallRate(port: number, key: string): Promise<string> {
  const out = await new Deno.Command("redis-benchmark", {
    args: ["-p", String(port), "-n", "200000", "-P", "16", "-q", "HGETALL", key],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const m = /([\d.]+) requests per second/.exec(new TextDecoder().decode(out.stdout));
  return m ? Math.round(Number(m[1])).toLocaleString("en-US") : "?";
}

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
      ? "-"
      : await hgetallRate(port, `features:card:${rows.entityIds[0]}:transaction`);
    return `Redis on loopback, ${o.layout} layout, ${
      o.entities.toLocaleString("en-US")
    } entities × 17 features\n` +
      textTable(["measure", "value"], [
        ["ingest, rows/s", Math.round(o.entities / ingestS).toLocaleString("en-US")],
        [
          `extraction (SCAN + batched HMGET), entities/s, median of ${o.repeats}`,
          Math.round(read / median(times)).toLocaleString("en-US"),
        ],
        ["redis-benchmark HGETALL (-P 16), requests/s", hgetall],
      ]);
  } finally {
    await conn.close();
    server.kill("SIGKILL");
    await server.status;
    await Deno.remove(dir, { recursive: true });
  }
}
