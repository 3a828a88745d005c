/**
 * Learning to rank as XGBoost 3 does it: `rank:ndcg` and `rank:pairwise` with query groups train
 * the trees xgboost trains on the same data (predictions within 1e-5 where the cut points agree),
 * our model JSON loads in xgboost with identical scores, and `ndcg@k` / `map@k` equal xgboost's own
 * evaluation, scikit-learn's `ndcg_score` (binary relevance, no ties) and a direct MAP.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Frame } from "../lib/data/frame.ts";
import { DataError } from "../lib/errors.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { groupOffsets, rankMetric } from "../lib/models/gbt/ranking.ts";
import { Rng } from "../lib/util/rng.ts";
import { readFloat64 } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";

/** Query groups of 3–40 documents, integer features (so every engine's cuts agree), grades 0–3. */
function rankingData(groups: number, seed: number, graded = true) {
  const rng = new Rng(seed),
    cols: number[][] = [[], [], [], []],
    labels: number[] = [],
    qid: number[] = [];
  for (let g = 0; g < groups; g++) {
    const size = 3 + Math.floor(rng.next() * 38);
    for (let d = 0; d < size; d++) {
      const x = cols.map(() => Math.floor(rng.next() * 20));
      x.forEach((v, j) => cols[j]!.push(v));
      const z = 0.25 * x[0]! - 0.15 * x[1]! + (x[2]! > 12 ? 1.5 : 0) + rng.normal();
      labels.push(graded ? Math.max(0, Math.min(3, Math.floor(z / 1.5))) : z > 2 ? 1 : 0);
      qid.push(g);
    }
  }
  const frame = new Frame(["a", "b", "c", "d"], cols.map((c) => Float64Array.from(c)));
  return { frame, labels: Float64Array.from(labels), qid: Int32Array.from(qid) };
}

const XGB = `
import numpy as np, xgboost as xgb
X = np.array(data["X"], dtype=np.float64); y = np.array(data["y"]); q = np.array(data["q"])
d = xgb.DMatrix(X, label=y, qid=q)
res = {}
b = xgb.train({"tree_method": "hist", **data["params"]}, d, data["rounds"], evals=[(d, "train")], evals_result=res)
b.predict(d).astype("<f8").tofile(data["out"])
ours = xgb.Booster(); ours.load_model(data["model"])
ours.predict(xgb.DMatrix(X, feature_names=["a", "b", "c", "d"])).astype("<f8").tofile(data["out"] + ".ours")
out = {k: v for k, v in res["train"].items()}
`;

