import assert from "node:assert/strict";
import { join } from "node:path";
import { walk } from "./helpers/files.ts";
import { Rng } from "../lib/util/rng.ts";
import { drawnFigures, dumpDom } from "./helpers/chromium.ts";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

function drift(args: string[]) {
  return runTask("drift", args);
}

function csv(n: number, seed: number, shift: number, segments: string[]): string {
  const rng = new Rng(seed);
  const lines = ["amount,segment,count"];
  for (let i = 0; i < n; i++) {
    const seg = segments[Math.floor(rng.next() ** (shift ? 0.5 : 1) * segments.length)]!;
    lines.push(
      `${(rng.normal() + shift).toFixed(4)},${seg},${Math.floor(rng.next() * 4 + shift * 2)}`,
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("drift between files: exit 0 without shift, 3 with it; JSON and HTML reports as specified", async () => {
  const dir = await Deno.makeTempDir();
  const segs = ["a", "b", "c", "d"];
  await Deno.writeTextFile(join(dir, "ref.csv"), csv(800, 1, 0, segs));
  await Deno.writeTextFile(join(dir, "same.csv"), csv(800, 2, 0, segs));
  await Deno.writeTextFile(join(dir, "moved.csv"), csv(800, 3, 1, [...segs, "e"]));
  const quiet = await drift([
    "--reference",
    join(dir, "ref.csv"),
    "--current",
    join(dir, "same.csv"),
    "--output",
    join(dir, "q.json"),
  ]);
  assert.equal(quiet.code, 0, quiet.stderr + quiet.stdout);
  const moved = await drift([
    "--reference",
    join(dir, "ref.csv"),
    "--current",
    join(dir, "moved.csv"),
    "--categorical",
    "count",
    "--output",
    join(dir, "m.json"),
    "--html",
    join(dir, "m.html"),
  ]);
  assert.equal(moved.code, 3, moved.stderr + moved.stdout);
  const report = JSON.parse(await Deno.readTextFile(join(dir, "m.json")));
  const byName = Object.fromEntries(report.features.map((f: { name: string }) => [f.name, f]));
  assert.equal(byName.amount.kind, "continuous");
  assert.equal(byName.amount.test, "ks");
  assert.equal(byName.segment.kind, "categorical"); // not numeric
  assert.equal(byName.count.kind, "categorical"); // named in --categorical
  assert.ok(
    byName.segment.unseen_categories.e > 0,
    "a category the reference never saw is reported",
  );
  assert.equal(report.dataset.drifted, true);
  assert.equal(report.dataset.n_reference, 800);
  // The page draws every figure (one per feature) with its inlined plotly.js.
  const drawn = drawnFigures(await dumpDom(join(dir, "m.html")));
  assert.equal(drawn.length, 3, "one figure per feature");
  for (const d of drawn) assert.ok(d.plotlySvg && d.traces >= 3, JSON.stringify(d));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("large samples switch to distance tests (p_value null); Parquet references are read", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "cur.csv"), csv(3000, 5, 0.05, ["a", "b"]));
  await runPython(
    `
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
rng = np.random.default_rng(0)
pq.write_table(pa.table({"amount": rng.normal(size=3000), "segment": rng.choice(["a", "b"], 3000),
                         "count": rng.integers(0, 4, 3000)}), data)
out = 0
`,
    join(dir, "ref.parquet"),
  );
  const r = await drift([
    "--reference",
    join(dir, "ref.parquet"),
    "--current",
    join(dir, "cur.csv"),
    "--output",
    join(dir, "r.json"),
  ]);
  assert.ok(r.code === 0 || r.code === 3, r.stderr);
  const report = JSON.parse(await Deno.readTextFile(join(dir, "r.json")));
  const amount = report.features.find((f: { name: string }) => f.name === "amount");
  assert.equal(amount.test, "wasserstein");
  assert.equal(amount.p_value, null);
  assert.equal(
    report.features.find((f: { name: string }) => f.name === "segment").test,
    "jensen_shannon",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad drift input exits 2 with one line per problem", async () => {
  const r = await drift([
    "--significance-level",
    "2",
    "--scenario",
    "meteor",
    "--reference",
    "x.csv",
  ]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split("\n");
  assert.deepEqual(lines, [
    "drift: drift.significanceLevel: must be < 1, got 2 (from --significance-level)",
    'drift: --scenario: must be one of none, amount_shift, foreign_countries, new_fraud_pattern, got "meteor"',
    'drift: --reference: give both --reference and --current, or neither (--current "predictions" takes no --reference), got "x.csv"',
  ]);
  const missing = await drift([
    "--reference",
    "/nonexistent/ref.csv",
    "--current",
    "/nonexistent/cur.csv",
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read "\/nonexistent\/ref.csv": no such file/);
});

Deno.test("--test and --threshold choose tests and thresholds per feature, kind or globally", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "ref.csv"), csv(600, 1, 0, ["a", "b", "c"]));
  await Deno.writeTextFile(join(dir, "cur.csv"), csv(600, 2, 0, ["a", "b", "c"]));
  const r = await drift([
    "--reference",
    join(dir, "ref.csv"),
    "--current",
    join(dir, "cur.csv"),
    "--output",
    join(dir, "r.json"),
    "--test",
    "segment=chi_square_2s",
    "--test",
    "continuous=wasserstein",
    "--threshold",
    "*=0.01",
    "--threshold",
    "amount=0.2",
  ]);
  assert.ok(r.code === 0 || r.code === 3, r.stderr);
  const f = Object.fromEntries(
    JSON.parse(await Deno.readTextFile(join(dir, "r.json"))).features.map((
      x: { name: string },
    ) => [x.name, x]),
  );
  assert.equal(f.segment.test, "chi_square_2s");
  assert.equal(f.segment.threshold, 0.01);
  assert.equal(f.amount.test, "wasserstein");
  assert.equal(f.amount.threshold, 0.2);
  const bad = await drift([
    "--reference",
    join(dir, "ref.csv"),
    "--current",
    join(dir, "cur.csv"),
    "--test",
    "amount=magic",
  ]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /drift\.tests\.amount: must be one of ks, chi_square, chi_square_2s, wasserstein, jensen_shannon, got "magic" \(from --test amount\)/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run mode names what drifted; files mode reads a run's reference sample like run mode and counts a missing feature as drift", async () => {
  const dir = await Deno.makeTempDir();
  const env = { MLFLOW_TRACKING_URI: join(dir, "mlruns") };
  const trained = await runTask("train", ["--max-samples", "4000", "--cv-folds", "2"], { env });
  assert.equal(trained.code, 0, trained.stderr);
  const shifted = await runTask("drift", ["--scenario", "amount_shift"], { env });
  assert.ok(shifted.code === 0 || shifted.code === 3, shifted.stderr);
  const lines = shifted.stdout.trim().split("\n");
  const named = lines.find((l) => l.startsWith("Drifted features: "))!;
  for (const f of ["amount_sum_5m", "amount_avg_5m", "amount_max_5m"]) {
    assert.match(named, new RegExp(`${f} \\((low|medium|high)\\)`), named);
  }
  assert.match(named, /of the model's importance/);
  assert.doesNotMatch(lines.at(-1)!, /Nothing drifted/);
  assert.match(lines.at(-1)!, /amount_sum_5m/);

  // Per chunk against the run: the champion's estimated ROC AUC drops on a new fraud pattern.
  const out = join(dir, "chunks.json");
  const chunked = await runTask("drift", [
    "--scenario",
    "new_fraud_pattern",
    "--chunk-size",
    "250",
    "--output",
    out,
  ], { env });
  assert.equal(chunked.code, 3, chunked.stderr);
  const byChunk = JSON.parse(await Deno.readTextFile(out)).chunks;
  const measures = byChunk.measures.map((m: { measure: string }) => m.measure);
  for (const m of ["reconstruction_error", "estimated_roc_auc", "realized_roc_auc"]) {
    assert.ok(measures.includes(m), m);
  }
  const auc = byChunk.measures.find((m: { measure: string }) => m.measure === "estimated_roc_auc");
  assert.equal(auc.chunks.length, 4);
  assert.ok(auc.overall.value < auc.lower_threshold, JSON.stringify(auc.overall));
  assert.match(chunked.stdout, /estimated ROC AUC left the reference band/);
  assert.match(byChunk.warnings[0], /from 4 reference chunk\(s\), fewer than 6/);

  // The run's reference sample, against itself and against a copy lacking a feature.
  const sample = (await Array.fromAsync(walk(join(dir, "mlruns")))).find((p) =>
    p.endsWith("reference_sample.csv")
  )!;
  const same = await drift([
    "--reference",
    sample,
    "--current",
    sample,
    "--output",
    join(dir, "s.json"),
  ]);
  assert.equal(same.code, 0, same.stderr + same.stdout);
  const report = JSON.parse(await Deno.readTextFile(join(dir, "s.json")));
  const names = report.features.map((f: { name: string }) => f.name);
  assert.equal(names.length, 17);
  for (const special of ["label", "prediction", "entity_id", "feature_timestamp"]) {
    assert.ok(!names.includes(special), `${special} is not a feature`);
  }
  assert.equal(
    report.features.find((f: { name: string }) => f.name === "hour_of_day").kind,
    "categorical",
    "catalog kinds, as in run mode",
  );
  assert.equal(report.prediction.statistic, 0);
  assert.deepEqual(report.performance.metrics.map((m: { drop: number }) => m.drop), [0, 0, 0, 0]);

  const table = await Deno.readTextFile(sample);
  const header = table.split("\n")[0]!.split(",");
  const drop = header.indexOf("amount_avg_5m");
  const lacking = table.trim().split("\n").map((l) => l.split(",").filter((_, j) => j !== drop))
    .join("\n") + "\n";
  await Deno.writeTextFile(join(dir, "lacking.csv"), lacking);
  const schema = await drift(["--reference", sample, "--current", join(dir, "lacking.csv")]);
  assert.equal(schema.code, 3, schema.stdout);
  assert.match(schema.stdout, /Missing features \(schema change\): amount_avg_5m/);
  assert.match(
    schema.stdout.trim().split("\n").at(-1)!,
    /^Drift found \(exit 3\): 1 reference feature/,
  );
  await Deno.remove(dir, { recursive: true });
});
