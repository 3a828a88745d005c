/**
 * Redis killed and restarted under the tasks that write and read it (serving and extraction have
 * their own restart tests in `serve_test.ts` and `redis_test.ts`): a snapshot ingest writes the
 * snapshot again once Redis answers (nothing lost), one that stays away is one line; a monitoring
 * cycle with Redis restarted while it trains its challenger ends with a decision or one line,
 * never a duplicated version or an alias on a model that is not whole.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import { freePort, RedisServer } from "./helpers/redis_server.ts";
import { runTask, startTask, type TaskRun, trainChampion } from "./helpers/tasks.ts";

/** stderr without log lines: what a task said in its own words. */
function ownLines(r: TaskRun): string[] {
  return r.stderr.trim().split("\n").filter((l) =>
    l && !/^\d{4}-\d\d-\d\dT\S+ (INFO|WARN|ERROR|DEBUG) /.test(l)
  );
}

Deno.test("a snapshot ingest with Redis restarted mid-write writes every row; one with Redis gone is one line", async () => {
  const redis = await RedisServer.start();
  const cwd = await Deno.makeTempDir();
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redis.port) };
  try {
    const rows = 200_000;
    const ingest = startTask("ingest", ["--samples", String(rows)], { cwd, env });
    await redis.waitForCalls("hset", 5000, 120_000);
    await redis.restart(500);
    const r = await ingest.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /writing the snapshot again \(attempt 2\)/, "the restart cut in");
    assert.match(r.stderr, new RegExp(`wrote ${rows} rows into Redis`));
    assert.equal(Number(await redis.cli(["DBSIZE"])), rows, "every row, once");
    // What was written is what a clean ingest writes: the same keys, field for field.
    const clean = await RedisServer.start();
    try {
      const again = await runTask("ingest", ["--samples", String(rows)], {
        cwd,
        env: { ...env, REDIS_PORT: String(clean.port) },
      });
      assert.equal(again.code, 0, again.stderr);
      for (
        const key of ["card_000000", "card_123456", "card_199999"].map((c) => `features:card:${c}`)
      ) {
        const fields = ["HGETALL", key];
        assert.equal(await redis.cli(fields), await clean.cli(fields), key);
      }
    } finally {
      await clean.stop();
    }
    // Redis gone for good: the retries end in one line.
    await Deno.writeTextFile(join(cwd, "two.json"), '{"data": {"redis": {"retries": 2}}}');
    const gone = startTask("ingest", [
      "--config",
      "two.json",
      "--samples",
      String(rows),
      "--seed",
      "7",
    ], {
      cwd,
      env,
    });
    await redis.waitForCalls("hset", 5000, 120_000);
    await redis.stop();
    const g = await gone.done;
    assert.equal(g.code, 2, g.stderr);
    const own = ownLines(g).filter((l) => !/writing the snapshot again/.test(l));
    assert.equal(own.length, 1, g.stderr);
    assert.match(own[0]!, /^ingest: cannot write features to Redis 127\.0\.0\.1:\d+\/0: /);
  } finally {
    await redis.stop();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});

Deno.test("a monitoring cycle with Redis gone while it trains: one line, the champion unmoved and whole, no duplicate version; the next cycle runs", async () => {
  const redis = await RedisServer.start();
  const cwd = await Deno.makeTempDir();
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redis.port), DATA_SOURCE: "redis" };
  const run = (task: string, args: string[]) => runTask(task, args, { cwd, env });
  // A short lock TTL: a lock the failed cycle could not release frees itself quickly.
  await Deno.writeTextFile(join(cwd, "short.json"), '{"monitor": {"lockTtlSeconds": 3}}');
  const cycle = [
    "--config",
    "short.json",
    "--samples",
    "3000",
    "--cv-folds",
    "0",
    "--current-samples",
    "1000",
  ];
  try {
    assert.equal((await run("ingest", ["--samples", "3000"])).code, 0);
    const modest = ["--param", "n_estimators=5", "--param", "max_depth=2"];
    await trainChampion({ cwd, env, rows: 3000, extra: modest });
    assert.equal(
      (await run("ingest", ["--samples", "3000", "--scenario", "new_fraud_pattern"])).code,
      0,
    );
    const monitor = startTask("monitor", cycle, { cwd, env });
    await monitor.waitFor(/step=training/, 120_000);
    await redis.restart(10_000); // longer than the client's reconnection budget
    const r = await monitor.done;
    // Redis went away ~1 s before the cycle could promote (training takes that) and stayed away
    // past its reconnection budget: the cycle ends in one line, before or at its fence.
    assert.equal(r.code, 2, r.stderr);
    const own = ownLines(r);
    assert.equal(own.length, 1, `one line:\n${r.stderr}`);
    assert.match(own[0]!, /^monitor: cannot (check the cycle lock|read features from) /);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
    const store = await openTrackingStore({ trackingUri: `sqlite:///${join(cwd, "mlflow.db")}` });
    try {
      const versions = await store.registry!.listModelVersions("fraud_detection");
      const runs = versions.map((v) => v.runId);
      assert.equal(new Set(runs).size, runs.length, "no run registered twice");
      const now = await store.registry!.getModelVersionByAlias("fraud_detection", "champion");
      const info = (await store.getRun(now.runId))!;
      assert.equal(info.status, "FINISHED", "the champion's run is whole");
      const model = await store.readArtifact(info, "model/model.json");
      assert.ok(model.length > 100);
      assert.equal(now.version, "1", "the champion did not move");
    } finally {
      await store.close();
    }
    // And, once the lock it could not release has expired, the next cycle runs as usual.
    await new Promise((r) => setTimeout(r, 3500));
    const next = await run("monitor", cycle);
    assert.ok([0, 10, 11].includes(next.code), `exit ${next.code}:\n${next.stderr}`);
  } finally {
    await redis.stop();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});

