/**
 * Hyperparameter tuning: the search space and samplers, successive halving's bookkeeping, and
 * `train --tune` end to end — deterministic for a seed, never below the configured parameters'
 * CV score, every configuration a nested run of the training run (read back by MLflow's client).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig, type TrainingConfig } from "../lib/config/schema.ts";
import { takeValues } from "../lib/data/frame.ts";
import { stratifiedKFold, stratifiedSplit } from "../lib/data/split.ts";
import { ConfigError } from "../lib/errors.ts";
import { loadLabeledData } from "../lib/pipeline/load_features.ts";
import { tuneParams } from "../lib/pipeline/tune.ts";
import { sampleAround, sampleConfigurations, searchSpace } from "../lib/tune/search_space.ts";
import { rungBudgets, successiveHalving } from "../lib/tune/successive_halving.ts";
import { Logger } from "../lib/util/logger.ts";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

Deno.test("search spaces: seeded samples stay in range (ints, logs), overrides replace, bad ranges are config lines", () => {
  const space = searchSpace("xgboost", { max_depth: { low: 2, high: 4, int: true } });
  const a = sampleConfigurations(space, 200, 7), b = sampleConfigurations(space, 200, 7);
  assert.deepEqual(a, b, "same seed, same configurations");
  assert.notDeepEqual(a, sampleConfigurations(space, 200, 8));
  for (const c of a) {
    assert.ok(
      Number.isInteger(c.max_depth) && (c.max_depth as number) >= 2 && (c.max_depth as number) <= 4,
    );
    assert.ok((c.eta as number) >= 0.02 && (c.eta as number) <= 0.3);
  }
  const logs = a.map((c) => Math.log(c.lambda as number));
  const mid = (Math.log(1e-3) + Math.log(10)) / 2;
  assert.ok(Math.abs(logs.reduce((s, v) => s + v, 0) / logs.length - mid) < 0.7, "log-uniform");
  for (const c of sampleAround(space, a[0]!, { n: 50, seed: 1, scale: 0.1 })) {
    assert.ok((c.subsample as number) >= 0.5 && (c.subsample as number) <= 1);
  }
  assert.throws(() => searchSpace("xgboost", { eta: { low: 1, high: 0.1 } }), ConfigError);
  assert.throws(() => searchSpace("nope"), ConfigError);
});

Deno.test("successive halving keeps the best 1/eta per rung, evaluates survivors at growing budgets, and honours a time budget", async () => {
  const seen: Array<[number, number]> = [];
  const out = await successiveHalving({
    configs: [0.1, 0.9, 0.5, 0.7, 0.3, 0.8, 0.2, 0.6, 0.4],
    budgets: rungBudgets(11, 100, 3),
    eta: 3,
    evaluate: (c: number, budget: number) => {
      seen.push([c, budget]);
      return Promise.resolve(c + budget / 1000);
    },
  });
  assert.deepEqual(rungBudgets(11, 100, 3), [11, 33, 100]);
  assert.equal(out.best.config, 0.9);
  assert.deepEqual(seen.filter(([, b]) => b === 33).map(([c]) => c), [0.9, 0.8, 0.7]);
  assert.deepEqual(seen.filter(([, b]) => b === 100).map(([c]) => c), [0.9]);
  let calls = 0;
  const timed = await successiveHalving({
    configs: [1, 2, 3, 4, 5, 6],
    budgets: [1, 3],
    eta: 3,
    timeBudgetSeconds: 0.05,
    evaluate: async (c: number) => {
      calls++;
      await new Promise((r) => setTimeout(r, 30));
      return c;
    },
  });
  assert.equal(timed.timedOut, true);
  assert.ok(calls < 6, `${calls} evaluations`);
});

function smallConfig(): TrainingConfig {
  const c = defaultConfig();
  return {
    ...c,
    data: { ...c.data, maxSamples: 4000, cvFolds: 3 },
    tune: { ...c.tune, enabled: true, trials: 6 },
  };
}

Deno.test("tuning is deterministic for a seed and never below the configured parameters' CV PR AUC", async () => {
  const config = smallConfig();
  const data = await loadLabeledData(config);
  const split = stratifiedSplit(data.labels, 0.2, config.seed);
  const train = {
    frame: data.features.frame.take(split.train),
    labels: takeValues(data.labels, split.train),
  };
  const folds = stratifiedKFold(train.labels, 3, config.seed);
  const run = () => tuneParams({ config, train, folds, log: new Logger() });
  const [a, b] = [await run(), await run()];
  assert.deepEqual(a.params, b.params);
  assert.equal(a.bestScore, b.bestScore);
  assert.ok(a.bestScore >= a.defaultScore, `${a.bestScore} < ${a.defaultScore}`);
  assert.equal(a.params.num_boost_round, 100, "the final fit gets the full budget");
  assert.equal(a.params.early_stopping_rounds, 20);
  assert.deepEqual(a.budgets, [33, 100]);
});

Deno.test("train --tune: every configuration is a nested run of the training run, the best parameters are the model's", async () => {
  const dir = await Deno.makeTempDir();
  const r = await runTask("train", [
    "--max-samples",
    "3000",
    "--cv-folds",
    "2",
    "--tune",
    "--tune-trials",
    "4",
  ], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /tune rung 1\/2 budget=33 best=[\d.]+ kept=2/);
  const runId = /^Run (\w{32}) /m.exec(r.stdout)![1]!;
  const got = await runPython<
    { children: number; params: Record<string, string>; tuning: { budgets: number[] } }
  >(
    `import json, mlflow
from mlflow.tracking import MlflowClient
c = MlflowClient(tracking_uri=data["uri"])
run = c.get_run(data["run_id"])
kids = c.search_runs([run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{data['run_id']}'")
tuning = json.load(open(mlflow.artifacts.download_artifacts(run_id=data["run_id"], artifact_path="tuning.json", tracking_uri=data["uri"])))
out = dict(children=len(kids), params=run.data.params, tuning=tuning)`,
    { uri: `sqlite:///${join(dir, "mlflow.db")}`, run_id: runId },
  );
  assert.equal(got.children, 4 + 2, "4 configurations and 2 refinements");
  assert.deepEqual(got.tuning.budgets, [33, 100]);
  assert.equal(got.params["model.params.num_boost_round"], "100");
  assert.ok("model.params.eta" in got.params || "model.params.max_depth" in got.params);
  const noFolds = await runTask("train", ["--cv-folds", "0", "--tune"], { cwd: dir });
  assert.equal(noFolds.code, 2);
  assert.match(
    noFolds.stderr,
    /train: --tune: needs CV folds to score configurations \(--cv-folds ≥ 2\)/,
  );
  await Deno.remove(dir, { recursive: true });
});
