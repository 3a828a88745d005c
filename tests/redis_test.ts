import assert from "node:assert/strict";
import { join } from "node:path";
import { walk } from "./helpers/files.ts";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { DataError } from "../lib/errors.ts";
import type { FeatureView } from "../lib/data/feature_spec.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { connectRedis } from "../lib/features/redis/client.ts";
import { CommandWriter, RespConnection } from "../lib/features/redis/resp.ts";
import { extractFeatures } from "../lib/features/redis/extract.ts";
import { keySlot } from "../lib/features/redis/cluster_slots.ts";
import { ingestFollow, ingestSnapshot } from "../lib/features/redis/ingest.ts";
import { generateTransactions } from "../lib/features/transactions.ts";
import { snapshotFeatures, transactionStream } from "../lib/features/window_processor.ts";
import { feastLayout, hashLayout, type Layout } from "../lib/features/redis/layouts.ts";
import type { FeatureSet } from "../lib/features/window_processor.ts";
import { train } from "../lib/pipeline/train.ts";
import { driftFromRun } from "../lib/pipeline/drift_run.ts";
import { RedisCluster, RedisServer } from "./helpers/redis_server.ts";

const SNAPSHOT = "2024-06-03T03:00:00Z";
const settings = (port: number, extra: Record<string, unknown> = {}) => ({
  host: "127.0.0.1",
  port,
  db: 0,
  tls: false,
  clusterNodes: [] as string[],
  connectTimeoutMs: 1000,
  retries: 3,
  ...extra,
});

/** `b` holds `a`'s rows, value for value, one per entity in entity-id order. */
function assertSameRows(a: FeatureSet, b: FeatureSet): void {
  assert.equal(b.frame.rows, a.frame.rows);
  for (let r = 1; r < b.entityIds.length; r++) {
    assert.ok(b.entityIds[r - 1]! < b.entityIds[r]!, `row ${r}: not in entity-id order`);
  }
  const at = new Map(a.entityIds.map((id, i) => [id, i]));
  b.entityIds.forEach((id, r) => {
    const i = at.get(id);
    assert.ok(i !== undefined, `unexpected entity ${id}`);
    assert.equal(b.timestamps[r], a.timestamps[i]);
    a.frame.names.forEach((name) => {
      const x = a.frame.column(name)[i]!, y = b.frame.column(name)[r]!;
      assert.ok(
        x === y || (Number.isNaN(x) && Number.isNaN(y)),
        `${id}.${name}: wrote ${x}, read ${y}`,
      );
    });
  });
}

for (const layoutName of ["hash", "feast"] as const) {
  Deno.test(`${layoutName} layout: the rows read equal the rows written, value for value; training reads them`, async () => {
    const server = await RedisServer.start();
    const conn = connectRedis(settings(server.port));
    try {
      const written = embeddedFeatures({ samples: 3000, seed: 5, snapshotTime: SNAPSHOT });
      const layout: Layout = layoutName === "hash"
        ? hashLayout(TRANSACTION_VIEW)
        : feastLayout(TRANSACTION_VIEW, "fraud_detection");
      await ingestSnapshot({ conn, layout }, written);
      const read = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
        scanCount: 100,
        batchSize: 250,
      });
      assertSameRows(written, read.features);
      assert.equal(read.duplicates, 0);
      const dir = await Deno.makeTempDir();
      const config = resolveConfig([fileLayer({
        data: {
          source: "redis",
          maxSamples: 3000,
          redis: { port: server.port, host: "127.0.0.1", layout: layoutName },
        },
        mlflow: { trackingUri: join(dir, "mlruns") },
      }, "test")]);
      const result = await train(config);
      assert.equal(result.rows.total, 3000);
      assert.ok(result.test.roc_auc > 0.8);
      const entities = await Deno.readTextFile(join(result.artifactUri, "entities.csv"));
      assert.equal(
        entities.trim().split("\n").length,
        3001,
        "the run records the entities it used",
      );
      await Deno.remove(dir, { recursive: true });
    } finally {
      await conn.close();
      await server.stop();
    }
  });
}

