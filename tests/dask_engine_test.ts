/**
 * The Dask engine with a real `dask scheduler` and two `dask worker` processes on loopback:
 * `deno task train --engine dask` trains through them (CV folds and the final fit, progress per
 * round in the log), and the registered model predicts as `xgboost.dask`'s own `predict` on the
 * same booster (≤ 1e-6) with a test ROC AUC within 0.002 of our local engine on the same split; a
 * worker killed mid-fit ends the run FAILED in one line, with nothing registered.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DaskCluster } from "../tasks/bench/dask_cluster.ts";
import { PYTHON, runPython } from "./helpers/python.ts";
import { runTask, startTask } from "./helpers/tasks.ts";

/** The run's artifact folder, from train's summary. */
function artifacts(stdout: string): string {
  return /Artifacts: (\S+)/.exec(stdout)![1]!;
}

Deno.test("training on a Dask cluster: xgboost.dask's predictions, the local engine's quality, a lost worker", async (t) => {
  const dir = await Deno.makeTempDir();
  const cluster = await DaskCluster.start({ workers: 2, dir, python: PYTHON });
  const engine = [
    "--engine",
    "dask",
    "--dask-scheduler",
    cluster.address,
    "--dask-shared",
    join(dir, "shared"),
  ];
  const common = ["--max-samples", "5000", "--cv-folds", "2", "--seed", "7"];
  try {
    let runDir = "";
    await t.step(
      "train --engine dask: CV and the final fit on the cluster, registered",
      async () => {
        const r = await runTask("train", [...engine, ...common, "--register", "fraud_dask"], {
          cwd: dir,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /INFO {2}engine engine=dask/);
        assert.match(r.stderr, /INFO {2}dask round round=0 metric=/, "progress from the Dask side");
        assert.match(r.stderr, /cv fold 2\/2/);
        assert.match(r.stdout, /Registered as fraud_dask version 1/);
        runDir = artifacts(r.stdout);
      },
    );

    await t.step(
      "the registered model predicts as xgboost.dask does on the same booster (≤ 1e-6)",
      async () => {
        const input = join(runDir, "reference_sample.csv"), output = join(dir, "p.csv");
        const p = await runTask("predict", [
          "--model",
          "models:/fraud_dask/1",
          "--input",
          input,
          "--output",
          output,
        ], {
          cwd: dir,
        });
        assert.equal(p.code, 0, p.stderr);
        const ref = await runPython<{ max_diff: number; rows: number }>(
          `
import pandas as pd, numpy as np, xgboost as xgb, xgboost.dask, dask.dataframe as dd
from distributed import Client
client = Client(data["scheduler"])
booster = xgb.Booster()
booster.load_model(data["model"])
rows = pd.read_csv(data["input"])
X = rows[booster.feature_names].astype("float64")
theirs = xgb.dask.predict(client, booster, dd.from_pandas(X, npartitions=2)).compute()
ours = pd.read_csv(data["output"])["probability"].to_numpy()
out = {"max_diff": float(np.max(np.abs(np.asarray(theirs) - ours))), "rows": int(len(ours))}
client.close()
`,
          { scheduler: cluster.address, model: join(runDir, "model", "model.json"), input, output },
        );
        assert.ok(ref.rows > 100);
        assert.ok(ref.max_diff <= 1e-6, `max |diff| ${ref.max_diff}`);
      },
    );

    await t.step(
      "its test ROC AUC is within 0.002 of the local engine's on the same split",
      async () => {
        const local = await runTask("train", common, { cwd: dir });
        assert.equal(local.code, 0, local.stderr);
        const auc = async (run: string) =>
          JSON.parse(await Deno.readTextFile(join(run, "metrics.json"))).test.roc_auc as number;
        const [ours, theirs] = [await auc(artifacts(local.stdout)), await auc(runDir)];
        assert.ok(Math.abs(ours - theirs) <= 0.002, `local ${ours}, dask ${theirs}`);
      },
    );

    await t.step(
      "a worker killed mid-fit: the run FAILED in one line, nothing registered",
      async () => {
        const long = startTask("train", [
          ...engine,
          ...["--max-samples", "20000", "--cv-folds", "0", "--param", "n_estimators=5000"],
          ...["--param", "eta=0.01", "--register", "fraud_killed"],
        ], { cwd: dir });
        // Mid-fit: the boosting rounds are under way on both workers.
        await long.waitFor(/dask round round=20 /, 120_000);
        cluster.killWorker(1);
        const r = await long.done;
        const tail = r.stderr.trim().split("\n").slice(-3).join("\n");
        assert.equal(r.code, 2, `exit ${r.code}: ${tail}`);
        const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("train: "));
        assert.equal(lines.length, 1);
        assert.match(lines[0]!, /^train: the Dask fit on tcp:\/\/127\.0\.0\.1:\d+ failed: /);
        const registry = await runPython<{ models: string[]; status: string }>(
          `
import mlflow
mlflow.set_tracking_uri(data["uri"])
c = mlflow.tracking.MlflowClient()
last = c.search_runs(["1"], order_by=["start_time DESC"], max_results=1)[0]
out = {"models": [m.name for m in c.search_registered_models()], "status": last.info.status}
`,
          { uri: `sqlite:///${join(dir, "mlflow.db")}` },
        );
        assert.equal(registry.status, "FAILED");
        assert.ok(!registry.models.includes("fraud_killed"), JSON.stringify(registry.models));
      },
    );
  } finally {
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
