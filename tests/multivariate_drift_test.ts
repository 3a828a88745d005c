/**
 * Chunked drift beyond NannyML parity: the chunkers' cuts, a broken correlation that only the
 * multivariate measure sees, and the one-line refusals of the chunked measures.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { chunkRows } from "../lib/drift/chunks.ts";
import { estimatePerformance } from "../lib/drift/cbpe.ts";
import { DataError } from "../lib/errors.ts";
import { driftBetween } from "../lib/pipeline/drift_files.ts";
import type { FeatureColumn } from "../lib/drift/data_drift.ts";
import { domainClassifierDrift } from "../lib/drift/domain_classifier.ts";
import { chunkTrigger } from "../lib/monitor/triggers.ts";
import { Rng } from "../lib/util/rng.ts";

const DAY = 86_400_000;

Deno.test("chunks: by size keeps a short last chunk, by count divides, by week runs Monday to Sunday", () => {
  assert.deepEqual(chunkRows(11, { size: 4 }).map((c) => [c.key, c.rows.length]), [
    ["[0:3]", 4],
    ["[4:7]", 4],
    ["[8:10]", 3],
  ]);
  assert.deepEqual(chunkRows(23, { count: 4 }).map((c) => c.rows.length), [5, 5, 5, 5, 3]);
  // Rows out of time order are put in order; ties keep their row order.
  const times = [
    Date.UTC(2024, 0, 8),
    Date.UTC(2024, 0, 7, 23),
    Date.UTC(2024, 0, 1),
    Date.UTC(2024, 0, 8),
  ];
  const weeks = chunkRows(4, { period: "week" }, times);
  assert.deepEqual(weeks.map((c) => [c.key, Array.from(c.rows)]), [
    ["2024-01-01/2024-01-07", [2, 1]],
    ["2024-01-08/2024-01-14", [0, 3]],
  ]);
  assert.equal(weeks[0]!.start, Date.UTC(2024, 0, 1));
  assert.equal(weeks[0]!.end, Date.UTC(2024, 0, 8) - 1);
  const days = chunkRows(4, { period: "day" }, times.map((t) => t + 0.5 * DAY));
  assert.deepEqual(days.map((c) => [c.key, Array.from(c.rows)]), [
    ["2024-01-01", [2]],
    ["2024-01-08", [1, 0, 3]],
  ]);
  assert.throws(() => chunkRows(4, { period: "day" }), DataError);
  assert.throws(() => chunkRows(4, { size: 0 }), /drift\.chunkSize must be a whole number/);
  assert.throws(() => chunkRows(4, { size: 2 }, [1, NaN, 2, 3]), /1 have none/);
});

/** Two features, b following a or against it; each marginal the same either way. */
function correlated(rows: number, sign: number, seed: number): Frame {
  const rng = new Rng(seed);
  const a = Float64Array.from({ length: rows }, () => rng.normal());
  const b = a.map((v) => sign * v + 0.3 * rng.normal());
  const c = Float64Array.from({ length: rows }, () => rng.normal());
  return new Frame(["a", "b", "c"], [a, b, c]);
}

Deno.test("a broken correlation: univariate tests stay quiet, the reconstruction error alarms", () => {
  const reference = correlated(4000, 1, 1), current = correlated(4000, -1, 2);
  const report = driftBetween(reference, current, { chunking: { size: 500 } });
  assert.equal(report.data.dataset.drifted, false);
  assert.equal(report.data.features.filter((f) => f.drifted).length, 0);
  const error = report.chunks!.measures.find((m) => m.measure === "reconstruction_error")!;
  assert.equal(error.alerts, 8, "every current chunk leaves the band");
  const width = error.band.upper! - error.band.lower!;
  assert.ok(error.overall.value > error.band.upper! + 2 * width, `${error.overall.value}`);
  assert.deepEqual(report.alarms.map((a) => a.trigger), ["multivariate"]);
  const share = report.chunks!.measures.find((m) => m.measure === "drifted_share")!;
  assert.equal(share.alerts, 0, "no chunk's univariate tests see it either");
  assert.equal(share.chunks.length, 8);
  // The same relation on fresh rows: no alarm.
  const same = driftBetween(reference, correlated(4000, 1, 3), { chunking: { size: 500 } });
  assert.deepEqual(same.alarms, []);
});

Deno.test("performance estimation refuses what it cannot read, in one line each", () => {
  const scored = { scores: [0.2, 0.8, 0.6], predictions: [0, 1, 1] };
  const by = { by: { size: 2 } };
  assert.throws(() => estimatePerformance(scored, scored, by), /needs labels in the reference/);
  assert.throws(
    () => estimatePerformance({ ...scored, labels: [0, NaN, 1] }, scored, by),
    /1 have no label and 0 no score/,
  );
  assert.throws(
    () => estimatePerformance({ ...scored, labels: [1, 1, 1] }, scored, by),
    /both classes/,
  );
  assert.throws(
    () => estimatePerformance({ ...scored, labels: [0, 2, 1] }, scored, by),
    /must be 0\/1, found 2 in data row 2/,
  );
});