for (const objective of ["rank:ndcg", "rank:pairwise"] as const) {
  Deno.test(`${objective}: the trees xgboost trains on the same groups, our JSON scores identically in xgboost, ndcg@5 and map@5 as xgboost evaluates them`, async () => {
    const dir = await Deno.makeTempDir();
    const d = rankingData(60, 3);
    // map needs binary relevance: rank:pairwise trains on binary labels (with map), ndcg on grades.
    const binary = objective === "rank:pairwise";
    const metrics = binary ? ["ndcg@5", "ndcg", "map@5-"] : ["ndcg@5", "ndcg", "ndcg@3-"];
    const params = { objective, max_depth: 3, eta: 0.3, eval_metric: metrics };
    const labels = binary ? Float64Array.from(d.labels, (y) => (y > 0 ? 1 : 0)) : d.labels;
    const model = await new GradientBoosting({
      ...params,
      num_boost_round: 10,
      nthread: 1,
      seed: 1,
    }).fit(
      d.frame,
      labels,
      { groups: d.qid, evalSets: [{ name: "train", frame: d.frame, labels, groups: d.qid }] },
    );
    const modelPath = join(dir, "model.json");
    await Deno.writeTextFile(modelPath, model.serialize());
    const X = Array.from({ length: d.frame.rows }, (_, i) => d.frame.columns.map((c) => c[i]!));
    const evals = await runPython<Record<string, number[]>>(XGB, {
      X,
      y: Array.from(labels),
      q: Array.from(d.qid),
      params,
      rounds: 10,
      out: join(dir, "p"),
      model: modelPath,
    });
    const ours = model.predictProba(d.frame), theirs = await readFloat64(join(dir, "p"));
    const inXgb = await readFloat64(join(dir, "p.ours"));
    let train = 0, loaded = 0;
    for (let i = 0; i < ours.length; i++) {
      train = Math.max(train, Math.abs(ours[i]! - theirs[i]!));
      loaded = Math.max(loaded, Math.abs(ours[i]! - inXgb[i]!));
    }
    assert.ok(loaded < 1e-6, `our model in xgboost: max |Δ| = ${loaded}`);
    assert.ok(train < 1e-5, `trained here vs in xgboost: max |Δ| = ${train}`);
    const last = model.history!.at(-1)!.values;
    for (const m of metrics) {
      const mine = last[`train-${m}`]!, want = evals[m]!.at(-1)!;
      assert.ok(Math.abs(mine - want) < 1e-5, `${m}: ${mine} vs xgboost ${want}`);
    }
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("ndcg@k equals scikit-learn's ndcg_score on binary relevance without ties, map@k a direct MAP, per group averaged", async () => {
  const rng = new Rng(9), labels: number[] = [], scores: number[] = [], qid: number[] = [];
  for (let g = 0; g < 40; g++) {
    const size = 4 + Math.floor(rng.next() * 20);
    const hasOne = Math.floor(rng.next() * size);
    for (let d = 0; d < size; d++) {
      labels.push(d === hasOne || rng.next() < 0.25 ? 1 : 0);
      scores.push(rng.normal());
      qid.push(g);
    }
  }
  const offsets = groupOffsets(qid, qid.length);
  const ref = await runPython<Record<string, number>>(
    `import numpy as np
from sklearn.metrics import ndcg_score
y = np.array(data["y"]); s = np.array(data["s"]); q = np.array(data["q"])
out = {}
for k in [3, 5, 10]:
    nd, ap = [], []
    for g in np.unique(q):
        yy, ss = y[q == g], s[q == g]
        nd.append(ndcg_score([yy], [ss], k=k))
        order = np.argsort(-ss, kind="stable"); rel = yy[order]
        hits = np.cumsum(rel[:k]); prec = hits / np.arange(1, len(rel[:k]) + 1)
        ap.append(float(np.sum(prec * rel[:k]) / min(rel.sum(), k)))
    out[f"ndcg@{k}"] = float(np.mean(nd)); out[f"map@{k}"] = float(np.mean(ap))`,
    { y: labels, s: scores, q: qid },
  );
  for (const k of [3, 5, 10]) {
    for (const kind of ["ndcg", "map"] as const) {
      const mine = rankMetric({ kind, k, minus: false }, { labels, scores, offsets });
      assert.ok(
        Math.abs(mine - ref[`${kind}@${k}`]!) < 1e-12,
        `${kind}@${k}: ${mine} vs ${ref[`${kind}@${k}`]}`,
      );
    }
  }
});

Deno.test("ranking needs groups kept together, grades in range and one weight per group: one line each", async () => {
  const d = rankingData(5, 1);
  const fit = (o: Record<string, unknown>, labels: ArrayLike<number> = d.labels) =>
    new GradientBoosting({ objective: "rank:ndcg", num_boost_round: 2 }).fit(d.frame, labels, o);
  await assert.rejects(
    fit({}),
    (e) => e instanceof DataError && /rank:ndcg needs query groups/.test(e.message),
  );
  const scattered = Int32Array.from(d.qid, (g, i) => (i === d.qid.length - 1 ? 0 : g));
  await assert.rejects(
    fit({ groups: scattered }),
    /group 0 comes back at row \d+: rows of a group must be together/,
  );
  await assert.rejects(
    fit({ groups: d.qid }, Float64Array.from(d.labels, (y, i) => (i === 2 ? 2.5 : y))),
    /label 2.5 at row 2: relevance grades must be integers in \[0, 31\]/,
  );
  const weights = Float64Array.from(d.qid, (_, i) => (i === 1 ? 2 : 1));
  await assert.rejects(
    fit({ groups: d.qid, weights }),
    /row 1 weighs 2, not 1 as its group's first row/,
  );
});
