import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteStore } from "../lib/tracking/sqlite_store.ts";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import { MlflowServer } from "./helpers/mlflow_server.ts";
import { runPython } from "./helpers/python.ts";
import { freePort } from "./helpers/redis_server.ts";
import { runTask, startTask } from "./helpers/tasks.ts";

/** What MLflow's own Python client reads of a run. */
const READ_RUN = `
from mlflow.tracking import MlflowClient
c = MlflowClient(tracking_uri=data["uri"])
r = c.get_run(data["run_id"])
def files(path=None):
    out = []
    for a in c.list_artifacts(data["run_id"], path):
        out += files(a.path) if a.is_dir else [a.path]
    return out
out = dict(
    status=r.info.status, params=r.data.params, metrics=r.data.metrics, tags=r.data.tags,
    artifacts=sorted(files()),
    histories={k: [[m.step, m.value] for m in c.get_metric_history(data["run_id"], k)]
               for k in ["cv_fold_roc_auc", "train-logloss"]},
)
`;

interface ReadRun {
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  artifacts: string[];
  histories: Record<string, Array<[number, number]>>;
}

/** MLflow's client sees exactly what our store wrote: every param, metric (with steps), tag, artifact. */
async function assertReadBack(uri: string, runId: string): Promise<void> {
  const ours = await openTrackingStore({ trackingUri: uri });
  const rec = await ours.readRun(runId);
  await ours.close();
  const got = await runPython<ReadRun>(READ_RUN, { uri, run_id: runId });
  assert.equal(got.status, "FINISHED");
  assert.deepEqual(got.params, rec.params);
  assert.ok(Object.keys(rec.params).length > 20);
  for (const [k, v] of Object.entries(rec.info.tags)) assert.equal(got.tags[k], v, `tag ${k}`);
  assert.deepEqual(got.artifacts, [...rec.artifacts].sort());
  assert.ok(got.artifacts.includes("model/MLmodel") && got.artifacts.includes("logs/train.log"));
  const latest = new Map<string, { step: number; value: number }>();
  for (const m of rec.metrics) {
    const l = latest.get(m.key);
    if (!l || m.step >= l.step) latest.set(m.key, m);
  }
  for (const [k, m] of latest) {
    assert.ok(Object.is(got.metrics[k], m.value) || got.metrics[k] === m.value, `metric ${k}`);
  }
  for (const key of ["cv_fold_roc_auc", "train-logloss"]) {
    const ourHistory = rec.metrics.filter((m) => m.key === key).map((m) => [m.step, m.value]);
    assert.deepEqual(got.histories[key], ourHistory, key);
  }
}

const PYFUNC = `
import mlflow, pandas as pd, numpy as np, xgboost as xgb
mlflow.set_tracking_uri(data["uri"])
ref = pd.read_csv(mlflow.artifacts.download_artifacts(f"runs:/{data['run_id']}/reference_sample.csv"))
features = [c for c in ref.columns if c not in ("entity_id", "feature_timestamp", "label", "prediction")]
pyfunc = mlflow.pyfunc.load_model(data["model"]).predict(ref[features[::-1]])["probability"].to_numpy()
booster = mlflow.xgboost.load_model(data["model"])
native = booster.predict(xgb.DMatrix(ref[features]))
out = dict(pyfunc=float(np.max(np.abs(pyfunc - ref["prediction"]))),
           xgboost=float(np.max(np.abs(native - ref["prediction"]))), rows=len(ref))
`;

