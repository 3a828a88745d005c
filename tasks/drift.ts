/**
 * `deno task drift`: data, prediction and performance drift. Against the latest training run
 * (or `--run-id`) with a current sample from the feature source (`--scenario` injects a known
 * shift), or between two files (`--reference ref.csv --current cur.csv`).
 * Exit codes: 0 nothing drifted, 3 drift found, 2 bad input, 1 failure.
 *
 * @module
 */

import { readConfigFile } from "../lib/config/config_file.ts";
import { type ConfigLayer, envLayer, flagLayer, resolveConfig } from "../lib/config/load.ts";
import type { DataDriftOptions } from "../lib/drift/data_drift.ts";
import { DRIFT_TESTS, type DriftTest, type Layered } from "../lib/drift/registry.ts";
import type { DriftReport } from "../lib/drift/drift_report.ts";
import type { Correction } from "../lib/drift/severity.ts";
import { ConfigError } from "../lib/errors.ts";
import { DRIFT_SCENARIOS, type DriftScenario } from "../lib/features/transactions.ts";
import { driftFromFiles } from "../lib/pipeline/drift_files.ts";
import { driftFromRun } from "../lib/pipeline/drift_run.ts";
import { driftReportHtml } from "../lib/report/drift_html.ts";
import { textTable } from "../lib/report/text_table.ts";
import { writeFileAtomic } from "../lib/tracking/atomic.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";

const HELP = `Detect drift. Exit 0: nothing drifted; 3: drift found; 2: bad input; 1: failure.

Against a training run (reference sample + model) and a current sample from the feature source:
  deno task drift [--run-id <id>] [--scenario none|amount_shift|foreign_countries|new_fraud_pattern]
Between files (CSV or Parquet, header of feature names):
  deno task drift --reference ref.csv --current cur.csv [--categorical a,b]

  --max-samples <n>          rows per sample (default 1000)
  --significance-level <α>   for KS and chi-square p-values (default 0.05)
  --correction <c>           none (default), bonferroni or bh across features
  --drift-share <s>          share of drifted features that makes the dataset drifted (default 0.5)
  --psi-bins <k>             PSI bins for continuous features (default 10)
  --test <who>=<test>        test per feature or kind (repeatable): ks, chi_square, chi_square_2s,
                             wasserstein, jensen_shannon; <who> = a feature, a kind, or * for all
  --threshold <who>=<value>  threshold per feature, kind or * (p-value tests: α; distances: the
                             distance); precedence feature > kind > *
  --output <report.json>     write the JSON report
  --html <report.html>       write the HTML report (plotly inlined)
  --source embedded|redis    where the current sample comes from (default embedded; REDIS_* env)
  --experiment-name, --seed, --config as for train`;

await runMain("drift", async () => {
  const { values } = parseFlags(Deno.args, {
    ...Object.fromEntries(
      [
        "reference",
        "current",
        "categorical",
        "output",
        "html",
        "max-samples",
        "significance-level",
        "correction",
        "drift-share",
        "psi-bins",
        "scenario",
        "run-id",
        "experiment-name",
        "seed",
        "config",
        "source",
      ]
        .map((k) => [k, { type: "string" as const }]),
    ),
    help: { type: "boolean" as const },
    test: { type: "string" as const, multiple: true },
    threshold: { type: "string" as const, multiple: true },
  });
  const v = values as Record<string, string | boolean | undefined>;
  const layered = parseLayered(values.test ?? [], values.threshold ?? []);
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const problems: string[] = [];
  const number = (flag: string, fallback: number, ok: (x: number) => boolean, rule: string) => {
    const raw = v[flag];
    if (raw === undefined) return fallback;
    const x = Number(raw);
    if (!ok(x)) problems.push(`--${flag}: ${rule}, got ${JSON.stringify(raw)}`);
    return x;
  };
  const alpha = number(
    "significance-level",
    0.05,
    (x) => x > 0 && x < 1,
    "must be a number in (0, 1)",
  );
  const maxSamples = number(
    "max-samples",
    1000,
    (x) => Number.isInteger(x) && x >= 5,
    "must be an integer ≥ 5",
  );
  const driftShare = number(
    "drift-share",
    0.5,
    (x) => x > 0 && x <= 1,
    "must be a number in (0, 1]",
  );
  const psiBins = number(
    "psi-bins",
    10,
    (x) => Number.isInteger(x) && x >= 2 && x <= 100,
    "must be an integer in [2, 100]",
  );
  const correction = (v.correction as string | undefined) ?? "none";
  if (!["none", "bonferroni", "bh"].includes(correction)) {
    problems.push(
      `--correction: must be one of none, bonferroni, bh, got ${JSON.stringify(correction)}`,
    );
  }
  const scenario = (v.scenario as string | undefined) ?? "none";
  if (!(DRIFT_SCENARIOS as readonly string[]).includes(scenario)) {
    problems.push(
      `--scenario: must be one of ${DRIFT_SCENARIOS.join(", ")}, got ${JSON.stringify(scenario)}`,
    );
  }
  const files = v.reference !== undefined || v.current !== undefined;
  if (files && (!v.reference || !v.current)) {
    problems.push("--reference and --current: give both, or neither");
  }
  problems.push(...layered.problems);
  if (problems.length) throw new ConfigError(problems);
  const options: DataDriftOptions = {
    significanceLevel: alpha,
    driftShare,
    psiBins,
    correction: correction as Correction,
    tests: layered.tests,
    thresholds: layered.thresholds,
  };

  let report: DriftReport;
  if (files) {
    const categorical = ((v.categorical as string | undefined) ?? "").split(",").map((s) =>
      s.trim()
    ).filter(Boolean);
    report = await driftFromFiles(v.reference as string, v.current as string, {
      ...options,
      categorical,
    });
  } else {
    const layers: ConfigLayer[] = [];
    if (v.config) layers.push(await readConfigFile(v.config as string));
    layers.push(envLayer(Deno.env.toObject()));
    const flags: Array<readonly [string, unknown, string]> = [];
    if (v["experiment-name"]) {
      flags.push(["mlflow.experimentName", v["experiment-name"], "--experiment-name"]);
    }
    if (v.seed) flags.push(["seed", v.seed, "--seed"]);
    if (v.source) flags.push(["data.source", v.source, "--source"]);
    layers.push(flagLayer(flags));
    const config = resolveConfig(layers);
    const r = await driftFromRun(config, {
      ...options,
      maxSamples,
      scenario: scenario as DriftScenario,
      ...(v["run-id"] ? { runId: v["run-id"] as string } : {}),
    });
    report = r.report;
    console.error(
      `drift: reference run ${r.referenceRunId}; report logged as run ${r.driftRunId} (${r.artifactsDir})`,
    );
  }
  if (v.output) await writeFileAtomic(v.output as string, JSON.stringify(report, null, 2) + "\n");
  if (v.html) await writeFileAtomic(v.html as string, await driftReportHtml(report));
  printSummary(report);
  return report.driftFound ? 3 : 0;
});

