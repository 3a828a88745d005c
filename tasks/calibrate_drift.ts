/**
 * `deno task calibrate:drift [--pairs 500] [--samples 1000] [--alpha 0.05]`: the no-shift
 * false-alarm rate of every feature's drift test over seeded pairs of embedded samples drawn
 * from one distribution — the default tests beside the goodness-of-fit chi-square — as the
 * Markdown table the README shows.
 *
 * @module
 */

import { detectDataDrift, type FeatureColumn } from "../lib/drift/data_drift.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";

const SNAPSHOT = "2024-06-03T03:00:00Z";

function columns(seed: number, samples: number): FeatureColumn[] {
  const { frame } = embeddedFeatures({ samples, seed, snapshotTime: SNAPSHOT });
  return TRANSACTION_VIEW.features.map((f) => ({
    name: f.name,
    kind: f.kind,
    values: frame.column(f.name),
  }));
}

await runMain("calibrate:drift", () => {
  const { values } = parseFlags(Deno.args, {
    pairs: { type: "string", default: "500" },
    samples: { type: "string", default: "1000" },
    alpha: { type: "string", default: "0.05" },
  });
  const pairs = Number(values.pairs),
    samples = Number(values.samples),
    alpha = Number(values.alpha);
  const gofTests = { byKind: { categorical: "chi_square", boolean: "chi_square" } } as const;
  const byDefault: Record<string, number> = {}, byGof: Record<string, number> = {};
  const tests: Record<string, string> = {};
  for (let s = 0; s < pairs; s++) {
    const a = columns(10_000 + 2 * s, samples), b = columns(10_001 + 2 * s, samples);
    for (const f of detectDataDrift(a, b, { significanceLevel: alpha }).features) {
      byDefault[f.name] = (byDefault[f.name] ?? 0) + (f.drifted ? 1 : 0);
      tests[f.name] = f.test;
    }
    for (const f of detectDataDrift(a, b, { significanceLevel: alpha, tests: gofTests }).features) {
      byGof[f.name] = (byGof[f.name] ?? 0) + (f.drifted ? 1 : 0);
    }
  }
  const sd = Math.sqrt((alpha * (1 - alpha)) / pairs);
  console.log(
    `No-shift false alarms at α = ${alpha}, ${pairs} seed pairs of ${samples} rows (±${
      (2 * sd).toFixed(3)
    } is two binomial s.d.):\n`,
  );
  console.log("| feature | kind | default test | false alarms | goodness-of-fit chi-square |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const f of TRANSACTION_VIEW.features) {
    const gof = f.kind === "continuous" ? "—" : (byGof[f.name]! / pairs).toFixed(3);
    console.log(
      `| ${f.name} | ${f.kind} | ${tests[f.name]} | ${
        (byDefault[f.name]! / pairs).toFixed(3)
      } | ${gof} |`,
    );
  }
  return 0;
});