Deno.test("bad values are counted and treated as missing; stale rows are dropped and counted", async () => {
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port));
  try {
    const layout = hashLayout(TRANSACTION_VIEW);
    const rows = embeddedFeatures({ samples: 500, seed: 2, snapshotTime: SNAPSHOT });
    await ingestSnapshot({ conn, layout }, rows);
    await server.cli([
      "HSET",
      "features:card:card_000001:transaction",
      "amount_avg_5m",
      "abc",
      "is_weekend",
      "maybe",
    ]);
    await server.cli([
      "HSET",
      "features:card:card_000002:transaction",
      "feature_timestamp",
      "1000",
    ]); // 1970
    const ex = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
      maxAgeMinutes: 60 * 24 * 30,
    });
    assert.deepEqual(ex.nonNumeric, { amount_avg_5m: 1, is_weekend: 1 });
    assert.equal(ex.stale, 1);
    assert.equal(ex.features.frame.rows, 499);
    const i = ex.features.entityIds.indexOf("card_000001");
    assert.ok(Number.isNaN(ex.features.frame.column("amount_avg_5m")[i]!));
  } finally {
    await conn.close();
    await server.stop();
  }
});

Deno.test("unreadable values are counted per feature past 31 features (a view of 40)", async () => {
  const view: FeatureView = {
    name: "wide",
    entityType: "user",
    features: Array.from({ length: 40 }, (_, j) => ({
      name: `f${j}`,
      kind: "continuous" as const,
      description: "",
      range: [0, Infinity] as const,
    })),
  };
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port));
  try {
    const layout = hashLayout(view);
    for (let i = 0; i < 50; i++) {
      const values = Float64Array.from({ length: 40 }, (_, j) => i + j);
      const pairs = layout.encode(`user_${i}`, 1_700_000_000_000, values);
      await conn.client.hset(
        Buffer.from(layout.key(`user_${i}`)),
        ...pairs.flat().map((b) => typeof b === "string" ? b : Buffer.from(b)),
      );
    }
    await server.cli(["HSET", "features:user:user_3:wide", "f35", "abc"]);
    await server.cli(["HSET", "features:user:user_5:wide", "f3", "??", "f39", "x"]);
    await server.cli(["HSET", "features:user:user_7:wide", "f32", "nope"]);
    const ex = await extractFeatures(conn, { layout, view });
    assert.deepEqual(ex.nonNumeric, { f3: 1, f32: 1, f35: 1, f39: 1 });
    assert.equal(ex.features.frame.rows, 50);
    const row = ex.features.entityIds.indexOf("user_3");
    assert.ok(Number.isNaN(ex.features.frame.column("f35")[row]!));
    assert.equal(ex.features.frame.column("f3")[row], 3 + 3);
  } finally {
    await conn.close();
    await server.stop();
  }
});

Deno.test("hashes written by another writer, fields in another order and more of them, read the same rows", async () => {
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port));
  try {
    const layout = hashLayout(TRANSACTION_VIEW);
    const written = embeddedFeatures({ samples: 500, seed: 6, snapshotTime: SNAPSHOT });
    await ingestSnapshot({ conn, layout }, written);
    const row = new Float64Array(written.frame.names.length);
    for (let i = 0; i < written.frame.rows; i += 3) { // every third row rewritten, reversed
      written.frame.columns.forEach((c, j) => (row[j] = c[i]!));
      const id = written.entityIds[i]!, key = layout.key(id);
      const pairs = layout.encode(id, written.timestamps[i]!, row).reverse();
      if (i % 2) pairs.splice(5, 0, [new TextEncoder().encode("written_by"), "another"]);
      await conn.client.del(Buffer.from(key));
      const args = pairs.flatMap((
        [f, v],
      ) => [Buffer.from(f), typeof v === "string" ? v : Buffer.from(v)]);
      await conn.client.hset(Buffer.from(key), ...args);
    }
    const read = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
      scanCount: 50,
      batchSize: 40,
    });
    assertSameRows(written, read.features);
  } finally {
    await conn.close();
    await server.stop();
  }
});

