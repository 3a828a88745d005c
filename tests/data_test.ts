import assert from "node:assert/strict";
import { frameColumns, toCsv } from "../lib/data/csv.ts";
import { Frame } from "../lib/data/frame.ts";
import { applyImputer, completeRows, fitImputer } from "../lib/data/impute.ts";
import { qualityReport } from "../lib/data/quality.ts";
import { stratifiedKFold, stratifiedSplit } from "../lib/data/split.ts";
import { DataError } from "../lib/errors.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { Rng } from "../lib/util/rng.ts";

function labelsWith(n: number, positives: number, seed = 1): Uint8Array {
  const y = new Uint8Array(n);
  y.fill(1, 0, positives);
  return new Rng(seed).shuffle(y);
}

Deno.test("stratifiedSplit keeps each class's share in train and test, seeded", () => {
  const y = labelsWith(10_000, 200);
  const { train, test } = stratifiedSplit(y, 0.2, 42);
  assert.equal(train.length + test.length, 10_000);
  assert.equal(new Set([...train, ...test]).size, 10_000);
  const pos = (idx: Int32Array) => idx.reduce((a, i) => a + y[i]!, 0);
  assert.equal(pos(test), 40);
  assert.equal(pos(train), 160);
  assert.equal(test.length, 2000);
  assert.deepEqual(stratifiedSplit(y, 0.2, 42).test, test);
  assert.notDeepEqual(stratifiedSplit(y, 0.2, 43).test, test);
});

Deno.test("stratifiedKFold partitions every row into exactly one fold with balanced classes", () => {
  const y = labelsWith(1003, 57);
  const folds = stratifiedKFold(y, 5, 7);
  const seen = new Uint8Array(y.length);
  for (const { train, test } of folds) {
    assert.equal(train.length + test.length, y.length);
    for (const i of test) seen[i]!++;
    const pos = test.reduce((a, i) => a + y[i]!, 0);
    assert.ok(pos === 11 || pos === 12, `fold positives ${pos}`);
    assert.ok(test.length === 200 || test.length === 201, `fold size ${test.length}`);
  }
  assert.ok(seen.every((s) => s === 1));
});

Deno.test("empty data, one class, and too few rows per fold are DataErrors with counts", () => {
  assert.throws(
    () => stratifiedSplit(new Uint8Array(0), 0.2, 1),
    (e) => e instanceof DataError && /empty/.test(e.message),
  );
  assert.throws(
    () => stratifiedSplit(new Uint8Array(50), 0.2, 1),
    (e) => e instanceof DataError && /only one class \(0\) in 50 rows/.test(e.message),
  );
  assert.throws(
    () => stratifiedKFold(labelsWith(100, 3), 5, 1),
    (e) =>
      e instanceof DataError && /class 1 has 3 row\(s\), fewer than the 5 folds/.test(e.message),
  );
});

Deno.test("qualityReport counts missing, non-numeric, out-of-range and constant features", () => {
  const frame = new Frame(["geo_diversity_score", "hour_of_day", "is_weekend"], [
    Float64Array.of(0.2, NaN, 1.5, -0.1),
    Float64Array.of(3, 3, 3, 3),
    Float64Array.of(0, 1, NaN, NaN),
  ]);
  const q = qualityReport(frame, TRANSACTION_VIEW.features, { is_weekend: 1 });
  const [geo, hour, weekend] = q.features;
  assert.deepEqual([geo!.missing, geo!.outOfRange, geo!.constant], [1, 2, false]);
  assert.deepEqual([hour!.missing, hour!.outOfRange, hour!.constant, hour!.mean], [0, 0, true, 3]);
  assert.deepEqual([weekend!.missing, weekend!.nonNumeric], [2, 1]);
  assert.equal(q.rowsWithMissing, 3);
});

Deno.test("imputation fills from training statistics only; complete rows are found", () => {
  const train = new Frame(["a"], [Float64Array.of(1, 2, NaN, 10)]);
  const median = fitImputer(train, "median");
  assert.deepEqual(Array.from(median.values), [2]);
  assert.deepEqual(Array.from(fitImputer(train, "mean").values), [13 / 3]);
  assert.deepEqual(Array.from(fitImputer(train, "zero").values), [0]);
  const test = new Frame(["a"], [Float64Array.of(NaN, 5)]);
  assert.deepEqual(Array.from(applyImputer(median, test).column("a")), [2, 5]);
  assert.deepEqual(Array.from(completeRows(train)), [0, 1, 3]);
});

Deno.test("toCsv writes missing values as empty cells and quotes text", () => {
  const frame = new Frame(["x"], [Float64Array.of(1.5, NaN)]);
  const csv = toCsv([["id", ["a,b", "c"]], ...frameColumns(frame), ["label", [1, 0]]]);
  assert.equal(csv, 'id,x,label\n"a,b",1.5,1\nc,,0\n');
  assert.equal(toCsv([['say "hi"', [null, "a\nb"]]]), '"say ""hi"""\n\n"a\nb"\n');
});

Deno.test("tableBytes writes a missing number as a Parquet null (read back as missing), never as 0", async () => {
  const { tableBytes } = await import("../lib/data/table_bytes.ts");
  const { readTable } = await import("../lib/data/read_table.ts");
  const dir = await Deno.makeTempDir();
  const path = `${dir}/t.parquet`;
  await Deno.writeFile(
    path,
    tableBytes(path, [["a", Float64Array.of(1, NaN, 3)], ["b", [null, null, 2]], ["t", [
      "x",
      null,
      "z",
    ]]]),
  );
  const t = await readTable(path);
  assert.deepEqual(Array.from(t.columns[0]!), [1, NaN, 3]);
  assert.deepEqual(Array.from(t.columns[1]!), [NaN, NaN, 2]);
  assert.deepEqual(Array.from(t.columns[2]!), ["x", null, "z"]);
  await Deno.remove(dir, { recursive: true });
});
