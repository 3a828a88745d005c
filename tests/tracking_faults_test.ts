/**
 * The tracking server under faults, with real processes: a real `mlflow server` behind a proxy
 * that loses replies and requests, and the server itself killed after a version was created,
 * during an artifact upload and during cross-validation. After each: nothing lost (the model is
 * where a printed command recovers it), nothing duplicated, no alias moved wrongly, one clear line.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DataError } from "../lib/errors.ts";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import type { TrackingStore } from "../lib/tracking/store.ts";
import { FaultProxy } from "./helpers/fault_proxy.ts";
import { MlflowServer } from "./helpers/mlflow_server.ts";
import { runTask, startTask, type TaskRun } from "./helpers/tasks.ts";

const SMALL = ["--max-samples", "1500", "--cv-folds", "0", "--model-type", "logistic_regression"];
const API = "/api/2.0/mlflow";

async function withStore<T>(uri: string, fn: (s: TrackingStore) => Promise<T>): Promise<T> {
  const store = await openTrackingStore({ trackingUri: uri });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function runIdOf(r: TaskRun): string {
  return /^Run (\w{32}) /m.exec(r.stdout)?.[1] ?? assert.fail(`no run in:\n${r.stdout}${r.stderr}`);
}

/** The last stderr line that is not a log line: the task's one line. */
function lastLine(r: TaskRun): string {
  return r.stderr.trim().split("\n").filter((l) =>
    !/^\d{4}-\d\d-\d\dT\S+ (INFO|WARN|ERROR) /.test(l)
  )
    .at(-1) ?? "";
}

/** The mlflow-sync command the summary printed, run as printed. */
async function syncAsPrinted(r: TaskRun, cwd: string): Promise<string> {
  const m = /deno task mlflow-sync (--from \S+ --to \S+ --run-id \w+)/.exec(r.stdout);
  assert.ok(m, `no mlflow-sync command in:\n${r.stdout}`);
  const sync = await runTask("mlflow_sync", m[1]!.split(" "), { cwd, timeoutMs: 120_000 });
  assert.equal(sync.code, 0, sync.stderr);
  return /→ (\w{32})/.exec(sync.stdout)![1]!;
}

/** The kept local run: FINISHED, with the model, standing for the server's run. */
async function assertKeptLocally(cwd: string, o: { runId: string; serverRunId: string }) {
  await withStore(`sqlite:///${join(cwd, "mlflow.db")}`, async (local) => {
    const rec = await local.readRun(o.runId);
    assert.equal(rec.info.status, "FINISHED");
    assert.equal(rec.info.tags.lost_server_run_id, o.serverRunId);
    assert.ok(rec.artifacts.includes("model/model.json") && rec.artifacts.includes("config.json"));
    assert.ok(Object.keys(rec.params).length > 10 && rec.metrics.length > 10);
  });
}

