import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCsv } from "../lib/data/csv_parse.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { maxAbsDiff, nonLinear, PY_LOAD, readFloat64, writeDataset } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

function predict(args: string[]) {
  return runTask("predict", args);
}

function featuresCsv(d: ReturnType<typeof nonLinear>, rows: number): string {
  const names = d.frame.names;
  const lines = [["id", ...names].join(",")];
  for (let i = 0; i < rows; i++) {
    lines.push([
      `"row ${i}, quoted"`,
      ...names.map((n) => {
        const v = d.frame.column(n)[i]!;
        return Number.isNaN(v) ? "" : String(v);
      }),
    ].join(","));
  }
  return lines.join("\n") + "\n";
}

/** A temp folder holding `model.json`: a tree model fitted on a seeded non-linear set. */
async function savedModel(o: { rows: number; noise: number; rounds: number }) {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(o.rows, 6, 4, o.noise);
  const model = await new GradientBoosting({ num_boost_round: o.rounds, nthread: 1 }).fit(
    d.frame,
    d.labels,
  );
  await Deno.writeTextFile(join(dir, "model.json"), model.serialize());
  return { dir, d, model };
}

Deno.test("predict scores a CSV with our model: rows in order, a probability column, missing cells as missing", async () => {
  const { dir, d, model } = await savedModel({ rows: 2000, noise: 0.1, rounds: 20 });
  let csv = featuresCsv(d, 500);
  csv = csv.replace(/\n("row 7, quoted"),[^,\n]*/, "\n$1,oops"); // a non-numeric cell in f0
  await Deno.writeTextFile(join(dir, "in.csv"), csv);
  const r = await predict([
    "--model",
    join(dir, "model.json"),
    "--input",
    join(dir, "in.csv"),
    "--output",
    join(dir, "out.csv"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /1 unreadable value\(s\) in "f0" \(not a finite number\), read as missing/,
  );
  const out = parseCsv(await Deno.readTextFile(join(dir, "out.csv")));
  assert.deepEqual(out.names, ["id", ...d.frame.names, "probability", "label"]);
  assert.equal(out.rows, 500);
  assert.equal(out.columns[0]![3], "row 3, quoted");
  const x = d.frame.take(Int32Array.from({ length: 500 }, (_, i) => i));
  x.column("f0")[7] = NaN; // the non-numeric cell is scored as missing
  const expected = model.predictProba(x);
  const got = Array.from(out.columns[out.names.indexOf("probability")]!, Number);
  assert.deepEqual(got, Array.from(expected));
  const labels = Array.from(out.columns[out.names.indexOf("label")]!, Number);
  assert.deepEqual(
    labels,
    got.map((p) => (p >= 0.5 ? 1 : 0)),
    "label = probability ≥ 0.5 (no chosen threshold)",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("predict scores with a model trained by Python's xgboost, CSV and Parquet alike (1e-5)", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(1000, 6, 8, 0.1);
  const base = await writeDataset(dir, "data", d);
  await Deno.writeTextFile(join(dir, "in.csv"), featuresCsv(d, 1000));
  await runPython(
    PY_LOAD + `
import xgboost as xgb, pyarrow as pa, pyarrow.parquet as pq
X, y = load(data["base"], 6)
names = [f"f{i}" for i in range(6)]
b = xgb.train({"objective": "binary:logistic", "max_depth": 4}, xgb.DMatrix(X, label=y, feature_names=names), 25)
b.save_model(data["dir"] + "/xgb.json")
b.predict(xgb.DMatrix(X, feature_names=names)).astype("<f8").tofile(data["dir"] + "/xgb_pred")
pq.write_table(pa.table({n: X[:, i] for i, n in enumerate(names)}), data["dir"] + "/in.parquet")
out = 0
`,
    { base, dir },
  );
  const expected = await readFloat64(join(dir, "xgb_pred"));
  for (const input of ["in.csv", "in.parquet"]) {
    const r = await predict([
      "--model",
      join(dir, "xgb.json"),
      "--input",
      join(dir, input),
      "--output",
      join(dir, `${input}.out`),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = parseCsv(await Deno.readTextFile(join(dir, `${input}.out`)));
    const got = Array.from(out.columns[out.names.indexOf("probability")]!, Number);
    const diff = maxAbsDiff(got, expected);
    assert.ok(diff < 1e-5, `${input}: max |ours − xgboost| = ${diff}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("predict never writes a column name twice: output names the input has get _predicted (a labeled file's label stays the truth)", async () => {
  const { dir, d, model } = await savedModel({ rows: 300, noise: 0.1, rounds: 5 });
  // The input has every output name: label (the truth), probability, reason_1, reason_1_value,
  // and even label_predicted.
  const taken = ["label", "probability", "reason_1", "reason_1_value", "label_predicted"];
  const lines = featuresCsv(d, 300).trimEnd().split("\n");
  const csv =
    lines.map((line, i) =>
      [line, ...taken.map((n, j) => (i === 0 ? n : `${n === "label" ? d.labels[i - 1] : j}`))]
        .join(",")
    ).join("\n") + "\n";
  await Deno.writeTextFile(join(dir, "in.csv"), csv);
  const r = await predict([
    "--model",
    join(dir, "model.json"),
    "--input",
    join(dir, "in.csv"),
    "--output",
    join(dir, "out.csv"),
    "--explain",
    "1",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseCsv(await Deno.readTextFile(join(dir, "out.csv")));
  assert.deepEqual(out.names, [
    "id",
    ...d.frame.names,
    ...taken,
    "probability_predicted",
    "label_predicted_2",
    "reason_1_predicted",
    "reason_1_value_predicted",
  ]);
  assert.equal(new Set(out.names).size, out.names.length, "no name twice");
  const column = (name: string) => Array.from(out.columns[out.names.indexOf(name)]!, Number);
  assert.deepEqual(column("label"), Array.from(d.labels), "the input's label as it was");
  const expected = model.predictProba(d.frame.take(Int32Array.from({ length: 300 }, (_, i) => i)));
  assert.deepEqual(column("probability_predicted"), Array.from(expected));
  assert.deepEqual(column("label_predicted_2"), Array.from(expected, (p) => (p >= 0.5 ? 1 : 0)));
  assert.match(
    r.stderr,
    /^predict: the input already has "label": the model's "label" is "label_predicted_2"$/m,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("predict, explain and export-onnx name the model type it was trained as (lightgbm, random_forest), through JSON and ONNX", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(500, 6, 4, 0.1);
  await Deno.writeTextFile(join(dir, "in.csv"), featuresCsv(d, 500));
  for (const type of ["lightgbm", "random_forest"] as const) {
    const model = await new GradientBoosting({ num_boost_round: 5, nthread: 1 }, { type }).fit(
      d.frame,
      d.labels,
    );
    const json = join(dir, `${type}.json`), onnx = join(dir, `${type}.onnx`);
    await Deno.writeTextFile(json, model.serialize());
    const out = ["--input", join(dir, "in.csv"), "--output", join(dir, "out.csv")];
    const p = await predict(["--model", json, ...out]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, new RegExp(`scored 500 rows with a ${type} model`));
    const e = await runTask("explain", ["--model", json, ...out]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stderr, new RegExp(`500 rows with a ${type} model`));
    const x = await runTask("export_onnx", ["--model", json, "--output", onnx]);
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stderr, new RegExp(`bytes, ${type},`));
    const o = await predict(["--model", onnx, ...out]);
    assert.equal(o.code, 0, o.stderr);
    assert.match(o.stderr, new RegExp(`scored 500 rows with a ${type} model`));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("predict refuses input lacking a model feature (exit 2, names it, writes nothing)", async () => {
  const { dir } = await savedModel({ rows: 500, noise: 0, rounds: 3 });
  await Deno.writeTextFile(join(dir, "in.csv"), "f0,f1\n1,2\n");
  const r = await predict([
    "--model",
    join(dir, "model.json"),
    "--input",
    join(dir, "in.csv"),
    "--output",
    join(dir, "out.csv"),
  ]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^predict: the input lacks 4 feature\(s\) the model needs: f2, f3, f4, f5$/m,
  );
  await assert.rejects(Deno.stat(join(dir, "out.csv")), Deno.errors.NotFound);
  const bad = await predict([
    "--model",
    join(dir, "none.json"),
    "--input",
    join(dir, "in.csv"),
    "--output",
    join(dir, "o.csv"),
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot read model .*none\.json": no such file/);
  const noArgs = await predict([]);
  assert.equal(noArgs.code, 2);
  assert.match(noArgs.stderr, /--model: required/);
  await Deno.remove(dir, { recursive: true });
});