Deno.test("an unreachable Redis, one server or a whole cluster, is the same one line in train, drift, monitor and ingest", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    // A run to compare with (drift reads the current sample after finding it).
    const first = await runTask("train", ["--max-samples", "1000", "--cv-folds", "0"], { cwd });
    assert.equal(first.code, 0, first.stderr);
    const down = [freePort(), freePort()];
    const targets: Array<[string, Record<string, string>, RegExp]> = [
      [
        "server",
        { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(down[0]) },
        /Redis 127\.0\.0\.1:\d+\/0: /,
      ],
      [
        "cluster",
        { REDIS_CLUSTER_NODES: down.map((p) => `127.0.0.1:${p}`).join(",") },
        /Redis Cluster 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+: none of the cluster's nodes answers/,
      ],
    ];
    const tasks: Array<[string, string[], string]> = [
      ["train", ["--source", "redis", "--cv-folds", "0"], "cannot read features from"],
      ["drift", ["--source", "redis"], "cannot read features from"],
      [
        "monitor",
        ["--source", "redis"],
        "cannot take the cycle lock monitor:lock:fraud_detection on",
      ],
      ["ingest", ["--samples", "100"], "cannot write features to"],
    ];
    for (const [what, env, where] of targets) {
      const runs = await Promise.all(
        tasks.map(([task, args]) =>
          runTask(task, args, { cwd, env: { ...env, DATA_SOURCE: "redis" }, timeoutMs: 120_000 })
        ),
      );
      runs.forEach((r, k) => {
        const [task, , lead] = tasks[k]!;
        assert.equal(r.code, 2, `${task} (${what}):\n${r.stderr}`);
        const own = ownLines(r).filter((l) => !/writing the snapshot again/.test(l));
        assert.equal(own.length, 1, `${task} (${what}): one line:\n${r.stderr}`);
        assert.ok(own[0]!.startsWith(`${task}: ${lead} `), `${task} (${what}): ${own[0]}`);
        assert.match(own[0]!, where, `${task} (${what})`);
        assert.doesNotMatch(r.stderr, /^\s+at /m, `${task} (${what}): a stack trace`);
      });
    }
  } finally {
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});

Deno.test("a feature null in every Redis hash: drift's missing-value alarm (exit 3) and the monitor's data alarm (exit 13), never a RangeError", async () => {
  const redis = await RedisServer.start();
  const cwd = await Deno.makeTempDir();
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redis.port), DATA_SOURCE: "redis" };
  try {
    assert.equal((await runTask("ingest", ["--samples", "2000"], { cwd, env })).code, 0);
    await trainChampion({ cwd, env, rows: 2000 });
    // The upstream feed breaks: every card's velocity_score is written as missing ("null").
    const nulled = await redis.cli([
      "EVAL",
      "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do " +
      "redis.call('HSET', k, ARGV[2], 'null') n = n + 1 end return n",
      "0",
      "features:card:*:transaction",
      "velocity_score",
    ]);
    assert.equal(Number(nulled), 2000);
    const drift = await runTask("drift", [], { cwd, env, timeoutMs: 120_000 });
    assert.equal(drift.code, 3, drift.stderr + drift.stdout);
    assert.match(
      drift.stdout,
      /^Drift found \(exit 3\): missing values rose: velocity_score 0% → 100% \(no value at all\)/m,
    );
    const monitor = await runTask("monitor", ["--cv-folds", "0"], { cwd, env, timeoutMs: 120_000 });
    assert.equal(monitor.code, 13, monitor.stderr);
    assert.equal(JSON.parse(monitor.stdout.trim()).decision, "data_alarm");
  } finally {
    await redis.stop();
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
});