Deno.test("the monitor's chunk triggers read the latest chunk against the reference band", () => {
  const reference = correlated(3000, 1, 1);
  const later = correlated(3000, 1, 4), broken = correlated(1000, -1, 5);
  // The correlation breaks in the last third of the current rows: only the latest chunks alert.
  const current = new Frame(
    ["a", "b", "c"],
    ["a", "b", "c"].map((n) => Float64Array.from([...later.column(n), ...broken.column(n)])),
  );
  const report = driftBetween(reference, current, { chunking: { size: 500 } });
  const error = report.chunks!.measures.find((m) => m.measure === "reconstruction_error")!;
  assert.deepEqual(error.chunks.map((c) => c.alert), [
    false,
    false,
    false,
    false,
    false,
    false,
    true,
    true,
  ]);
  const fired = chunkTrigger("multivariate", error);
  assert.equal(fired.fired, true);
  assert.equal(fired.value, error.chunks.at(-1)!.value);
  assert.equal(fired.threshold, error.band.upper);
  assert.match(
    fired.detail,
    /latest chunk \[3500:3999\] .* above the reference band .*; 2 of 8 chunk\(s\) outside/,
  );
  const quiet = chunkTrigger("multivariate", { ...error, chunks: error.chunks.slice(0, 6) });
  assert.equal(quiet.fired, false);
  assert.deepEqual(report.chunks!.warnings, [], "6 reference chunks make a band");
  const few = driftBetween(reference, current, { chunking: { size: 1000 } });
  assert.match(few.chunks!.warnings[0]!, /from 3 reference chunk\(s\), fewer than 6/);
});

Deno.test("the domain classifier tells a broken correlation apart, and not fresh rows of the same relation", async () => {
  const reference = correlated(3000, 1, 1);
  const columns = (f: Frame): FeatureColumn[] =>
    f.names.map((name) => ({ name, kind: "continuous", values: f.column(name) }));
  const by = { by: { size: 500 }, seed: 7 };
  const broken = await domainClassifierDrift(
    { columns: columns(reference) },
    { columns: columns(correlated(1000, -1, 2)) },
    by,
  );
  assert.equal(broken.alerts, 2);
  assert.ok(broken.chunks.every((c) => c.value > 0.9), JSON.stringify(broken.chunks));
  const same = await domainClassifierDrift(
    { columns: columns(reference) },
    { columns: columns(correlated(1000, 1, 3)) },
    by,
  );
  assert.equal(same.alerts, 0, JSON.stringify(same.chunks.map((c) => c.value)));
});

Deno.test("chunked measures at their edges: an improvement does not fire, a short tail is not acted on, one feature has no reconstruction, a tiny chunk no domain score", async () => {
  const value = (v: number, rows = 100) => ({
    key: `k${v}`,
    rows,
    value: v,
    samplingError: 0.01,
    lowerBound: v,
    upperBound: v,
    alert: true,
  });
  const auc = {
    measure: "estimated_roc_auc",
    band: { lower: 0.8, upper: 0.9 },
    reference: [],
    chunks: [value(0.95)],
    overall: value(0.95),
    alerts: 1,
  };
  assert.equal(chunkTrigger("estimated_performance", auc).fired, false, "better is not a trigger");
  const tail = { ...auc, chunks: [value(0.85), value(0.5, 3)] };
  assert.equal(
    chunkTrigger("estimated_performance", tail).value,
    0.85,
    "3 rows are not the latest",
  );
  assert.equal(chunkTrigger("estimated_performance", { ...auc, chunks: [value(0.7)] }).fired, true);

  const one = (seed: number) => correlated(600, 1, seed);
  const single = (f: Frame) => new Frame(["a"], [f.column("a")]);
  const report = driftBetween(single(one(1)), single(one(2)), { chunking: { size: 100 } });
  assert.deepEqual(report.chunks!.measures.map((m) => m.measure), ["drifted_share"]);
  assert.match(
    report.chunks!.warnings.join(),
    /multivariate drift not measured: the PCA keeps every component/,
  );

  const columns = (f: Frame): FeatureColumn[] =>
    f.names.map((name) => ({ name, kind: "continuous", values: f.column(name) }));
  const domain = await domainClassifierDrift(
    { columns: columns(one(1)) },
    { columns: columns(correlated(203, 1, 3)) },
    { by: { size: 100 }, seed: 7 },
  );
  assert.deepEqual(domain.chunks.map((c) => c.key), ["[0:99]", "[100:199]", "[200:202]"]);
  assert.ok(Number.isNaN(domain.chunks[2]!.value) && !domain.chunks[2]!.alert);
});
