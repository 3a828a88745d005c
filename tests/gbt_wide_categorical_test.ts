/**
 * Categorical features with more than 254 categories (XGBoost bins them one bin per category,
 * however many): trained here on a 1,000-category merchant, as good as xgboost on the same data,
 * our JSON scores identically in xgboost with TreeSHAP equal to `pred_contribs`, onnxruntime
 * agrees, and two threads and row sampling (the binned walk over u16 codes) change nothing.
 */

import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { fitThreads } from "../lib/models/gbt/_boosting.ts";
import { GbtParamsSchema } from "../lib/models/gbt/params.ts";
import { Rng } from "../lib/util/rng.ts";
import { runPython } from "./helpers/python.ts";
import { assertLikeXgboost, readSets, trainInXgboost } from "./helpers/categorical_xgb.ts";

const NAMES = ["merchant", "amount", "device"];

/**
 * A 1,000-category merchant (Zipf-like frequencies, its own effect each; some codes never occur),
 * an amount, a 300-category device; xgboost trains on the same rows and scores the test rows.
 */
const MAKE_WIDE = `
import numpy as np, xgboost as xgb
eff = np.random.default_rng(0).normal(size=1000); dev = np.random.default_rng(9).normal(size=300)
def make(n, seed):
    rng = np.random.default_rng(seed)
    p = 1 / np.arange(1, 1001) ** 0.8; p /= p.sum()
    cat = rng.choice(1000, n, p=p); num = rng.normal(size=n); d = rng.integers(0, 300, n)
    cat[cat == 7] = 8  # code 7 never occurs: bins must be the codes themselves
    z = 1.2 * eff[cat] + num + 0.6 * dev[d]
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    X = np.column_stack([cat.astype(float), num, d.astype(float)]); X[::23, 0] = np.nan
    return X, y
`;

const PARAMS = { max_depth: 5, eta: 0.3, num_boost_round: 30, enable_categorical: true };
const OPTIONS = { categorical: ["merchant", "device"] };

Deno.test("a 1,000-category feature trains as well as xgboost's; our JSON in xgboost, TreeSHAP and ONNX agree", async () => {
  const dir = await Deno.makeTempDir();
  await runPython(MAKE_WIDE + trainInXgboost(NAMES, 20000), { dir });
  const { x, xt, y, yt } = await readSets(dir, NAMES);
  const model = await new GradientBoosting({ ...PARAMS, nthread: 1 }).fit(x, y, OPTIONS);
  const merchant = model.state.trees.flatMap((t) =>
    [...(t.categories?.entries() ?? [])].filter(([node]) => t.feature[node] === 0)
      .map(([, c]) => c)
  );
  assert.ok(merchant.length > 0, "merchant splits");
  assert.ok(merchant.some((c) => c.some((v) => v > 254)), "categories above 254 in the sets");
  await assertLikeXgboost(model, { dir, names: NAMES, xt, yt });
  await Deno.remove(dir, { recursive: true });
});

/**
 * The merchant, amount and device beside seeded noise columns: enough cells (1.5M and more) that
 * a fit asked for two threads runs on two (a smaller one runs on one: fitThreads).
 */
function withNoiseColumns(x: Frame, width: number): Frame {
  const rng = new Rng(11), names = [...x.names], columns = [...x.columns];
  for (let j = x.width; j < width; j++) {
    names.push(`noise${j}`);
    columns.push(Float64Array.from({ length: x.rows }, () => rng.normal()));
  }
  return new Frame(names, columns);
}

Deno.test("wide categorical features: two threads the same model, with row sampling too; the binned walk scores as the trees do", async () => {
  const dir = await Deno.makeTempDir();
  await runPython(MAKE_WIDE + trainInXgboost(NAMES, 20000), { dir });
  const sets = await readSets(dir, NAMES), y = sets.y, x = withNoiseColumns(sets.x, 76);
  const params = GbtParamsSchema.parse({ ...PARAMS, nthread: 2 });
  assert.equal(fitThreads(params, { rows: x.rows, nfeat: x.width }), 2, "a fit on two threads");
  const fit = (p: Record<string, unknown>, evalSets = {}) =>
    new GradientBoosting({ ...PARAMS, num_boost_round: 12, ...p }).fit(x, y, {
      ...OPTIONS,
      ...evalSets,
    });
  for (const sampling of [{}, { subsample: 0.7, seed: 3 }]) {
    const one = await fit({ ...sampling, nthread: 1 }),
      two = await fit({ ...sampling, nthread: 2 });
    assert.equal(two.serialize(), one.serialize(), `two threads ${JSON.stringify(sampling)}`);
  }
  // With row sampling, the training margins come from walking the binned rows (u16 codes for the
  // merchant); a copy of the training rows is scored from raw values: the same log loss each round.
  const copy = new Frame(x.names, x.columns.map((c) => Float64Array.from(c)));
  const model = await fit({ subsample: 0.7, seed: 3, nthread: 2, eval_metric: "logloss" }, {
    evalSets: [{ name: "train", frame: x, labels: y }, { name: "copy", frame: copy, labels: y }],
  });
  const history = model.history ?? [];
  assert.equal(history.length, 12);
  for (const it of history) {
    const m = it.values;
    assert.ok(Math.abs(m["train-logloss"]! - m["copy-logloss"]!) <= 1e-6, JSON.stringify(m));
  }
  await Deno.remove(dir, { recursive: true });
});