function printSummary(r: DriftReport): void {
  const f = (
    x: number | null,
  ) => (x === null ? "-" : x < 1e-4 && x > 0 ? x.toExponential(2) : x.toFixed(4));
  console.log(textTable(
    ["feature", "kind", "test", "statistic", "p-value", "PSI", "severity", "drifted"],
    r.data.features.map((
      x,
    ) => [
      x.name,
      x.kind,
      x.test,
      f(x.statistic),
      f(x.pValue),
      f(x.psi),
      x.severity,
      x.drifted ? "yes" : "no",
    ]),
  ));
  const d = r.data.dataset;
  console.log(
    `\nDataset: ${
      d.drifted ? "DRIFTED" : "no drift"
    } (${d.driftedCount} of ${r.data.features.length} features, share ${
      d.driftedShare.toFixed(2)
    }; ${d.nReference} reference vs ${d.nCurrent} current rows)`,
  );
  if (r.prediction) {
    console.log(
      `Prediction drift: KS ${f(r.prediction.ksStatistic)}, p ${f(r.prediction.pValue)}, PSI ${
        f(r.prediction.psi)
      } → ${r.prediction.drifted ? "DRIFTED" : "stable"}`,
    );
  }
  if (r.performance) {
    console.log(
      `Performance: ${
        r.performance.metrics.map((m) => `${m.metric} ${f(m.reference)} → ${f(m.current)}`).join(
          ", ",
        )
      } → ${r.performance.degraded ? "DEGRADED" : "within margin"}`,
    );
  }
  if (r.data.missingFeatures.length) {
    console.log(`Missing features: ${r.data.missingFeatures.join(", ")}`);
  }
  console.log(r.driftFound ? "Drift found (exit 3)." : "Nothing drifted.");
}

/** `--test who=name` and `--threshold who=value` into layered settings (feature > kind > *). */
function parseLayered(tests: readonly string[], thresholds: readonly string[]) {
  const KINDS = ["continuous", "categorical", "boolean"];
  const problems: string[] = [];
  const layer = <T>(
    items: readonly string[],
    flag: string,
    parse: (raw: string) => T | undefined,
    rule: string,
  ) => {
    const out: { byFeature: Record<string, T>; byKind: Record<string, T>; global?: T } = {
      byFeature: {},
      byKind: {},
    };
    for (const item of items) {
      const m = /^([^=]+)=(.+)$/.exec(item);
      const value = m ? parse(m[2]!.trim()) : undefined;
      if (!m || value === undefined) {
        problems.push(
          `--${flag}: expected <feature|kind|*>=<${rule}>, got ${JSON.stringify(item)}`,
        );
        continue;
      }
      const who = m[1]!.trim();
      if (who === "*") out.global = value;
      else if (KINDS.includes(who)) out.byKind[who] = value;
      else out.byFeature[who] = value;
    }
    return out;
  };
  const names = Object.keys(DRIFT_TESTS) as DriftTest["name"][];
  const t = layer(
    tests,
    "test",
    (r) => ((names as string[]).includes(r) ? (r as DriftTest["name"]) : undefined),
    names.join("|"),
  );
  const th = layer(
    thresholds,
    "threshold",
    (r) => (Number.isFinite(Number(r)) && Number(r) > 0 ? Number(r) : undefined),
    "number > 0",
  );
  return { tests: t as Layered<DriftTest["name"]>, thresholds: th as Layered<number>, problems };
}