Deno.test("after a failed read no later reply on the connection is handed on", async () => {
  const server = await RedisServer.start();
  const c = await RespConnection.open({
    host: "127.0.0.1",
    port: server.port,
    tls: false,
    db: 0,
    timeoutMs: 1000,
    transient: true,
  });
  try {
    const w = new CommandWriter();
    for (let i = 0; i < 3; i++) w.command("PING");
    const seen: number[] = [];
    const first = c.sendEach(w.bytes.slice(), {
      count: 3,
      each: (_, k) => {
        if (k === 1) throw new Error("a bad reply");
      },
    });
    const second = c.sendEach(w.bytes.slice(), { count: 3, each: (_, k) => seen.push(k) });
    await assert.rejects(first, /a bad reply/);
    await assert.rejects(second, /a bad reply/);
    assert.deepEqual(seen, [], "no reply of the first batch passed off as the second's");
  } finally {
    c.close();
    await server.stop();
  }
});

Deno.test("keys deleted between SCAN and their read are counted, not read as rows", async () => {
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port));
  try {
    const layout = hashLayout(TRANSACTION_VIEW);
    await ingestSnapshot(
      { conn, layout },
      embeddedFeatures({ samples: 30_000, seed: 7, snapshotTime: SNAPSHOT }),
    );
    const reading = extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
      scanCount: 1000, // the scan runs ahead of reads of two keys each: long enough to cut in
      batchSize: 2,
    });
    await server.waitForCalls("hgetall", 50);
    await server.cli(["FLUSHDB"]);
    const ex = await reading;
    assert.ok(ex.goneKeys > 0, "keys found by SCAN were gone when read");
    assert.equal(ex.features.frame.rows + ex.goneKeys, ex.keysRead);
    assert.equal(ex.rescans, 0);
  } finally {
    await conn.close();
    await server.stop();
  }
});

Deno.test("data.redis.batchSize sets the keys per read round trip", async () => {
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port));
  try {
    const layout = hashLayout(TRANSACTION_VIEW);
    await ingestSnapshot(
      { conn, layout },
      embeddedFeatures({ samples: 2000, seed: 4, snapshotTime: SNAPSHOT }),
    );
    const read = (batchSize: number) =>
      extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, { scanCount: 50, batchSize });
    const big = await read(500), small = await read(40);
    assert.equal(big.features.frame.rows, 2000);
    assert.equal(small.features.frame.rows, 2000);
    // SCAN may return a key twice, so allow a round trip or two beyond keys / batch.
    assert.ok(big.requests >= 4 && big.requests <= 6, `batch 500: ${big.requests} round trips`);
    assert.ok(
      small.requests >= 50 && small.requests <= 56,
      `batch 40: ${small.requests} round trips`,
    );
  } finally {
    await conn.close();
    await server.stop();
  }
});

Deno.test("Redis error replies are never dropped silently: non-hash keys are counted, a failing read stops the run", async () => {
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port));
  const layout = hashLayout(TRANSACTION_VIEW);
  try {
    await ingestSnapshot(
      { conn, layout },
      embeddedFeatures({ samples: 300, seed: 5, snapshotTime: SNAPSHOT }),
    );
    await server.cli(["SET", "features:card:card_999999:transaction", "not a hash"]);
    const ex = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW });
    assert.equal(ex.wrongTypeKeys, 1);
    assert.equal(ex.features.frame.rows, 300);
  } finally {
    await conn.close();
    await server.stop();
  }
  // A server that answers every read with an error: the read fails with the server's reason.
  const broken = await RedisServer.start({ extra: ["--rename-command", "HGETALL", ""] });
  const c2 = connectRedis(settings(broken.port));
  try {
    await c2.client.hset("features:card:card_000001:transaction", "txn_count_5m", "1");
    await assert.rejects(
      extractFeatures(c2, { layout, view: TRANSACTION_VIEW }, { rescans: 1 }),
      (e) => e instanceof DataError && /HGETALL failed: ERR unknown command/.test(e.message),
    );
  } finally {
    await c2.close();
    await broken.stop();
  }
});

