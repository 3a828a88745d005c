/**
 * `deno task bench:redis`: starts a redis-server on a free loopback port, ingests `--entities`
 * embedded rows (hash layout), times extraction (entities/s, median of `--repeats`), and prints
 * redis-benchmark's pipelined HGETALL rate on one of those hashes, measured in the same run.
 *
 * Flags: --entities 1000000  --repeats 3  --layout hash|feast
 *
 * @module
 */

import { parseArgs } from "node:util";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { connectRedis } from "../lib/features/redis/client.ts";
import { extractFeatures } from "../lib/features/redis/extract.ts";
import { ingestSnapshot } from "../lib/features/redis/ingest.ts";
import { feastLayout, hashLayout } from "../lib/features/redis/layouts.ts";
import { textTable } from "../lib/report/text_table.ts";
import { runMain } from "./_main.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

await runMain("bench:redis", async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      entities: { type: "string", default: "1000000" },
      repeats: { type: "string", default: "3" },
      layout: { type: "string", default: "hash" },
    },
  });
  const n = Number(values.entities), repeats = Number(values.repeats);
  const port = freePort();
  const dir = await Deno.makeTempDir();
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
    const layout = values.layout === "feast"
      ? feastLayout(TRANSACTION_VIEW, "fraud_detection")
      : hashLayout(TRANSACTION_VIEW);
    const rows = embeddedFeatures({ samples: n, seed: 1, snapshotTime: "2024-06-03T03:00:00Z" });
    let t0 = performance.now();
    await ingestSnapshot(conn, layout, rows, { batchSize: 1000 });
    const ingestS = (performance.now() - t0) / 1000;
    const times: number[] = [];
    let read = 0;
    for (let r = 0; r < repeats; r++) {
      t0 = performance.now();
      read = (await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
        scanCount: 2000,
        batchSize: 2000,
      })).features.frame.rows;
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)]!;
    const key = values.layout === "feast"
      ? undefined
      : `features:card:${rows.entityIds[0]}:transaction`;
    let hgetall = "-";
    if (key) {
      const out = await new Deno.Command("redis-benchmark", {
        args: ["-p", String(port), "-n", "200000", "-P", "16", "-q", "HGETALL", key],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const m = /([\d.]+) requests per second/.exec(new TextDecoder().decode(out.stdout));
      hgetall = m ? Math.round(Number(m[1])).toLocaleString("en-US") : "?";
    }
    console.log(
      `Redis on loopback, ${values.layout} layout, ${
        n.toLocaleString("en-US")
      } entities × 17 features`,
    );
    console.log(textTable(["measure", "value"], [
      ["ingest, rows/s", Math.round(n / ingestS).toLocaleString("en-US")],
      [
        `extraction (SCAN + batched HMGET), entities/s, median of ${repeats}`,
        Math.round(read / med).toLocaleString("en-US"),
      ],
      ["redis-benchmark HGETALL (-P 16), requests/s", hgetall],
    ]));
  } finally {
    await conn.close();
    server.kill("SIGKILL");
    await server.status;
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
});
