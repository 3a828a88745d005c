import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { detectDataDrift, type FeatureColumn } from "../lib/drift/data_drift.ts";
import { DriftReport } from "../lib/drift/drift_report.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import type { DriftScenario } from "../lib/features/transactions.ts";
import { driftFromRun } from "../lib/pipeline/drift_run.ts";
import { train } from "../lib/pipeline/train.ts";

const SNAPSHOT = "2024-06-03T03:00:00Z";

function columns(seed: number, scenario: DriftScenario = "none", samples = 1000): FeatureColumn[] {
  const { frame } = embeddedFeatures({ samples, seed, snapshotTime: SNAPSHOT, scenario });
  return TRANSACTION_VIEW.features.map((f) => ({
    name: f.name,
    kind: f.kind,
    values: frame.column(f.name),
  }));
}

Deno.test("the no-shift scenario raises no dataset drift at α = 0.05 on ≥ 95% of 40 seeds", () => {
  let quiet = 0;
  const perFeature: Record<string, number> = {};
  for (let s = 0; s < 40; s++) {
    const d = detectDataDrift(columns(100 + s), columns(900 + s), { significanceLevel: 0.05 });
    if (!d.dataset.drifted) quiet++;
    for (const f of d.features) if (f.drifted) perFeature[f.name] = (perFeature[f.name] ?? 0) + 1;
  }
  console.log(
    `no shift: dataset quiet on ${quiet}/40 seeds; features flagged by chance:`,
    perFeature,
  );
  assert.ok(quiet >= 38, `quiet on ${quiet} of 40 seeds`);
});

const EXPECTED: Record<Exclude<DriftScenario, "none">, string[]> = {
  amount_shift: ["amount_sum_5m", "amount_avg_5m", "amount_max_5m"],
  foreign_countries: ["is_geo_diverse"],
  new_fraud_pattern: ["txn_count_5m", "amount_avg_5m", "velocity_score", "is_high_velocity"],
};

for (const [scenario, features] of Object.entries(EXPECTED)) {
  Deno.test(`the ${scenario} scenario is detected with ${features.join(", ")} flagged (5 seeds)`, () => {
    for (let s = 0; s < 5; s++) {
      const d = detectDataDrift(columns(200 + s), columns(700 + s, scenario as DriftScenario));
      const flagged = new Set(d.features.filter((f) => f.drifted).map((f) => f.name));
      for (const f of features) {
        assert.ok(flagged.has(f), `seed ${s}: ${f} not flagged (flagged: ${[...flagged]})`);
      }
      for (const f of features) {
        assert.notEqual(d.features.find((x) => x.name === f)!.severity, "none");
      }
    }
  });
}

Deno.test("drift against a training run logs a drift run; a new fraud pattern raises the alarm", async () => {
  const dir = await Deno.makeTempDir();
  const config = resolveConfig([
    fileLayer({ data: { maxSamples: 6000 }, mlflow: { trackingUri: join(dir, "mlruns") } }, "test"),
  ]);
  const trained = await train(config);
  const quiet = await driftFromRun(config, { maxSamples: 1000 });
  assert.equal(quiet.referenceRunId, trained.runId);
  assert.ok(!quiet.report.data.dataset.drifted);
  const shifted = await driftFromRun(config, { maxSamples: 1000, scenario: "new_fraud_pattern" });
  assert.ok(shifted.report.driftFound, "alarm");
  assert.ok(shifted.report.prediction!.pValue < 0.05, "the model's scores moved");
  const json = JSON.parse(await Deno.readTextFile(join(shifted.artifactsDir, "drift_report.json")));
  assert.equal(json.features.length, 17);
  for (
    const key of ["name", "kind", "test", "statistic", "p_value", "psi", "severity", "drifted"]
  ) assert.ok(key in json.features[0]);
  for (const key of ["drifted", "drifted_share", "n_reference", "n_current"]) {
    assert.ok(key in json.dataset);
  }
  const html = await Deno.readTextFile(join(shifted.artifactsDir, "drift_report.html"));
  assert.ok(html.includes("Plotly.newPlot") && html.length > 1_000_000, "plotly is inlined");
  assert.ok(!html.includes('src="http'), "self-contained");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a drift report displays itself in notebooks as an HTML table", () => {
  const d = detectDataDrift(columns(1), columns(2, "amount_shift"));
  const report = new DriftReport(d, { reference: "a", current: "b", createdAt: "now" });
  const shown =
    report[Symbol.for("Jupyter.display") as unknown as keyof DriftReport] as unknown as () =>
      Record<string, string>;
  const html = shown.call(report)["text/html"]!;
  assert.match(html, /<table>/);
  assert.match(html, /amount_avg_5m<\/td><td>continuous<\/td><td>ks<\/td>/);
  assert.ok(html.includes("features drifted"));
});

Deno.test("with the two-sample chi-square, categorical features keep their false-positive rate near α", () => {
  const flagged: Record<string, number> = {};
  for (let s = 0; s < 40; s++) {
    const d = detectDataDrift(columns(100 + s), columns(900 + s), {
      tests: { byKind: { categorical: "chi_square_2s", boolean: "chi_square_2s" } },
    });
    for (const f of d.features) {
      if (f.drifted && f.kind !== "continuous") flagged[f.name] = (flagged[f.name] ?? 0) + 1;
    }
  }
  console.log("two-sample chi-square, no shift, flags over 40 seeds:", flagged);
  for (const [name, n] of Object.entries(flagged)) assert.ok(n <= 6, `${name} flagged ${n}/40`);
});