Deno.test("a 3-master Redis Cluster serves ingest and extraction with the same rows as one server", async () => {
  const cluster = await RedisCluster.start();
  const conn = connectRedis(settings(0, { clusterNodes: cluster.nodes }));
  try {
    const written = embeddedFeatures({ samples: 4000, seed: 9, snapshotTime: SNAPSHOT });
    for (
      const layout of [
        hashLayout(TRANSACTION_VIEW),
        feastLayout(TRANSACTION_VIEW, "fraud_detection"),
      ]
    ) {
      await ingestSnapshot({ conn, layout }, written);
      const read = await extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
        scanCount: 200,
        batchSize: 300,
      });
      assertSameRows(written, read.features);
    }
    const counts = await Promise.all(cluster.servers.map((s) => s.cli(["DBSIZE"])));
    assert.ok(counts.every((c) => Number(c) > 1000), `keys spread over the masters: ${counts}`);
    // Keys are routed by the slot Redis itself computes (hash tags included).
    const keys = [...written.entityIds.slice(0, 20), "{card_7}:x", "a{}b", "{}{x}", "é{ü}"]
      .map((id) => id.startsWith("card") ? `features:card:${id}:transaction` : id);
    for (const key of keys) {
      const slot = Number(await cluster.servers[0]!.cli(["CLUSTER", "KEYSLOT", key]));
      assert.equal(keySlot(new TextEncoder().encode(key)), slot, key);
    }
  } finally {
    await conn.close();
    await cluster.stop();
  }
});

Deno.test("a Redis restart during extraction still gives the complete, exact rows; a server that stays away is a clear error", async () => {
  const server = await RedisServer.start();
  const conn = connectRedis(settings(server.port, { retries: 20 }));
  try {
    const layout = hashLayout(TRANSACTION_VIEW);
    const written = embeddedFeatures({ samples: 30_000, seed: 3, snapshotTime: SNAPSHOT });
    await ingestSnapshot({ conn, layout }, written);
    const reading = extractFeatures(conn, { layout, view: TRANSACTION_VIEW }, {
      scanCount: 5, // tiny SCAN pages: long enough for the restart to cut in
      batchSize: 100,
      rescans: 5,
    });
    await server.waitForCalls("hgetall", 200); // rows are being read
    await server.restart(300);
    const read = await reading;
    assert.ok(read.rescans >= 1, "the restart happened during the extraction");
    assertSameRows(written, read.features);
    console.log(
      `restart: ${read.rescans} rescan(s), ${read.duplicates} duplicate sightings resolved`,
    );
  } finally {
    await conn.close();
  }
  const gone = connectRedis(settings(server.port, { retries: 2 }));
  await server.stop();
  await assert.rejects(
    extractFeatures(gone, { layout: hashLayout(TRANSACTION_VIEW), view: TRANSACTION_VIEW }, {
      rescans: 1,
    }),
    (e) =>
      e instanceof DataError &&
      /^cannot read features from Redis 127\.0\.0\.1:\d+\/0/.test(e.message),
  );
  await gone.close();
});

