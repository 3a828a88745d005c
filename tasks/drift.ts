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
import type { DriftReport } from "../lib/report/drift_report.ts";
import type { Correction } from "../lib/drift/severity.ts";
import { ConfigError } from "../lib/errors.ts";
import { DRIFT_SCENARIOS, type DriftScenario } from "../lib/features/transactions.ts";
import { driftFromFiles } from "../lib/pipeline/drift_files.ts";
import { driftFromRun } from "../lib/pipeline/drift_run.ts";
import { driftReportHtml } from "../lib/report/drift_html.ts";
import { formatDriftSummary } from "../lib/report/drift_summary.ts";
import { writeFileAtomic } from "../lib/tracking/atomic.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";

const HELP = `Detect drift. Exit 0: nothing drifted; 3: drift found; 2: bad input; 1: failure.

Against a training run (reference sample + model) and a current sample from the feature source:
  deno task drift [--run-id <id>] [--scenario none|amount_shift|foreign_countries|new_fraud_pattern]
Between files (CSV or Parquet, header of feature names):
  deno task drift --reference ref.csv --current cur.csv [--categorical a,b]
    columns label, prediction, entity_id, feature_timestamp are the target, the scores and ids
    (--label-column, --prediction-column, --id-columns a,b); a reference feature missing from
    the current file is a schema change (drift)

  --max-samples <n>          rows per sample (default 1000)
  --significance-level <α>   for KS and chi-square p-values (default 0.05)
  --correction <c>           none (default), bonferroni or bh across features
  --drift-share <s>          share of drifted features that makes the dataset drifted (default 0.5)
  --importance-share <s>     also drifted when the drifted features carry this share of the model's
                             importance (run mode; off by default, the share is always reported)
  --unseen-share <s>         current rows in categories the reference never saw that alone mark
                             a feature drifted (default 0.01)
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
        "unseen-share",
        "importance-share",
        "label-column",
        "prediction-column",
        "id-columns",
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
  const unseenShare = number(
    "unseen-share",
    0.01,
    (x) => x > 0 && x <= 1,
    "must be a number in (0, 1]",
  );
  const importanceShare = v["importance-share"] === undefined ? undefined : number(
    "importance-share",
    0.5,
    (x) => x > 0 && x <= 1,
    "must be a number in (0, 1]",
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
    unseenShare,
    ...(importanceShare !== undefined ? { importanceShare } : {}),
  };

  let report: DriftReport;
  if (files) {
    const categorical = ((v.categorical as string | undefined) ?? "").split(",").map((s) =>
      s.trim()
    ).filter(Boolean);
    const list = (flag: string) =>
      (v[flag] as string).split(",").map((s) => s.trim()).filter(Boolean);
    report = await driftFromFiles(v.reference as string, v.current as string, {
      ...options,
      categorical,
      ...(v["label-column"] ? { labelColumn: v["label-column"] as string } : {}),
      ...(v["prediction-column"] ? { predictionColumn: v["prediction-column"] as string } : {}),
      ...(v["id-columns"] !== undefined ? { idColumns: list("id-columns") } : {}),
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
  console.log(formatDriftSummary(report));
  return report.driftFound ? 3 : 0;
});

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
