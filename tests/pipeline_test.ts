import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import type { TrainingConfig } from "../lib/config/schema.ts";
import { DataError } from "../lib/errors.ts";
import { LogisticRegression } from "../lib/models/logistic_regression.ts";
import { estimatorFor, train } from "../lib/pipeline/train.ts";
import { nonLinear } from "./helpers/datasets.ts";
import { Logger } from "../lib/util/logger.ts";

function config(dir: string, extra: Record<string, unknown> = {}): TrainingConfig {
  return resolveConfig([
    fileLayer({
      data: { maxSamples: 3000 },
      mlflow: { trackingUri: join(dir, "mlruns") },
      ...extra,
    }, "test"),
  ]);
}

Deno.test("train() writes a finished run with every artifact, atomically named", async () => {
  const dir = await Deno.makeTempDir();
  const result = await train(config(dir));
  const files = [
    "model/model.json",
    "model/model.onnx",
    "feature_names.json",
    "config.json",
    "metrics.json",
    "data_quality.json",
    "reference_sample.csv",
    "logs/train.log",
  ];
  for (const f of files) assert.ok((await Deno.stat(join(result.artifactUri, f))).isFile, f);
  const meta = await Deno.readTextFile(join(result.artifactUri, "..", "meta.yaml"));
  assert.match(meta, /^status: 3$/m);
  const leftovers = [];
  for await (const e of Deno.readDir(result.artifactUri)) {
    if (e.name.endsWith(".tmp")) leftovers.push(e.name);
  }
  assert.deepEqual(leftovers, []);
  const metrics = JSON.parse(await Deno.readTextFile(join(result.artifactUri, "metrics.json")));
  assert.equal(metrics.test.roc_auc, result.test.roc_auc);
  assert.equal(metrics.cv.folds.length, 5);
  const sample = (await Deno.readTextFile(join(result.artifactUri, "reference_sample.csv"))).trim()
    .split("\n");
  assert.equal(sample.length, result.rows.test + 1);
  assert.ok(sample[0]!.startsWith("entity_id,feature_timestamp,txn_count_5m"));
  assert.ok(sample[0]!.endsWith(",label,prediction"));
  assert.ok(result.test.roc_auc > 0.8, `test AUC ${result.test.roc_auc}`);
  assert.equal(result.readiness, "good");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the same seed gives the same model bytes; another seed gives another model", async () => {
  const dir = await Deno.makeTempDir();
  const read = async (seed: number) => {
    const r = await train(config(dir, { seed }));
    return await Deno.readTextFile(join(r.artifactUri, "model/model.json"));
  };
  const a = await read(5), b = await read(5), c = await read(6);
  assert.equal(a, b);
  assert.notEqual(a, c);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the configured seed reaches the model: on the same data two seeds give two forests, one seed the same bytes", async () => {
  const d = nonLinear(2000, 8, 3, 0.05);
  const labels = Uint8Array.from(d.labels);
  const fit = async (seed: number) => {
    const c = resolveConfig([fileLayer({
      seed,
      model: { type: "random_forest", params: { num_parallel_tree: 8, nthread: 1 } },
    }, "test")]);
    return (await estimatorFor(c).fit(d.frame, labels)).serialize();
  };
  const a = await fit(11), b = await fit(11), c = await fit(12);
  assert.equal(a, b, "same seed, same bytes");
  assert.notEqual(a, c, "another seed, another forest");
  // An explicit model seed wins over the run's.
  const own = resolveConfig([fileLayer({ seed: 12, model: { params: { seed: 3 } } }, "test")]);
  assert.equal(estimatorFor(own).params.seed, 3);
});

