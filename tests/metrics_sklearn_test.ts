import assert from "node:assert/strict";
import { evaluateBinary } from "../lib/evaluate/binary_metrics.ts";
import { rocAuc } from "../lib/evaluate/curves.ts";
import { readiness, summarizeFolds } from "../lib/evaluate/summary.ts";
import { Rng } from "../lib/util/rng.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { runPython } from "./helpers/python.ts";

/** Seeded fixtures: continuous scores, heavily tied scores, rare positives, and perfect ranking. */
function fixtures() {
  const rng = new Rng(2024);
  const out: Array<{ name: string; y: number[]; p: number[] }> = [];
  for (
    const [name, n, rate, ties] of [
      ["continuous", 2000, 0.1, false],
      ["ties", 1500, 0.3, true],
      ["rare", 5000, 0.02, false],
      ["small", 12, 0.5, true],
    ] as const
  ) {
    const y: number[] = [], p: number[] = [];
    for (let i = 0; i < n; i++) {
      const label = rng.next() < rate ? 1 : 0;
      let s = 1 / (1 + Math.exp(-(rng.normal() + 1.5 * label - 2)));
      if (ties) s = Math.round(s * 10) / 10;
      y.push(label);
      p.push(s);
    }
    out.push({ name, y, p });
  }
  out.push({ name: "perfect", y: [0, 0, 1, 1], p: [0.1, 0.2, 0.8, 0.9] });
  return out;
}

const SKLEARN = `
import numpy as np
from sklearn import metrics as M
out = []
for f in data:
    y = np.array(f["y"]); p = np.array(f["p"], dtype=np.float64)
    pred = (p >= 0.5).astype(int)
    prec, rec, thr = M.precision_recall_curve(y, p)
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.where(prec + rec > 0, prec + rec, 1), 0)[:-1]
    k = int(np.argmax(f1[::-1])); k = len(f1) - 1 - k  # highest threshold among the maxima
    out.append(dict(
        roc_auc=M.roc_auc_score(y, p), pr_auc=M.average_precision_score(y, p),
        log_loss=M.log_loss(y, p), brier=M.brier_score_loss(y, p),
        precision=M.precision_score(y, pred, zero_division=0), recall=M.recall_score(y, pred, zero_division=0),
        f1=M.f1_score(y, pred, zero_division=0), accuracy=M.accuracy_score(y, pred),
        confusion=M.confusion_matrix(y, pred, labels=[0, 1]).ravel().tolist(),
        best_f1=float(f1[k]), best_threshold=float(thr[k])))
`;

Deno.test("metrics equal scikit-learn's on fixed fixtures (rtol 1e-12)", async () => {
  const fx = fixtures();
  const ref = await runPython<Array<Record<string, number | number[]>>>(SKLEARN, fx);
  fx.forEach((f, i) => {
    const m = evaluateBinary(f.y, f.p);
    const r = ref[i]!;
    for (
      const key of [
        "roc_auc",
        "pr_auc",
        "log_loss",
        "brier",
        "precision",
        "recall",
        "f1",
        "accuracy",
        "best_f1",
        "best_threshold",
      ] as const
    ) {
      assertClose(m[key], r[key] as number, 1e-12, 1e-15, `${f.name}.${key}`);
    }
    const c = m.confusion;
    assert.deepEqual([c.tn, c.fp, c.fn, c.tp], r.confusion, `${f.name}.confusion`);
  });
});

Deno.test("rocAuc is NaN with one class; readiness thresholds are strict at 0.8 and 0.7", () => {
  assert.ok(Number.isNaN(rocAuc([0, 0], [0.1, 0.2])));
  assert.equal(readiness(0.81), "good");
  assert.equal(readiness(0.8), "acceptable");
  assert.equal(readiness(0.7), "needs improvement");
  assert.equal(readiness(NaN), "needs improvement");
});

Deno.test("summarizeFolds gives the mean and population std of each metric", () => {
  const a = evaluateBinary([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]);
  const b = evaluateBinary([0, 1, 0, 1], [0.6, 0.4, 0.2, 0.8]);
  const s = summarizeFolds([a, b]);
  assert.equal(s.roc_auc.mean, (a.roc_auc + b.roc_auc) / 2);
  assertClose(s.roc_auc.std, Math.abs(a.roc_auc - b.roc_auc) / 2, 1e-15);
});
