import assert from "node:assert/strict";
import { join } from "node:path";
import type { FeatureSpec } from "../lib/data/feature_spec.ts";
import { Frame } from "../lib/data/frame.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { mlflowModelFiles } from "../lib/pipeline/mlflow_model.ts";
import { Rng } from "../lib/util/rng.ts";
import { runPython } from "./helpers/python.ts";

/** MLflow's reading of the folder: its signature's column types, and pyfunc's scores of `rows`. */
const PYFUNC = `
import mlflow, numpy as np, pandas as pd
info = mlflow.models.get_model_info(data["dir"])
types = {c["name"]: c["type"] for c in info.signature.inputs.to_dict()}
frame = pd.DataFrame({k: pd.Series(v, dtype="float64" if any(x is None for x in v) else None)
                      for k, v in data["rows"].items()})
p = mlflow.pyfunc.load_model(data["dir"]).predict(frame)["probability"].to_numpy()
out = dict(types=types, dtypes={k: str(t) for k, t in frame.dtypes.items()}, p=p.tolist())
`;

function spec(name: string, kind: FeatureSpec["kind"], integer: boolean): FeatureSpec {
  return { name, kind, description: name, range: [0, 1000], integer };
}

Deno.test("the MLflow signature declares a whole-number feature missing in training rows double, and pyfunc scores a NaN in it", async () => {
  const rng = new Rng(3), n = 600;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const count = col((i) => (i % 9 === 0 ? NaN : Math.floor(rng.next() * 20)));
  const code = col(() => Math.floor(rng.next() * 5));
  const flag = col(() => (rng.next() < 0.3 ? 1 : 0));
  const amount = col(() => rng.next() * 100);
  const frame = new Frame(["count", "code", "flag", "amount"], [count, code, flag, amount]);
  const labels = Uint8Array.from(
    { length: n },
    (_, i) => ((count[i]! || 10) + 4 * flag[i]! + amount[i]! / 20 > 16 ? 1 : 0),
  );
  const model = await new GradientBoosting({ num_boost_round: 10, nthread: 1 }).fit(frame, labels);
  const specs = [
    spec("count", "continuous", true),
    spec("code", "categorical", true),
    spec("flag", "boolean", true),
    spec("amount", "continuous", false),
  ];
  const files = mlflowModelFiles(model, {
    runId: "0".repeat(32),
    threshold: 0.5,
    trainingRows: frame,
    specs,
  });
  const dir = await Deno.makeTempDir();
  for (const [name, data] of Object.entries(files)) {
    if (typeof data === "string") await Deno.writeTextFile(join(dir, name), data);
    else await Deno.writeFile(join(dir, name), data);
  }
  const rows = Array.from({ length: 20 }, (_, i) => i);
  const json = (c: Float64Array) => rows.map((i) => (Number.isNaN(c[i]!) ? null : c[i]!));
  const got = await runPython<
    { types: Record<string, string>; dtypes: Record<string, string>; p: number[] }
  >(
    PYFUNC,
    { dir, rows: { count: json(count), code: json(code), flag: json(flag), amount: json(amount) } },
  );
  assert.deepEqual(got.types, { count: "double", code: "long", flag: "long", amount: "double" });
  assert.equal(got.dtypes.count, "float64", "pandas holds the missing whole number as a float");
  const ours = model.predictProba(frame.take(Int32Array.from(rows)));
  got.p.forEach((p, i) => assert.ok(Math.abs(p - ours[i]!) < 1e-5, `row ${i}: ${p} vs ${ours[i]}`));
  await Deno.remove(dir, { recursive: true });
});
