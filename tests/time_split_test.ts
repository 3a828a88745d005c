import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { train } from "../lib/pipeline/train.ts";
import { timeSeriesFolds, timeSplit } from "../lib/data/time_split.ts";
import { DataError } from "../lib/errors.ts";
import { Rng } from "../lib/util/rng.ts";
import { runPython } from "./helpers/python.ts";

Deno.test("forward-chaining folds equal scikit-learn's TimeSeriesSplit on the same ordering", async () => {
  const cases = [[100, 5], [103, 3], [57, 4], [12, 2], [1000, 10]] as const;
  const ref = await runPython<Array<Array<[number[], number[]]>>>(
    `from sklearn.model_selection import TimeSeriesSplit
import numpy as np
out = [[(tr.tolist(), te.tolist()) for tr, te in TimeSeriesSplit(n_splits=k).split(np.zeros(n))]
       for n, k in data]`,
    cases,
  );
  cases.forEach(([n, k], c) => {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const folds = timeSeriesFolds(labels, k);
    assert.deepEqual(
      folds.map((f) => [Array.from(f.train), Array.from(f.test)]),
      ref[c],
      `n=${n}, k=${k}`,
    );
  });
});

Deno.test("the time split tests on the latest rows: no test row is earlier than any training row", () => {
  const rng = new Rng(5);
  const n = 997;
  // Times with many ties (whole hours), in no particular row order.
  const ts = Float64Array.from({ length: n }, () => Date.UTC(2024, 0, 1) + rng.int(500) * 3.6e6);
  const labels = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
  const { train, test } = timeSplit(labels, ts, 0.2);
  assert.equal(test.length, Math.round(0.2 * n));
  assert.equal(train.length + test.length, n);
  assert.deepEqual([...new Set([...train, ...test])].length, n);
  const latestTrain = Math.max(...Array.from(train, (i) => ts[i]!));
  const earliestTest = Math.min(...Array.from(test, (i) => ts[i]!));
  assert.ok(latestTrain <= earliestTest, `${latestTrain} > ${earliestTest}`);
  // Training rows are listed in time order, so forward-chaining folds over them look only back.
  for (let k = 1; k < train.length; k++) assert.ok(ts[train[k - 1]!]! <= ts[train[k]!]!);
});

Deno.test("the time split refuses rows without a timestamp and a part with one class, by name", () => {
  const ts = Float64Array.from({ length: 10 }, (_, i) => i);
  assert.throws(
    () => timeSplit(new Uint8Array(10).fill(1).map((_, i) => (i < 5 ? 1 : 0)), ts, 0.2),
    (e: Error) => e instanceof DataError && /test part \(2 rows\) has only class 0/.test(e.message),
  );
  ts[3] = NaN;
  assert.throws(
    () => timeSplit(Uint8Array.from({ length: 10 }, (_, i) => i % 2), ts, 0.2),
    /needs a timestamp on every row; 1 of 10 have none/,
  );
  assert.throws(
    () => timeSeriesFolds(Uint8Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : 1)), 3),
    /forward-chaining fold 1 has only class 0 in its training rows/,
  );
});

Deno.test("train with split time records each part's time range; folds only look back; the test part is the latest", async () => {
  const dir = await Deno.makeTempDir();
  const config = resolveConfig([fileLayer({
    data: { maxSamples: 3000, split: "time", cvFolds: 3 },
    mlflow: { trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
  }, "test")]);
  const result = await train(config);
  const r = result.timeRanges!;
  assert.ok(r.train.to <= r.test.from, `${r.train.to} > ${r.test.from}`);
  assert.equal(r.test.rows, 600);
  assert.equal(r.folds.length, 3);
  for (const f of r.folds) assert.ok(f.train.to <= f.test.from);
  assert.ok(r.folds[0]!.train.rows < r.folds[2]!.train.rows, "expanding window");
  const ts = result.data.features.timestamps;
  const latestTrain = Math.max(
    ...Array.from(ts).filter((_, i) => !result.testIndices.includes(i)),
  );
  for (const i of result.testIndices) assert.ok(ts[i]! >= latestTrain);
  const metrics = JSON.parse(await Deno.readTextFile(join(result.artifactUri, "metrics.json")));
  assert.deepEqual(metrics.time_ranges, JSON.parse(JSON.stringify(r)));
  await Deno.remove(dir, { recursive: true });
});
