/**
 * Feature selection inside the training part (`--select-features`, `model.featureSelection`): on
 * data with known informative and pure-noise features it keeps the informative ones and drops the
 * noise (by mean |SHAP| and by permutation), the final model trains on the kept list (logged and
 * recorded), and the test score is not worse than with every feature beyond noise.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { config } from "../lib/config/load.ts";
import { train } from "../lib/pipeline/train.ts";
import { Rng } from "../lib/util/rng.ts";
import { runTask } from "./helpers/tasks.ts";

const INFORMATIVE = ["amount", "velocity", "distance", "age"];
const NOISE = ["n1", "n2", "n3", "n4", "n5", "n6"];

/** A CSV whose label depends on four features only; six more are pure noise. */
function csv(rows: number, seed: number): string {
  const rng = new Rng(seed), names = [...INFORMATIVE, ...NOISE];
  const lines = [[...names, "y"].join(",")];
  for (let i = 0; i < rows; i++) {
    const x = names.map(() => Math.round(rng.normal() * 1000) / 1000);
    const z = 1.2 * x[0]! + 0.9 * x[1]! ** 2 - 1 + (x[2]! > 0.5 ? 1 : 0) - 0.8 * x[3]!;
    lines.push([...x, rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0].join(","));
  }
  return lines.join("\n") + "\n";
}

Deno.test("--select-features keeps the informative features and drops the noise, by SHAP and by permutation, with a test score as good", async () => {
  const dir = await Deno.makeTempDir(), path = join(dir, "signal.csv");
  await Deno.writeTextFile(path, csv(4000, 17));
  const settings = (featureSelection?: { keep: number; importance: "shap" | "permutation" }) =>
    config({
      data: { source: "file", file: { path, label: "y" }, cvFolds: 3 },
      model: {
        type: "xgboost",
        params: { num_boost_round: 40, max_depth: 4 },
        ...(featureSelection ? { featureSelection } : {}),
      },
      mlflow: { trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
    }, { env: {} });
  const all = await train(settings());
  for (const importance of ["shap", "permutation"] as const) {
    const picked = await train(settings({ keep: 4, importance }));
    assert.deepEqual(
      [...picked.featureSelection!.kept].sort(),
      [...INFORMATIVE].sort(),
      importance,
    );
    assert.deepEqual(
      [...picked.model.featureNames].sort(),
      [...INFORMATIVE].sort(),
      "the final model",
    );
    assert.ok(
      picked.test.roc_auc >= all.test.roc_auc - 0.005,
      `${importance}: test ROC AUC ${picked.test.roc_auc} vs ${all.test.roc_auc} with every feature`,
    );
    const recorded = JSON.parse(
      await Deno.readTextFile(join(picked.artifactUri, "feature_selection.json")),
    );
    assert.deepEqual(recorded.kept, picked.featureSelection!.kept);
  }
  const byShare = await train(settings({ keep: 0.05, importance: "shap" }));
  for (const f of INFORMATIVE) {
    assert.ok(byShare.featureSelection!.kept.includes(f), `share keeps ${f}`);
  }
  assert.ok(
    byShare.featureSelection!.dropped.length >= 4,
    `share drops noise: ${byShare.featureSelection!.dropped}`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the task takes --select-features and refuses a count that is not whole with one line", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "s.csv"), csv(600, 3));
  const base = ["--source", "file", "--input", "s.csv", "--label", "y", "--cv-folds", "0"];
  const ok = await runTask("train", [...base, "--select-features", "3"], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /features selected .*kept=/);
  const bad = await runTask("train", [...base, "--select-features", "2.5"], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /featureSelection\.keep: must be a share in \(0, 1\) or a whole number of features ≥ 1, got 2\.5 \(from --select-features\)/,
  );
  await Deno.remove(dir, { recursive: true });
});
