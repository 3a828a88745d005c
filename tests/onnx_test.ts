import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCsv } from "../lib/data/csv_parse.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { LogisticRegression } from "../lib/models/logistic_regression.ts";
import type { Estimator } from "../lib/models/model.ts";
import { exportOnnx } from "../lib/onnx/export_model.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { maxAbsDiff, nonLinear, PY_LOAD, readFloat64, writeDataset } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

function task(name: string, args: string[]) {
  return runTask(name, args);
}

const CHECK_AND_RUN = PY_LOAD + `
import onnx, onnxruntime as ort, numpy as np
m = onnx.load(data["model"])
onnx.checker.check_model(m, full_check=True)
X, y = load(data["base"], data["features"])
s = ort.InferenceSession(data["model"])
outs = s.run(None, {"float_input": X.astype(np.float32)})
outs[1][:, 1].astype("<f8").tofile(data["out"])
out = {"outputs": [o.name for o in s.get_outputs()], "shape": list(outs[1].shape),
       "metadata": {p.key: p.value for p in m.metadata_props},
       "opsets": {o.domain: o.version for o in m.opset_import}}
`;

const TYPES: Array<[string, () => Estimator]> = [
  ["xgboost", () => new GradientBoosting({ num_boost_round: 100, max_depth: 6, nthread: 2 })],
  [
    "lightgbm",
    () => new GradientBoosting({ num_boost_round: 40, nthread: 2 }, { type: "lightgbm" }),
  ],
  [
    "random_forest",
    () => new GradientBoosting({ num_parallel_tree: 40, nthread: 2 }, { type: "random_forest" }),
  ],
  ["logistic_regression", () => new LogisticRegression()],
];

Deno.test("on 100k rows with 5% missing, onnxruntime (Node and Python) equals our engine within 1e-5, every model type", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(100_000, 17, 31, 0.05);
  const base = await writeDataset(dir, "data", d);
  for (const [type, make] of TYPES) {
    const model = await make().fit(d.frame, d.labels);
    model.decisionThreshold = 0.37;
    const bytes = exportOnnx(model, {
      runId: "run-123",
      version: "7",
      threshold: model.decisionThreshold,
    });
    const path = join(dir, `${type}.onnx`);
    await Deno.writeFile(path, bytes);
    const scorer = await OnnxScorer.load(bytes);
    const node = await scorer.predictProba(d.frame);
    await scorer.release();
    const ours = model.predictProba(d.frame);
    const diff = maxAbsDiff(node, ours);
    console.log(`${type}: max |onnxruntime-node − engine| = ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-5, `${type}: ${diff}`);
    const py = await runPython<
      {
        outputs: string[];
        shape: number[];
        metadata: Record<string, string>;
        opsets: Record<string, number>;
      }
    >(
      CHECK_AND_RUN,
      { model: path, base, features: 17, out: join(dir, "py_pred") },
    );
    assert.deepEqual(py.outputs, ["label", "probabilities"]);
    assert.deepEqual(py.shape, [100_000, 2]);
    assert.deepEqual(py.metadata, {
      feature_names: JSON.stringify(d.frame.names),
      model_type: type,
      threshold: "0.37",
      run_id: "run-123",
      version: "7",
    });
    assert.deepEqual(py.opsets, { "": 17, "ai.onnx.ml": 3 });
    const pyDiff = maxAbsDiff(await readFloat64(join(dir, "py_pred")), node);
    assert.ok(pyDiff < 1e-6, `${type}: Python onnxruntime vs Node: ${pyDiff}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("export-onnx converts a model Python's xgboost saved; onnxruntime gives xgboost's probabilities (1e-5)", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(5000, 8, 41, 0.1);
  const base = await writeDataset(dir, "data", d);
  await runPython(
    PY_LOAD + `
import xgboost as xgb
X, y = load(data["base"], 8)
names = [f"f{i}" for i in range(8)]
b = xgb.train({"objective": "binary:logistic", "max_depth": 5, "eta": 0.2}, xgb.DMatrix(X, label=y, feature_names=names), 60)
b.save_model(data["dir"] + "/xgb.json")
b.predict(xgb.DMatrix(X, feature_names=names)).astype("<f8").tofile(data["dir"] + "/xgb_pred")
out = 0
`,
    { base, dir },
  );
  const r = await task("export_onnx", [
    "--model",
    join(dir, "xgb.json"),
    "--output",
    join(dir, "xgb.onnx"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const scorer = await OnnxScorer.load(await Deno.readFile(join(dir, "xgb.onnx")));
  const p = await scorer.predictProba(d.frame);
  await scorer.release();
  const diff = maxAbsDiff(p, await readFloat64(join(dir, "xgb_pred")));
  console.log(`xgboost → ONNX: max |onnxruntime − xgboost| = ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-5, String(diff));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("predict with an ONNX model labels by its chosen threshold, or by --threshold", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(300, 6, 5, 0.1);
  const model = await new GradientBoosting({ num_boost_round: 10, nthread: 1 }).fit(
    d.frame,
    d.labels,
  );
  model.decisionThreshold = 0.3;
  await Deno.writeFile(join(dir, "m.onnx"), exportOnnx(model, { threshold: 0.3 }));
  const lines = ["f0,f1,f2,f3,f4,f5"];
  for (let i = 0; i < 300; i++) {
    lines.push(d.frame.columns.map((c) => (Number.isNaN(c[i]!) ? "" : String(c[i]))).join(","));
  }
  await Deno.writeTextFile(join(dir, "in.csv"), lines.join("\n") + "\n");
  for (const [args, t] of [[[], 0.3], [["--threshold", "0.8"], 0.8]] as const) {
    const r = await task("predict", [
      "--model",
      join(dir, "m.onnx"),
      "--input",
      join(dir, "in.csv"),
      "--output",
      join(dir, "out.csv"),
      ...args,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = parseCsv(await Deno.readTextFile(join(dir, "out.csv")));
    const p = Array.from(out.columns[out.names.indexOf("probability")]!, Number);
    const labels = Array.from(out.columns[out.names.indexOf("label")]!, Number);
    assert.deepEqual(labels, p.map((v) => (v >= t ? 1 : 0)));
    assert.ok(maxAbsDiff(p, model.predictProba(d.frame)) < 1e-5);
  }
  const bad = await task("predict", [
    "--model",
    join(dir, "m.onnx"),
    "--input",
    join(dir, "in.csv"),
    "--output",
    join(dir, "o.csv"),
    "--threshold",
    "2",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--threshold: must be ≤ 1, got 2/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("regression models are refused for ONNX classification export", async () => {
  const d = nonLinear(500, 5, 1, 0);
  const model = await new GradientBoosting({
    objective: "reg:squarederror",
    num_boost_round: 3,
    nthread: 1,
  }).fit(d.frame, d.labels);
  assert.throws(
    () => exportOnnx(model),
    /ONNX export needs a binary classifier or a ranking model, got objective "reg:squarederror"/,
  );
});
