/**
 * The drift benchmark: data drift on 1,000 embedded rows × 17 features (the default
 * `deno task drift` size), and KS on n × f vs n × f beside scipy's ks_2samp on the same data.
 *
 * @module
 */

import { join } from "node:path";
import { detectDataDrift } from "../../lib/drift/data_drift.ts";
import { predictionDrift } from "../../lib/drift/model_drift.ts";
import { driftReportHtml } from "../../lib/report/drift_html.ts";
import { DriftReport } from "../../lib/report/drift_report.ts";
import { ks2samp } from "../../lib/drift/ks.ts";
import { TRANSACTION_VIEW } from "../../lib/features/catalog.ts";
import { embeddedFeatures } from "../../lib/features/embedded_source.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { Rng } from "../../lib/util/rng.ts";
import { median } from "./_stats.ts";
import {
  below,
  formatSpeed,
  goalCheck,
  goalSummary,
  speedFromSeconds,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";

/** The whole 1,000 × 17 report (data and prediction drift, HTML) within 50 ms. */
const REPORT_GOAL = below(0.05, { format: (s) => `${s.toFixed(3)} s` });

/** What to time. */
export interface DriftBenchOptions {
  readonly rows: number;
  readonly features: number;
  readonly repeats: number;
  readonly python: string;
}

/** Seconds of data drift alone, and of the whole report (data + prediction drift, HTML). */
async function smallDrift(): Promise<{ data: number[]; report: number[] }> {
  const cols = (seed: number) => {
    const { frame } = embeddedFeatures({
      samples: 1000,
      seed,
      snapshotTime: "2024-06-03T03:00:00Z",
    });
    return TRANSACTION_VIEW.features.map((x) => ({
      name: x.name,
      kind: x.kind,
      values: frame.column(x.name),
    }));
  };
  const [ra, cu] = [cols(1), cols(2)];
  const scores = (seed: number) => {
    const rng = new Rng(seed);
    return Float64Array.from({ length: 1000 }, () => 1 / (1 + Math.exp(-rng.normal() * 2)));
  };
  const [sr, sc] = [scores(1), scores(2)];
  await driftReportHtml(new DriftReport(detectDataDrift(ra, cu), CONTEXT)); // warm: plotly.js read
  const data: number[] = [], report: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    detectDataDrift(ra, cu);
    data.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const whole = new DriftReport(detectDataDrift(ra, cu), CONTEXT, {
      prediction: predictionDrift(sr, sc),
    });
    await driftReportHtml(whole);
    report.push((performance.now() - t0) / 1000);
  }
  return { data, report };
}

const CONTEXT = { reference: "a", current: "b", createdAt: "2024-06-03T03:00:00Z" };

/** Runs the benchmark and returns the printed report. */
export async function benchDrift(o: DriftBenchOptions): Promise<string> {
  const { rows: n, features: f, repeats } = o;
  const small = await smallDrift();
  const rng = new Rng(7);
  const ref = new Float64Array(n * f), cur = new Float64Array(n * f);
  for (let i = 0; i < ref.length; i++) {
    ref[i] = Math.round(rng.normal() * 1000) / 1000; // ties, as real features have
    cur[i] = Math.round((rng.normal() + 0.002) * 1000) / 1000;
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(join(dir, "d.ref"), new Uint8Array(ref.buffer));
    await Deno.writeFile(join(dir, "d.cur"), new Uint8Array(cur.buffer));
    const ours: number[] = [];
    let p: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      p = Array.from(
        { length: f },
        (_, j) =>
          ks2samp(ref.subarray(j * n, (j + 1) * n), cur.subarray(j * n, (j + 1) * n)).pValue,
      );
      ours.push((performance.now() - t0) / 1000);
    }
    const out = await new Deno.Command(o.python, {
      args: ["tasks/bench/scipy_drift.py", join(dir, "d"), String(f), String(repeats)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    const sp = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    const maxRel = Math.max(...p.map((x, j) => Math.abs(x - sp.p[j]) / Math.max(sp.p[j], 1e-300)));
    return driftTable({
      small,
      ks: { size: `${n.toLocaleString("en-US")} × ${f}`, ours, scipy: sp.seconds as number[] },
      repeats,
      maxRel,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The printed table: times, KS's speed vs scipy, the report's goal, and the p-value check. */
function driftTable(r: {
  small: { data: number[]; report: number[] };
  ks: { size: string; ours: number[]; scipy: number[] };
  repeats: number;
  maxRel: number;
}): string {
  const report = median(r.small.report), ks = r.ks;
  const speed = speedFromSeconds(median(ks.ours), median(ks.scipy));
  return [
    textTable(["benchmark", "ours s", "scipy s", speedHeader("scipy"), "goal"], [
      [
        "data drift, 1,000 × 17 (KS + chi-square + PSI)",
        median(r.small.data).toFixed(4),
        "-",
        "-",
        "",
      ],
      [
        "whole report, 1,000 × 17 (data + prediction drift, HTML)",
        report.toFixed(4),
        "-",
        "-",
        goalCheck(report, REPORT_GOAL),
      ],
      [
        `KS, ${ks.size} vs ${ks.size}`,
        median(ks.ours).toFixed(2),
        median(ks.scipy).toFixed(2),
        formatSpeed(speed),
        "",
      ],
    ]),
    `median of ${r.repeats} runs (the 1,000 × 17 rows: of 5); ${speedLegend("scipy")}`,
    `check, not speed: largest relative p-value difference from scipy ${r.maxRel.toExponential(2)}`,
    goalSummary([{ what: "whole report < 50 ms", value: report, goal: REPORT_GOAL }]),
  ].join("\n");
}
