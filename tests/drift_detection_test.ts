import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { detectDataDrift, type FeatureColumn } from "../lib/drift/data_drift.ts";
import { DriftReport } from "../lib/report/drift_report.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import type { DriftScenario } from "../lib/features/transactions.ts";
import { severityFromP } from "../lib/drift/severity.ts";
import { Rng } from "../lib/util/rng.ts";
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
  const json = JSON.parse(await Deno.readTextFile(join(shifted.artifactUri, "drift_report.json")));
  assert.equal(json.features.length, 17);
  for (
    const key of ["name", "kind", "test", "statistic", "p_value", "psi", "severity", "drifted"]
  ) assert.ok(key in json.features[0]);
  for (const key of ["drifted", "drifted_share", "n_reference", "n_current"]) {
    assert.ok(key in json.dataset);
  }
  const html = await Deno.readTextFile(join(shifted.artifactUri, "drift_report.html"));
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
  assert.match(html, /Drifted features: amount_sum_5m \((low|medium|high)\)/);
});

Deno.test("the default tests keep their false-alarm rate at α, feature by feature, on 200 no-shift pairs", () => {
  const pairs = 200, alpha = 0.05;
  const flagged = (tests?: { byKind: Record<string, "chi_square"> }) => {
    const counts: Record<string, number> = {};
    for (let s = 0; s < pairs; s++) {
      const d = detectDataDrift(columns(3000 + s), columns(5000 + s), {
        significanceLevel: alpha,
        ...(tests ? { tests } : {}),
      });
      for (const f of d.features) counts[f.name] = (counts[f.name] ?? 0) + (f.drifted ? 1 : 0);
    }
    return counts;
  };
  const defaults = flagged();
  // α plus three binomial standard deviations of the rate over 200 pairs.
  const bound = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / pairs);
  for (const [name, n] of Object.entries(defaults)) {
    assert.ok(n / pairs <= bound, `${name}: ${n}/${pairs} false alarms > ${bound.toFixed(3)}`);
  }
  // The goodness-of-fit chi-square (reference shares taken as exact) does not keep α.
  const gof = flagged({ byKind: { categorical: "chi_square", boolean: "chi_square" } });
  assert.ok(gof.hour_of_day! / pairs > 0.3, `hour_of_day: ${gof.hour_of_day}/${pairs}`);
});

Deno.test("categorical and boolean features default to the two-sample chi-square", () => {
  const d = detectDataDrift(columns(1), columns(2));
  for (const f of d.features) {
    assert.equal(f.test, f.kind === "continuous" ? "ks" : "chi_square_2s", f.name);
  }
});

/** 30 columns of 24 sparse categories (shares ∝ 1/k², so the rarest show 1–2 times per 1,000). */
function sparseColumns(seed: number, rows = 1000): FeatureColumn[] {
  const weights = Array.from({ length: 24 }, (_, k) => 1 / (k + 1) ** 2);
  const total = weights.reduce((a, b) => a + b, 0);
  const rng = new Rng(seed);
  return Array.from({ length: 30 }, (_, j) => {
    const values = Array.from({ length: rows }, () => {
      let u = rng.next() * total, k = 0;
      while (u > weights[k]! && k < 23) u -= weights[k++]!;
      return `c${k}`;
    });
    return { name: `col${j}`, kind: "categorical" as const, values };
  });
}

Deno.test("a rare unseen category is not drift; severity always follows from p; a common one is", () => {
  const d = detectDataDrift(sparseColumns(1), sparseColumns(2));
  const withUnseen = d.features.filter((f) => Object.keys(f.unseenCategories).length > 0);
  assert.ok(
    withUnseen.length >= 3,
    `sparse categories unseen in the reference: ${withUnseen.length}`,
  );
  for (const f of d.features) {
    assert.equal(f.severity, severityFromP(f.pValue!, f.threshold), f.name);
    assert.equal(f.drifted, f.pValue! < f.threshold || f.unseenShare >= 0.01, f.name);
  }
  const rareOnly = withUnseen.filter((f) => f.unseenShare < 0.01 && f.pValue! >= 0.05);
  assert.ok(rareOnly.length >= 3, `columns with only rare unseen categories: ${rareOnly.length}`);
  for (const f of rareOnly) assert.ok(!f.drifted && f.severity === "none", f.name);
  // 2% of current rows in a new category: drift on its own, reported with its count and share.
  const cur = sparseColumns(2);
  const values = [...(cur[0]!.values as string[])];
  for (let i = 0; i < 20; i++) values[i * 50] = "brand_new";
  cur[0] = { ...cur[0]!, values };
  const f = detectDataDrift(sparseColumns(1), cur).features[0]!;
  assert.equal(f.unseenCategories.brand_new, 20);
  assert.ok(f.unseenShare >= 0.02, `${f.unseenShare}`);
  assert.ok(f.drifted);
  const lenient = detectDataDrift(sparseColumns(1), cur, { unseenShare: 0.05 }).features[0]!;
  assert.equal(lenient.drifted, lenient.pValue! < 0.05);
});

Deno.test("the drifted share of model importance is reported and, when asked, triggers the dataset verdict", () => {
  const importance = Object.fromEntries(
    TRANSACTION_VIEW.features.map((f) => [f.name, f.name.startsWith("amount_") ? 10 : 1]),
  );
  const ref = columns(200), cur = columns(700, "amount_shift");
  const plain = detectDataDrift(ref, cur, { importance });
  const shifted = plain.features.filter((f) => f.drifted);
  const expected = shifted.reduce((s, f) => s + importance[f.name]!, 0) /
    Object.values(importance).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(plain.dataset.driftedImportanceShare! - expected) < 1e-12);
  assert.ok(!plain.dataset.drifted, "the feature-share rule alone: no dataset drift");
  const asked = detectDataDrift(ref, cur, { importance, importanceShare: 0.3 });
  assert.ok(expected >= 0.3 && asked.dataset.drifted);
  const trigger = asked.dataset.triggers.find((t) => t.name === "importance_share")!;
  assert.ok(trigger.fired && trigger.threshold === 0.3);
  assert.ok(Math.abs(trigger.value - expected) < 1e-12);
  const report = new DriftReport(asked, { reference: "a", current: "b", createdAt: "now" });
  assert.deepEqual(report.alarms.map((a) => a.trigger), ["importance_share"]);
});