Deno.test("tracking under faults: lost replies, a server killed after a version, during an upload and during CV", async (t) => {
  const dir = await Deno.makeTempDir();
  const server = await MlflowServer.start({
    db: join(dir, "server.db"),
    artifacts: join(dir, "served"),
  });
  const proxy = await FaultProxy.start(server.url);
  const env = { MLFLOW_TRACKING_URI: proxy.url };
  const direct = (fn: (s: TrackingStore) => Promise<void>) => withStore(server.url, fn);
  const train = (args: string[], cwd = dir) =>
    runTask("train", [...SMALL, ...args], { cwd, env, timeoutMs: 180_000 });
  try {
    await t.step("a lost reply to each registry write: one version, the alias on it", async () => {
      const writes = [
        "registered-models/create",
        "model-versions/create",
        "registered-models/alias",
      ];
      for (const [k, write] of writes.entries()) {
        proxy.rule({ match: new RegExp(`^POST ${API}/${write}`), drop: "reply" });
        const name = `lost_reply_${k}`;
        const r = await train(["--register", name, "--alias", "challenger"]);
        assert.equal(r.code, 0, `${write}:\n${r.stderr}`);
        assert.ok(proxy.faulted.some((f) => f.includes(write)), `${write} was dropped`);
        await direct(async (s) => {
          const versions = await s.registry!.listModelVersions(name);
          assert.deepEqual(versions.map((v) => [v.version, v.runId]), [["1", runIdOf(r)]], write);
          assert.equal((await s.registry!.getModelVersionByAlias(name, "challenger")).version, "1");
        });
      }
      // Promotion's writes (the champion alias, the decision tags) with their replies lost.
      proxy.rule({ match: new RegExp(`^POST ${API}/registered-models/alias`), drop: "reply" });
      proxy.rule({ match: new RegExp(`^POST ${API}/model-versions/set-tag`), drop: "reply" });
      const p = await runTask("promote", ["--name", "lost_reply_0", "--version", "1"], { env });
      assert.equal(p.code, 0, p.stderr);
      await direct(async (s) => {
        const champion = await s.registry!.getModelVersionByAlias("lost_reply_0", "champion");
        assert.equal(champion.version, "1");
        assert.equal(champion.tags["promotion.decision"], "promoted");
        assert.equal((await s.registry!.listModelVersions("lost_reply_0")).length, 1);
      });
    });

    await t.step(
      "an unanswered champion lookup is not 'no champion': promote and monitor stop, the champion stays",
      async () => {
        const r = await train(["--register", "lost_reply_0", "--alias", "challenger"]);
        assert.equal(r.code, 0, r.stderr);
        proxy.rule({
          match: new RegExp(`^GET ${API}/registered-models/alias\\?.*alias=champion`),
          drop: "request",
          times: 1000,
        });
        const p = await runTask("promote", ["--name", "lost_reply_0", "--compare"], { env });
        const m = await runTask("monitor", ["--name", "lost_reply_0"], {
          env,
          cwd: dir,
          timeoutMs: 180_000,
        });
        proxy.clear();
        for (const [task, run] of [["promote", p], ["monitor", m]] as const) {
          assert.notEqual(run.code, 0, `${task}:\n${run.stdout}`);
          assert.match(lastLine(run), /cannot reach the MLflow server/, `${task}: ${run.stderr}`);
          assert.doesNotMatch(run.stderr + run.stdout, /has no champion|promoted/i, task);
        }
        await direct(async (s) => {
          const champion = await s.registry!.getModelVersionByAlias("lost_reply_0", "champion");
          assert.equal(champion.version, "1", "the champion did not move");
        });
      },
    );

    await t.step("a lost reply to runs/create: one run, not two", async () => {
      proxy.rule({ match: new RegExp(`^POST ${API}/runs/create`), drop: "reply" });
      const r = await train(["--run-name", "lost-create-reply"]);
      assert.equal(r.code, 0, r.stderr);
      await direct(async (s) => {
        const runs = await s.listRuns((await s.findExperiment("fraud-detection"))!);
        const named = runs.filter((x) => x.runName === "lost-create-reply");
        assert.deepEqual(named.map((x) => [x.runId, x.status]), [[runIdOf(r), "FINISHED"]]);
      });
    });

    await t.step(
      "the server stops answering while the run is recorded and comes back: kept locally (exit 4), the server run FAILED naming the copy, synced once",
      async () => {
        const cwd = await Deno.makeTempDir();
        // Every attempt to log the params is lost; the tags that mark the run FAILED get through.
        proxy.rule({
          match: new RegExp(`^POST ${API}/runs/log-batch`),
          body: /"params":/,
          drop: "request",
          times: 100,
        });
        const r = await train(["--run-name", "server-blip", "--register", "blip"], cwd);
        proxy.clear();
        assert.equal(r.code, 4, r.stderr);
        const serverRun = /stopped answering during run (\w{32})/.exec(r.stdout)![1]!;
        await assertKeptLocally(cwd, { runId: runIdOf(r), serverRunId: serverRun });
        await direct(async (s) => {
          const lost = (await s.getRun(serverRun))!;
          assert.equal(lost.status, "FAILED");
          assert.match(lost.tags.local_copy!, new RegExp(`mlflow\\.db run ${runIdOf(r)}$`));
          assert.deepEqual(await s.registry!.listModelVersions("blip"), [], "not registered");
        });
        const landed = await syncAsPrinted(r, cwd);
        await direct(async (s) => {
          const rec = await s.readRun(landed);
          assert.equal(rec.info.tags.lost_server_run_id, serverRun);
          assert.ok(rec.artifacts.includes("model/model.json"));
        });
        await Deno.remove(cwd, { recursive: true });
      },
    );

    await t.step(
      "the server killed right after a version was created: one line naming the version, no alias",
      async () => {
        proxy.rule({
          match: new RegExp(`^POST ${API}/model-versions/create`),
          after: () => server.stop(),
        });
        const r = await train(["--register", "killed_after", "--alias", "challenger"]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(
          lastLine(r),
          /^train: version 1 of "killed_after" was created \(run \w{32}\), but cannot reach the MLflow server /,
        );
        await server.restart();
        await direct(async (s) => {
          assert.equal((await s.registry!.listModelVersions("killed_after")).length, 1);
          await assert.rejects(
            s.registry!.getModelVersionByAlias("killed_after", "challenger"),
            (e: Error) => e instanceof DataError && /has no alias "challenger"/.test(e.message),
          );
        });
      },
    );

    const lostRun = async (r: TaskRun, cwd: string) => {
      assert.equal(r.code, 4, r.stderr);
      const serverRun = /stopped answering during run (\w{32})/.exec(r.stdout)![1]!;
      await assertKeptLocally(cwd, { runId: runIdOf(r), serverRunId: serverRun });
      return serverRun;
    };

    await t.step(
      "the server killed during an artifact upload: kept locally; once back, the sync lands it and ends the orphan",
      async () => {
        const cwd = await Deno.makeTempDir();
        proxy.rule({ match: /^PUT \/api\/2\.0\/mlflow-artifacts\//, before: () => server.stop() });
        const r = await train(["--register", "killed_upload"], cwd);
        const serverRun = await lostRun(r, cwd);
        await server.restart();
        await direct(async (s) => {
          const orphan = (await s.getRun(serverRun))!;
          assert.equal(orphan.status, "RUNNING", "left unfinished while the server was gone");
          assert.equal(orphan.tags.fallback_store, `sqlite:///${join(cwd, "mlflow.db")}`);
        });
        const landed = await syncAsPrinted(r, cwd);
        await direct(async (s) => {
          const orphan = (await s.getRun(serverRun))!;
          assert.deepEqual(
            [orphan.status, orphan.tags["mlflow_sync.replaced_by"]],
            ["FAILED", landed],
          );
          assert.deepEqual(await s.registry!.listModelVersions("killed_upload"), []);
        });
        await Deno.remove(cwd, { recursive: true });
      },
    );

    await t.step(
      "the server killed during cross-validation: the model is kept locally (exit 4)",
      async () => {
        const cwd = await Deno.makeTempDir();
        proxy.clear();
        const running = startTask("train", ["--max-samples", "20000", "--cv-folds", "5"], {
          cwd,
          env,
        });
        const sofar = await running.waitFor(/run started run_id=\w{32}/, 120_000);
        await server.stop();
        assert.doesNotMatch(sofar, /cv fold/, "the server was gone before the first fold ended");
        const r = await running.done;
        const started = /run started run_id=(\w{32})/.exec(r.stderr)![1]!;
        assert.equal(await lostRun(r, cwd), started);
        assert.match(r.stderr, /cv fold 5\/5/, "CV ran to the end with the server gone");
        await Deno.remove(cwd, { recursive: true });
      },
    );
  } finally {
    await proxy.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