Deno.test("a real MLflow server: our stores, its client, the registry, promotion and faults", async (t) => {
  const dir = await Deno.makeTempDir();
  // The embedded default first: deno task train with no tracking URI, in a fresh folder.
  const first = await runTask("train", ["--max-samples", "3000", "--cv-folds", "3"], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const embeddedRun = /^Run (\w{32}) /m.exec(first.stdout)![1]!;
  await t.step("MLflow's client reads the embedded default store, no opt-in needed", async () => {
    await assertReadBack(`sqlite:///${join(dir, "mlflow.db")}`, embeddedRun);
  });
  const server = await MlflowServer.start({
    db: join(dir, "mlflow.db"),
    artifacts: join(dir, "served"),
  });
  const env = { MLFLOW_TRACKING_URI: server.url };
  try {
    await t.step("mlflow server serves the embedded store's run", async () => {
      const store = await openTrackingStore({ trackingUri: server.url });
      const run = await store.getRun(embeddedRun);
      assert.equal(run?.status, "FINISHED");
      assert.match(
        new TextDecoder().decode(await store.readArtifact(run!, "model/MLmodel")),
        /loader_module: mlflow.onnx/,
      );
    });
    let champion = "";
    await t.step(
      "training through REST: read back by MLflow's client; the registry round trip",
      async () => {
        const r = await runTask("train", [
          "--max-samples",
          "3000",
          "--cv-folds",
          "3",
          "--register",
          "fraud_detection",
        ], { env });
        assert.equal(r.code, 0, r.stderr);
        const runId = /^Run (\w{32}) /m.exec(r.stdout)![1]!;
        champion = /^Registered as fraud_detection version (\d+)$/m.exec(r.stdout)![1]!;
        await assertReadBack(server.url, runId);
        const p = await runTask("promote", ["--name", "fraud_detection", "--version", champion], {
          env,
        });
        assert.equal(p.code, 0, p.stderr);
        const got = await runPython<
          { version: string; run_id: string; tags: Record<string, string> }
        >(
          `from mlflow.tracking import MlflowClient
v = MlflowClient(tracking_uri=data["uri"]).get_model_version_by_alias("fraud_detection", "champion")
out = dict(version=v.version, run_id=v.run_id, tags=v.tags)`,
          { uri: server.url },
        );
        assert.equal(got.version, champion);
        assert.equal(got.run_id, runId);
        assert.equal(got.tags["promotion.decision"], "promoted");
        const py = await runPython<{ pyfunc: number; xgboost: number; rows: number }>(PYFUNC, {
          uri: server.url,
          run_id: runId,
          model: "models:/fraud_detection@champion",
        });
        assert.ok(py.rows >= 500 && py.pyfunc < 1e-5 && py.xgboost < 1e-5, JSON.stringify(py));
      },
    );
    await t.step(
      "every task that takes models:/ or runs:/ reads it from the server, with deno.json's permissions",
      async () => {
        const store = await openTrackingStore({ trackingUri: server.url });
        const version = await store.registry!.getModelVersionByAlias("fraud_detection", "champion");
        const run = (await store.getRun(version.runId))!;
        const sample = await store.readArtifact(run, "reference_sample.csv");
        await store.close();
        const dir = await Deno.makeTempDir();
        const input = join(dir, "rows.csv");
        await Deno.writeFile(input, sample);
        const refs = ["models:/fraud_detection@champion", `runs:/${version.runId}/model`];
        for (const [k, model] of refs.entries()) {
          const out = (name: string) => join(dir, `${k}-${name}`);
          const runs = {
            predict: await runTask("predict", [
              "--model",
              model,
              "--input",
              input,
              "--output",
              out("scores.csv"),
            ], { env }),
            export_onnx: await runTask("export_onnx", [
              "--model",
              model,
              "--output",
              out("m.onnx"),
            ], { env }),
            explain: await runTask("explain", [
              "--model",
              model,
              "--input",
              input,
              "--output",
              out("shap.csv"),
            ], { env }),
          };
          for (const [task, r] of Object.entries(runs)) {
            assert.equal(r.code, 0, `${task} --model ${model}:\n${r.stderr}`);
          }
          assert.ok((await Deno.stat(out("m.onnx"))).size > 1000);
          assert.match(await Deno.readTextFile(out("scores.csv")), /^[^\n]*prob/);
        }
        const drift = await runTask("drift", [
          "--model",
          "models:/fraud_detection@champion",
          "--max-samples",
          "300",
          "--output",
          join(dir, "drift.json"),
        ], { env });
        assert.ok([0, 3].includes(drift.code), drift.stderr);
        const serving = startTask("serve", [
          "--model",
          "models:/fraud_detection@champion",
          "--port",
          String(freePort()),
        ], { env });
        try {
          const ready = await serving.waitFor(/INFO {2}serving url=/, 60_000);
          const url = /url=(http:\/\/\S+)/.exec(ready)![1]!.replace(/\/$/, "");
          const health = await fetch(`${url}/readyz`);
          assert.equal(health.status, 200, await health.text());
        } finally {
          serving.kill("SIGTERM");
          await serving.done;
        }
        await Deno.remove(dir, { recursive: true });
      },
    );
    await t.step(
      "promotion by comparison: a worse challenger is kept out, a better one moves in",
      async () => {
        const weak = [
          "--max-samples",
          "3000",
          "--cv-folds",
          "0",
          "--model-type",
          "logistic_regression",
          "--param",
          "maxIter=1",
        ];
        const train = (extra: string[]) =>
          runTask("train", [...extra, "--register", "fraud_detection", "--alias", "challenger"], {
            env,
          });
        assert.equal((await train(weak)).code, 0);
        const kept = await runTask("promote", ["--name", "fraud_detection", "--compare"], { env });
        assert.equal(kept.code, 11, kept.stderr + kept.stdout);
        assert.match(kept.stdout, new RegExp(`champion = version ${champion} \\(kept`));
        // Make the weak model champion, then a strong challenger takes over.
        const weakVersion = /challenger v(\d+)/.exec(kept.stdout)![1]!;
        assert.equal(
          (await runTask("promote", ["--name", "fraud_detection", "--version", weakVersion], {
            env,
          })).code,
          0,
        );
        assert.equal((await train(["--max-samples", "3000", "--cv-folds", "0"])).code, 0);
        const moved = await runTask("promote", ["--name", "fraud_detection", "--compare"], { env });
        assert.equal(moved.code, 0, moved.stderr + moved.stdout);
        const [, ch, chScore, , champScore] = /challenger v(\d+) ([\d.]+), champion v(\d+) ([\d.]+)/
          .exec(moved.stdout)!;
        assert.ok(Number(chScore) > Number(champScore));
        assert.match(moved.stdout, new RegExp(`champion = version ${ch} \\(moved`));
        const store = await openTrackingStore({ trackingUri: server.url });
        const runs = await store.listRuns((await store.findExperiment("fraud-detection"))!);
        const decisions = runs.filter((r) => r.tags.run_type === "promotion");
        assert.ok(decisions.length >= 3);
        const last = await store.readRun(decisions[0]!.runId);
        for (const k of ["champion_score", "challenger_score", "gain", "promoted"]) {
          assert.ok(last.metrics.some((m) => m.key === k), k);
        }
      },
    );
    await t.step(
      "a server down at start: one line (exit 2); --offline-ok tracks locally and mlflow-sync lands the run",
      async () => {
        const down = `http://127.0.0.1:${freePort()}`;
        const cwd = await Deno.makeTempDir();
        const fail = await runTask("train", ["--max-samples", "1000", "--cv-folds", "0"], {
          env: { MLFLOW_TRACKING_URI: down },
          cwd,
        });
        assert.equal(fail.code, 2);
        assert.match(
          fail.stderr.trim().split("\n").at(-1)!,
          /^train: cannot reach the MLflow server http:\/\/127\.0\.0\.1:\d+: /,
        );
        const off = await runTask("train", [
          "--max-samples",
          "1000",
          "--cv-folds",
          "2",
          "--offline-ok",
        ], { env: { MLFLOW_TRACKING_URI: down }, cwd });
        assert.equal(off.code, 0, off.stderr);
        const offRun = /^Run (\w{32}) /m.exec(off.stdout)![1]!;
        assert.match(
          off.stdout,
          /deno task mlflow-sync --from sqlite:\/\/\/\S+mlflow\.db --to http:/,
        );
        const syncArgs = ["--from", `sqlite:///${join(cwd, "mlflow.db")}`, "--to", server.url];
        const sync = await runTask("mlflow_sync", [...syncArgs, "--run-id", offRun], { cwd });
        assert.equal(sync.code, 0, sync.stderr);
        const landed = /→ (\w{32})/.exec(sync.stdout)![1]!;
        const local = await SqliteStore.open(`sqlite:///${join(cwd, "mlflow.db")}`);
        const before = await local.readRun(offRun);
        await local.close();
        const remote = await openTrackingStore({ trackingUri: server.url });
        const after = await remote.readRun(landed);
        assert.deepEqual(after.params, before.params);
        const key = (m: { key: string; step: number; timestamp: number }) =>
          `${m.key}@${m.step}@${m.timestamp}`;
        assert.deepEqual(
          after.metrics.map(key).sort(),
          before.metrics.map(key).sort(),
          "steps and times kept",
        );
        assert.deepEqual([...after.artifacts].sort(), [...before.artifacts].sort());
        assert.equal(after.info.tags["mlflow_sync.source_run_id"], offRun);
        const again = await runTask("mlflow_sync", [...syncArgs, "--run-id", offRun], { cwd });
        assert.match(again.stdout, /\(copied before\)/);
        await Deno.remove(cwd, { recursive: true });
      },
    );
    await t.step(
      "a server stopped mid-run: the run kept locally (exit 4), and no version half-registered",
      async () => {
        const running = runTask("train", [
          "--max-samples",
          "20000",
          "--cv-folds",
          "5",
          "--register",
          "mid_run_model",
        ], { env, cwd: await Deno.makeTempDir() }); // the kept copy goes to its mlflow.db
        const store = await openTrackingStore({ trackingUri: server.url });
        const exp = (await store.findExperiment("fraud-detection"))!;
        const known = new Set((await store.listRuns(exp)).map((r) => r.runId));
        for (let i = 0; i < 400; i++) {
          if ((await store.listRuns(exp)).some((r) => !known.has(r.runId))) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        await server.stop();
        const r = await running;
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stdout, /stopped answering during run \w{32}; the run was kept in sqlite:/);
        const db = await SqliteStore.open(`sqlite:///${server.db}`);
        assert.deepEqual(await db.registry.listModelVersions("mid_run_model"), []);
        await db.close();
      },
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