Deno.test("a Redis restarted empty during extraction is reported with both counts (warn), or stops the run (error)", async () => {
  const server = await RedisServer.start();
  const dir = await Deno.makeTempDir();
  const config = (onRescanShrink: "warn" | "error") =>
    resolveConfig([fileLayer({
      data: {
        source: "redis",
        maxSamples: 40_000,
        cvFolds: 0,
        redis: {
          host: "127.0.0.1",
          port: server.port,
          retries: 20,
          scanCount: 5, // tiny SCAN pages: long enough for the restart to cut in
          batchSize: 50,
          onRescanShrink,
        },
      },
      model: { type: "logistic_regression" },
      mlflow: { trackingUri: join(dir, "mlruns") },
    }, "test")]);
  const layout = hashLayout(TRANSACTION_VIEW);
  const refill = async () => {
    const conn = connectRedis(settings(server.port));
    await ingestSnapshot(
      { conn, layout },
      embeddedFeatures({ samples: 30_000, seed: 3, snapshotTime: SNAPSHOT }),
    );
    await conn.close();
  };
  try {
    await refill();
    const warned = train(config("warn"));
    await server.waitForCalls("hgetall", 200); // rows are being read
    await server.restart(300, { empty: true });
    const result = await warned;
    const source = result.data.quality.source!;
    assert.ok(source.counts.rescans! >= 1, "the restart happened during the extraction");
    assert.ok(source.counts.rows_gone_after_rescan! > 0);
    assert.equal(result.rows.total, source.counts.rows_gone_after_rescan, "the rows read before");
    assert.match(
      source.warnings[0]!,
      /^Redis 127\.0\.0\.1:\d+ holds 0 rows after a rescan, but \d+ were read/,
    );
    const artifact = JSON.parse(
      await Deno.readTextFile(join(result.artifactUri, "data_quality.json")),
    );
    assert.deepEqual(artifact.source.warnings, source.warnings);
    const log = await Deno.readTextFile(join(result.artifactUri, "logs/train.log"));
    assert.ok(log.includes(source.warnings[0]!), "logged as a warning");

    await refill();
    const stopped = train(config("error"));
    await server.waitForCalls("hgetall", 200); // rows are being read
    await server.restart(300, { empty: true });
    await assert.rejects(
      stopped,
      (e) =>
        e instanceof DataError &&
        /holds 0 rows after a rescan.*onRescanShrink is "error"/.test(e.message),
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("training with a password reads Redis and never writes the password anywhere", async () => {
  const secret = "s3cret-redis-pass";
  const server = await RedisServer.start({ password: secret });
  const dir = await Deno.makeTempDir();
  try {
    const conn = connectRedis(settings(server.port, { password: secret }));
    await ingestSnapshot(
      { conn, layout: hashLayout(TRANSACTION_VIEW) },
      embeddedFeatures({ samples: 2000, seed: 1, snapshotTime: SNAPSHOT }),
    );
    await conn.close();
    const run = (password: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "tasks/train.ts",
          "--source",
          "redis",
          "--max-samples",
          "2000",
          "--cv-folds",
          "2",
        ],
        cwd: new URL("..", import.meta.url).pathname,
        env: {
          REDIS_HOST: "127.0.0.1",
          REDIS_PORT: String(server.port),
          REDIS_PASSWORD: password,
          MLFLOW_TRACKING_URI: join(dir, "mlruns"),
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const ok = await run(secret);
    const out = new TextDecoder().decode(ok.stdout) + new TextDecoder().decode(ok.stderr);
    assert.equal(ok.code, 0, out);
    assert.ok(!out.includes(secret));
    for await (const f of walk(join(dir, "mlruns"))) {
      assert.ok(!(await Deno.readTextFile(f)).includes(secret), f);
    }
    const bad = await run("wrong-password");
    assert.equal(bad.code, 2, new TextDecoder().decode(bad.stderr));
    assert.match(
      new TextDecoder().decode(bad.stderr),
      /cannot read features from Redis 127\.0\.0\.1/,
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("drift reads the current sample from Redis: rows ingested with a shift are flagged", async () => {
  const server = await RedisServer.start();
  const dir = await Deno.makeTempDir();
  try {
    const config = resolveConfig([fileLayer({
      data: { maxSamples: 4000, redis: { host: "127.0.0.1", port: server.port } },
      mlflow: { trackingUri: join(dir, "mlruns") },
    }, "test")]);
    await train(config); // reference run from the embedded stream
    const conn = connectRedis(settings(server.port));
    const shifted = embeddedFeatures({
      samples: 1500,
      seed: 77,
      snapshotTime: SNAPSHOT,
      scenario: "new_fraud_pattern",
    });
    await ingestSnapshot({ conn, layout: hashLayout(TRANSACTION_VIEW) }, shifted);
    await conn.close();
    const redisConfig = { ...config, data: { ...config.data, source: "redis" as const } };
    const { report } = await driftFromRun(redisConfig, { maxSamples: 1000 });
    assert.match(report.context.current, /^Redis \(hash layout\), 1000 of 1500 rows$/);
    assert.ok(report.driftFound);
    assert.ok(report.data.features.find((f) => f.name === "txn_count_5m")!.drifted);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ingest --follow replays the stream event by event; the rows left equal the snapshot rows", async () => {
  const server = await RedisServer.start();
  try {
    const events = generateTransactions({
      cards: 150,
      seed: 4,
      snapshotTime: Date.parse(SNAPSHOT),
    });
    const conn = connectRedis(settings(server.port));
    let progress = 0;
    const n = await ingestFollow(
      { conn, layout: hashLayout(TRANSACTION_VIEW) },
      transactionStream(events),
      {
        rate: 100_000,
        onProgress: (k) => (progress = k),
      },
    );
    assert.equal(n, events.ts.length);
    assert.equal(progress, n);
    const read = await extractFeatures(conn, {
      layout: hashLayout(TRANSACTION_VIEW),
      view: TRANSACTION_VIEW,
    });
    await conn.close();
    assertSameRows(snapshotFeatures(transactionStream(events)), read.features);
  } finally {
    await server.stop();
  }
});