Deno.test("train() fits the model with the run's seed (recorded as model.params.seed)", async () => {
  const dir = await Deno.makeTempDir();
  const r = await train(config(dir, { seed: 7, data: { maxSamples: 1500, cvFolds: 0 } }));
  const recorded = await Deno.readTextFile(
    join(r.artifactUri, "..", "params", "model.params.seed"),
  );
  assert.equal(recorded, "7");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run that fails after it started is marked FAILED and holds no model", async () => {
  const dir = await Deno.makeTempDir();
  const base = new LogisticRegression();
  let fits = 0;
  const failing = {
    type: "logistic_regression",
    params: base.params,
    fit(...args: Parameters<LogisticRegression["fit"]>) {
      if (++fits > 5) throw new Error("disk on fire");
      return base.fit(...args);
    },
  };
  await assert.rejects(train(config(dir), { estimator: failing }), /disk on fire/);
  const root = join(dir, "mlruns");
  const runs: string[] = [];
  for await (const exp of Deno.readDir(root)) {
    if (exp.name === "0" || !exp.isDirectory) continue;
    for await (const run of Deno.readDir(join(root, exp.name))) {
      if (run.isDirectory) runs.push(join(root, exp.name, run.name));
    }
  }
  assert.equal(runs.length, 1);
  assert.match(await Deno.readTextFile(join(runs[0]!, "meta.yaml")), /^status: 4$/m);
  await assert.rejects(
    Deno.stat(join(runs[0]!, "artifacts/model/model.json")),
    Deno.errors.NotFound,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("missing values: 'drop' removes incomplete rows, 'error' stops before any run is written", async () => {
  const dir = await Deno.makeTempDir();
  const dropped = await train(config(dir, { data: { maxSamples: 3000, missing: "drop" } }));
  assert.ok(dropped.rows.dropped > 0);
  assert.equal(dropped.rows.total + dropped.rows.dropped, 3000);
  const dir2 = await Deno.makeTempDir();
  await assert.rejects(
    train(config(dir2, { data: { maxSamples: 3000, missing: "error" } })),
    (e) =>
      e instanceof DataError &&
      /rows have missing values, in time_since_last_txn_min/.test(e.message),
  );
  await assert.rejects(Deno.stat(join(dir2, "mlruns")), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(dir2, { recursive: true });
});

Deno.test("too few fraud rows for the folds is a DataError raised before any run is written", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    train(config(dir, { data: { maxSamples: 200, positiveRate: 0.01, cvFolds: 5 } })),
    (e) => e instanceof DataError && /too few rows per fold/.test(e.message),
  );
  await assert.rejects(Deno.stat(join(dir, "mlruns")), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the log goes to the given sinks and to the run's log file, in json when asked", async () => {
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const log = new Logger({ format: "json" });
  log.addSink((l) => lines.push(l));
  const r = await train(config(dir), { log });
  const parsed = lines.map((l) => JSON.parse(l));
  assert.ok(parsed.some((p) => p.message === "run finished" && p.run_id === r.runId));
  const file = await Deno.readTextFile(join(r.artifactUri, "logs/train.log"));
  assert.ok(
    file.includes('"message":"loading features"'),
    "lines before the run started are in the file too",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every model type trains through the pipeline; early stopping watches a validation carve-out", async () => {
  const dir = await Deno.makeTempDir();
  for (const type of ["lightgbm", "random_forest", "logistic_regression"]) {
    const r = await train(config(dir, { model: { type, params: {} } }));
    assert.equal(r.model.type, type);
    assert.ok(r.test.roc_auc > 0.8, `${type}: test AUC ${r.test.roc_auc}`);
  }
  const es = await train(
    config(dir, {
      model: {
        type: "xgboost",
        params: { early_stopping_rounds: 5, eta: 0.5, num_boost_round: 500 },
      },
    }),
  );
  const rounds = es.history.length;
  assert.ok(rounds < 500, `stopped after ${rounds} rounds`);
  assert.ok("valid-logloss" in es.history[0]!.values && "train-logloss" in es.history[0]!.values);
  const saved = JSON.parse(await Deno.readTextFile(join(es.artifactUri, "model/model.json")));
  assert.equal(saved.learner.attributes.best_iteration, String(rounds - 6));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a logger reused for two runs writes each run's lines into that run's log file only", async () => {
  const dir = await Deno.makeTempDir();
  const log = new Logger();
  const seen: string[] = [];
  log.addSink((line) => seen.push(line));
  const small = { data: { maxSamples: 1000, cvFolds: 0 } };
  const a = await train(config(dir, small), { log });
  const b = await train(config(dir, { ...small, seed: 9 }), { log });
  const fileA = await Deno.readTextFile(join(a.artifactUri, "logs/train.log"));
  const fileB = await Deno.readTextFile(join(b.artifactUri, "logs/train.log"));
  assert.ok(fileA.includes(a.runId) && !fileA.includes(b.runId), "run A's file holds A only");
  assert.ok(fileB.includes(b.runId) && !fileB.includes(a.runId), "run B's file holds B only");
  assert.equal(fileB.split("\n").filter((l) => l.includes("loading features")).length, 1);
  assert.ok(seen.some((l) => l.includes(a.runId)) && seen.some((l) => l.includes(b.runId)));
  await Deno.remove(dir, { recursive: true });
});
