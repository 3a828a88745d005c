/**
 * The hidden-label scenario: labels withheld (younger than `monitor.labelMaturityDays`), then
 * released. A champion (logistic regression, calibrated on its own data) meets current rows
 * pushed towards its decision boundary, where it ranks worse. Before any label counts, the
 * monitor's estimated ROC AUC (CBPE) leaves the reference band and fires; the realized
 * performance is not measured. Once the labels are released, the realized ROC AUC of the chunks
 * lies within the estimate's ± 3 sampling-error bounds (the band the report states; one chunk of
 * twelve may fall just outside by chance), on the shifted rows and on rows of the unshifted stream
 * alike.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { toCsv } from "../lib/data/csv.ts";
import { Rng } from "../lib/util/rng.ts";
import { runTask } from "./helpers/tasks.ts";

const DAY = 86_400_000;

/** Rows of P(y = 1 | x) = σ(2.5 x1 + 1.5 x2 − 2), x1 ~ N(mean, sd), stamped `daysAgo`. */
async function labeledFile(
  dir: string,
  name: string,
  o: { rows: number; seed: number; mean: number; sd: number; daysAgo: number },
): Promise<void> {
  const rng = new Rng(o.seed);
  const x1 = Float64Array.from({ length: o.rows }, () => o.mean + o.sd * rng.normal());
  const x2 = Float64Array.from({ length: o.rows }, () => o.sd * rng.normal());
  const x3 = Float64Array.from({ length: o.rows }, () => rng.normal());
  const p = (i: number) => 1 / (1 + Math.exp(-(2.5 * x1[i]! + 1.5 * x2[i]! - 2)));
  const label = x1.map((_, i) => (rng.next() < p(i) ? 1 : 0));
  const start = Date.now() - o.daysAgo * DAY;
  const time = Array.from({ length: o.rows }, (_, i) => new Date(start + i * 1000).toISOString());
  await Deno.writeTextFile(
    join(dir, `${name}.csv`),
    toCsv([["time", time], ["x1", x1], ["x2", x2], ["x3", x3], ["label", label]]),
  );
  const data = {
    source: "file",
    file: { path: `${name}.csv`, label: "label", timestampColumn: "time" },
  };
  await Deno.writeTextFile(join(dir, `${name}.json`), JSON.stringify({ data }));
}

interface Chunk {
  key: string;
  value: number;
  lower_confidence_bound: number;
  upper_confidence_bound: number;
}
interface Measure {
  measure: string;
  lower_threshold: number;
  overall: Chunk;
  chunks: Chunk[];
}

/** Drift of `name` against the champion's run, labels released, as JSON. */
async function released(dir: string, name: string) {
  const out = join(dir, `${name}-released.json`);
  const run = await runTask("drift", [
    "--config",
    `${name}.json`,
    "--model",
    "models:/fraud_detection/1",
    "--chunk-size",
    "250",
    "--max-samples",
    "3000",
    "--output",
    out,
  ], { cwd: dir });
  assert.ok([0, 3].includes(run.code), run.stderr);
  const measures = JSON.parse(await Deno.readTextFile(out)).chunks.measures as Measure[];
  const find = (m: string) => measures.find((x) => x.measure === m)!;
  return { estimated: find("estimated_roc_auc"), realized: find("realized_roc_auc") };
}

/**
 * The realized value within the estimate's ± 3 sampling-error bounds in all chunks but at most one
 * (24 chunks are read in all: one just outside happens by chance), no bias beyond 0.02 on
 * average, and the overall values within 0.02.
 */
function tracks(estimated: Measure, realized: Measure): void {
  assert.equal(realized.chunks.length, 12);
  const outside = estimated.chunks.filter((e, i) => {
    const r = realized.chunks[i]!;
    assert.equal(r.key, e.key);
    return r.value < e.lower_confidence_bound || r.value > e.upper_confidence_bound;
  });
  assert.ok(outside.length <= 1, `outside the bounds: ${outside.map((c) => c.key)}`);
  const bias = estimated.chunks.reduce((s, e, i) => s + realized.chunks[i]!.value - e.value, 0) /
    12;
  assert.ok(Math.abs(bias) < 0.02, `bias ${bias}`);
  assert.ok(Math.abs(estimated.overall.value - realized.overall.value) < 0.02);
}

Deno.test("hidden labels: the estimated ROC AUC alarms before any label counts, and tracks the realized one once labels are released", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await labeledFile(dir, "train", { rows: 8000, seed: 1, mean: 0, sd: 1, daysAgo: 90 });
    await labeledFile(dir, "same", { rows: 3000, seed: 2, mean: 0, sd: 1, daysAgo: 2 });
    await labeledFile(dir, "degraded", { rows: 3000, seed: 3, mean: 0.8, sd: 0.35, daysAgo: 2 });
    const trained = await runTask("train", [
      "--config",
      "train.json",
      "--model-type",
      "logistic_regression",
      "--cv-folds",
      "0",
      "--register",
      "fraud_detection",
      "--alias",
      "champion",
    ], { cwd: dir });
    assert.equal(trained.code, 0, trained.stderr);

    // Labels two days old, maturity 30 days: none counts yet.
    const cycle = await runTask("monitor", [
      "--config",
      "degraded.json",
      "--chunk-size",
      "250",
      "--current-samples",
      "3000",
      "--label-maturity-days",
      "30",
      "--triggers",
      "estimated_performance,performance",
      "--cv-folds",
      "0",
    ], { cwd: dir });
    assert.ok([10, 11].includes(cycle.code), cycle.stderr);
    const line = JSON.parse(cycle.stdout.trim());
    const triggers = line.triggers as {
      name: string;
      fired: boolean;
      value: number;
      threshold: number;
    }[];
    assert.deepEqual(
      triggers.map((t) => t.name),
      ["estimated_performance"],
      "no label: no realized performance",
    );
    assert.equal(triggers[0]!.fired, true);
    assert.ok(triggers[0]!.value < triggers[0]!.threshold, JSON.stringify(triggers[0]));

    // Released: every chunk's realized ROC AUC within the estimate's bounds.
    const shifted = await released(dir, "degraded");
    tracks(shifted.estimated, shifted.realized);
    assert.ok(shifted.realized.overall.value < shifted.estimated.lower_threshold, "it did degrade");
    const same = await released(dir, "same");
    tracks(same.estimated, same.realized);
    assert.ok(same.estimated.chunks.every((c) => c.value > same.estimated.lower_threshold));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
