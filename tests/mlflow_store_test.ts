import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { train } from "../lib/pipeline/train.ts";
import { runPython } from "./helpers/python.ts";

const READ_RUN = `
from mlflow.tracking import MlflowClient
c = MlflowClient(tracking_uri=data["uri"])
exp = c.get_experiment_by_name(data["experiment"])
runs = c.search_runs([exp.experiment_id])
r = c.get_run(data["run_id"])
out = dict(
    experiment_id=exp.experiment_id,
    run_ids=[x.info.run_id for x in runs],
    status=r.info.status, run_name=r.info.run_name,
    params=r.data.params, metrics=r.data.metrics, tags=r.data.tags,
    artifacts=sorted(a.path for a in c.list_artifacts(data["run_id"])),
    model_files=[a.path for a in c.list_artifacts(data["run_id"], "model")],
    fold_history=[[m.step, m.value] for m in c.get_metric_history(data["run_id"], "cv_fold_roc_auc")],
    logloss_history=[[m.step, m.value] for m in c.get_metric_history(data["run_id"], "train-logloss")],
)
`;

Deno.test("MLflow's own client reads our file store (deprecated upstream, kept): the run, its params, metrics, tags and artifacts", async () => {
  const dir = await Deno.makeTempDir();
  const config = resolveConfig([
    fileLayer({
      data: { maxSamples: 2000 },
      mlflow: {
        trackingUri: join(dir, "mlruns"),
        experimentName: 'fraud test: ü & "quotes"',
        runName: "lr-check",
      },
    }, "test"),
  ]);
  const result = await train(config);
  const got = await runPython<{
    experiment_id: string;
    run_ids: string[];
    status: string;
    run_name: string;
    params: Record<string, string>;
    metrics: Record<string, number>;
    tags: Record<string, string>;
    artifacts: string[];
    model_files: string[];
    fold_history: Array<[number, number]>;
    logloss_history: Array<[number, number]>;
  }>(
    READ_RUN,
    {
      uri: `file://${join(dir, "mlruns")}`,
      experiment: config.mlflow.experimentName,
      run_id: result.runId,
    },
    { MLFLOW_ALLOW_FILE_STORE: "true" },
  );
  assert.equal(got.experiment_id, result.experimentId);
  assert.deepEqual(got.run_ids, [result.runId]);
  assert.equal(got.status, "FINISHED");
  assert.equal(got.run_name, "lr-check");
  assert.equal(got.params["model.type"], "xgboost");
  assert.equal(got.params["data.maxSamples"], "2000");
  assert.equal(got.params["model.params.max_depth"], "6");
  assert.equal(got.params["model.params.eta"], "0.3");
  assert.equal(got.params["seed"], "42");
  assert.equal(got.metrics.test_roc_auc, result.test.roc_auc);
  assert.equal(got.metrics.test_pr_auc, result.test.pr_auc);
  assert.equal(got.metrics.cv_roc_auc_mean, result.cv!.summary.roc_auc.mean);
  assert.equal(got.metrics.data_rows, 2000);
  assert.deepEqual(got.fold_history, result.cv!.folds.map((f, k) => [k, f.roc_auc]));
  // Boosting rounds are logged one step per round.
  assert.deepEqual(
    got.logloss_history,
    result.history.map((h) => [h.iteration, h.values["train-logloss"]]),
  );
  assert.equal(got.logloss_history.length, 100);
  assert.equal(got.tags.readiness, result.readiness);
  assert.equal(got.tags["mlflow.runName"], "lr-check");
  assert.deepEqual(got.artifacts, [
    "config.json",
    "data_quality.json",
    "entities.csv",
    "feature_names.json",
    "logs",
    "metrics.json",
    "model",
    "reference_sample.csv",
    "shap_importance.json",
  ]);
  assert.deepEqual(got.model_files.sort(), [
    "model/MLmodel",
    "model/conda.yaml",
    "model/input_example.json",
    "model/model.json",
    "model/model.onnx",
    "model/pyfunc.onnx",
    "model/python_env.yaml",
    "model/requirements.txt",
    "model/serving_input_example.json",
  ]);
  await Deno.remove(dir, { recursive: true });
});
