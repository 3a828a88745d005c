/**
 * Continuous learning against a real redis-server and a real `mlflow server`: the scripted
 * scenario (a champion, a new fraud pattern ingested into Redis, cycles that do nothing, keep the
 * champion, or promote), two cycles at once, and cycles killed at several points.
 */

import assert from "node:assert/strict";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import { MlflowServer } from "./helpers/mlflow_server.ts";
import { runPython } from "./helpers/python.ts";
import { RedisServer } from "./helpers/redis_server.ts";
import { runTask, startTask } from "./helpers/tasks.ts";

const MODEL = "fraud_scripted";
/** Small, quick challengers. */
const CYCLE = ["--samples", "3000", "--cv-folds", "0", "--current-samples", "1000"];

interface Line {
  decision: string;
  exit_code: number;
  champion_before: string;
  champion_after: string;
  challenger?: string;
  triggers: { name: string; fired: boolean; value: number | null; threshold: number | null }[];
  reason: string;
  run_id: string;
  holder?: string;
}

function line(stdout: string): Line {
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Line;
}

Deno.test("continuous learning with real Redis and MLflow: triggers, decisions, the lock and crashes", async (t) => {
  const dir = await Deno.makeTempDir();
  const redis = await RedisServer.start();
  const server = await MlflowServer.start({
    db: `${dir}/mlflow.db`,
    artifacts: `${dir}/artifacts`,
  });
  const env = {
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis.port),
    MLFLOW_TRACKING_URI: server.url,
    DATA_SOURCE: "redis",
    MODEL_NAME: MODEL,
  };
  const run = (task: string, args: string[]) => runTask(task, args, { env, cwd: dir });
  const aliases = async () => {
    const store = await openTrackingStore({ trackingUri: server.url });
    const alias = (a: string) =>
      store.registry!.getModelVersionByAlias(MODEL, a).then((v) => v.version, () => "none");
    const [champion, challenger] = [await alias("champion"), await alias("challenger")];
    await store.close();
    return { champion, challenger };
  };
  const monitor = async (extra: string[] = []) => {
    const r = await run("monitor", [...CYCLE, ...extra]);
    assert.ok([0, 10, 11, 12].includes(r.code), `exit ${r.code}: ${r.stderr}`);
    return { code: r.code, line: line(r.stdout), stderr: r.stderr };
  };
  try {
    let champion = "";
    await t.step(
      "scripted: no shift → nothing to do; a new fraud pattern → drift and data fire; a worse challenger stays challenger, a better one is promoted",
      async () => {
        assert.equal((await run("ingest", ["--samples", "3000"])).code, 0);
        // A modest champion, trained on what Redis holds and made champion directly.
        const trained = await run("train", [
          "--max-samples",
          "3000",
          "--cv-folds",
          "0",
          "--param",
          "n_estimators=3",
          "--param",
          "max_depth=2",
          "--register",
          MODEL,
          "--alias",
          "champion",
        ]);
        assert.equal(trained.code, 0, trained.stderr);
        champion = (await aliases()).champion;
        const quiet = await monitor();
        assert.equal(quiet.code, 0, quiet.stderr);
        assert.equal(quiet.line.decision, "nothing_to_do");
        assert.match(
          quiet.line.reason,
          /^no trigger fired \(drift: .*; performance: .*; age: .*; data: /,
        );
        assert.deepEqual(quiet.line.triggers.map((x) => x.name), [
          "drift",
          "performance",
          "age",
          "data",
        ]);
        assert.ok(quiet.line.triggers.every((x) => !x.fired && x.threshold !== null));

        const shift = await run("ingest", ["--samples", "3000", "--scenario", "new_fraud_pattern"]);
        assert.equal(shift.code, 0, shift.stderr);
        // Forced by config: a challenger that cannot split (min_child_weight above the data's weight).
        const worse = await monitor(["--param", "min_child_weight=100000"]);
        assert.equal(worse.code, 11, worse.stderr);
        assert.equal(worse.line.decision, "kept_champion");
        const fired = worse.line.triggers.filter((x) => x.fired).map((x) => x.name);
        assert.ok(
          fired.includes("drift") && fired.includes("data"),
          JSON.stringify(worse.line.triggers),
        );
        assert.match(worse.line.reason, /data: fraud rule rates outside ×2 .*high_velocity/);
        assert.deepEqual(await aliases(), { champion, challenger: worse.line.challenger });

        const better = await monitor();
        assert.equal(better.code, 10, JSON.stringify(better.line));
        assert.equal(better.line.decision, "promoted");
        assert.equal(better.line.champion_before, champion);
        assert.equal((await aliases()).champion, better.line.champion_after);
        assert.notEqual(better.line.champion_after, champion);
        // The cycle's run says why, read back by MLflow's own client.
        const run_ = await runPython<
          { tags: Record<string, string>; metrics: Record<string, number> }
        >(
          `from mlflow.tracking import MlflowClient
r = MlflowClient(tracking_uri=data["uri"]).get_run(data["run_id"])
out = dict(tags=r.data.tags, metrics=r.data.metrics)`,
          { uri: server.url, run_id: better.line.run_id },
        );
        assert.equal(run_.tags.run_type, "monitor");
        assert.equal(run_.tags.decision, "promoted");
        assert.match(run_.tags.triggers_fired!, /drift/);
        assert.match(run_.tags.triggers_fired!, /data/);
        assert.equal(run_.tags.champion_version_after, better.line.champion_after);
        assert.match(run_.tags.reason!, /gain .* ≥ 0\.001/);
        assert.equal(run_.metrics.trigger_data_fired, 1);
        assert.equal(run_.metrics.promoted, 1);
        // The promoted champion was trained on the shift: the next cycle has nothing to do.
        const after = await monitor();
        assert.equal(after.line.decision, "nothing_to_do", after.line.reason);
      },
    );

    await t.step("two cycles at once: one runs, the other exits 12 naming the holder", async () => {
      await run("promote", ["--name", MODEL, "--version", champion]); // the stale champion again
      const [a, b] = [
        startTask("monitor", CYCLE, { env, cwd: dir }),
        startTask("monitor", CYCLE, { env, cwd: dir }),
      ];
      const [ra, rb] = await Promise.all([a.done, b.done]);
      const codes = [ra.code, rb.code].sort();
      assert.equal(codes[1], 12, `${ra.stderr}\n${rb.stderr}`);
      assert.ok([0, 10, 11].includes(codes[0]!), `${ra.stderr}\n${rb.stderr}`);
      const [winner, loser] = ra.code === 12 ? [b, ra] : [a, rb];
      const refused = line(loser.stdout);
      assert.equal(refused.decision, "lock_held");
      assert.match(refused.holder!, new RegExp(`:${winner.pid} since `));
      assert.match(
        loser.stderr,
        /^monitor: another cycle holds the lock monitor:lock:fraud_scripted on Redis /m,
      );
    });

    await t.step(
      "a cycle killed at several points leaves the champion as it was; the next cycle succeeds",
      async () => {
        for (const step of ["locked", "triggers", "training", "registered"]) {
          await run("promote", ["--name", MODEL, "--version", champion]);
          const before = await aliases();
          const cycle = startTask("monitor", [...CYCLE, "--lock-ttl", "2"], { env, cwd: dir });
          await cycle.waitFor(new RegExp(`step step=${step}\\b`));
          cycle.kill("SIGKILL");
          assert.equal((await cycle.done).code, 137, `killed at ${step}`);
          assert.equal(
            (await aliases()).champion,
            before.champion,
            `champion after a kill at ${step}`,
          );
          await new Promise((r) => setTimeout(r, 2300)); // the dead cycle's lock expires
        }
        const next = await monitor();
        assert.equal(next.code, 10, next.stderr);
        assert.equal((await aliases()).champion, next.line.champion_after);
      },
    );
  } finally {
    await server.stop();
    await redis.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
