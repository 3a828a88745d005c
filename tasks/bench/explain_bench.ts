/**
 * The explanation benchmark: exact TreeSHAP of the same rows and model by our WASM kernel and by
 * Python xgboost's `pred_contribs`, on one thread each and on every thread, alternating runs;
 * median rows/s, speed vs xgboost (its time / ours), the goal, and the largest difference between the two (a check that both computed the same thing).
 *
 * @module
 */

import { join } from "node:path";
import { GradientBoosting } from "../../lib/models/gbt/gradient_boosting.ts";
import { ParallelScorer } from "../../lib/models/gbt/parallel_scorer.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { median, writeMatrix } from "./_stats.ts";
import {
  atLeast,
  formatSpeed,
  goalCheck,
  type GoalResult,
  goalSummary,
  speedFromSeconds,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";
import { nonLinear } from "./benchmark_set.ts";

/** What to time. */
export interface ExplainBenchOptions {
  readonly rows: number;
  readonly features: number;
  readonly rounds: number;
  readonly depth: number;
  readonly repeats: number;
  readonly python: string;
}

async function xgboostRun(dir: string, o: ExplainBenchOptions, nthread: number): Promise<number> {
  const out = await new Deno.Command(o.python, {
    args: [
      "tasks/bench/xgboost_contribs.py",
      join(dir, "model.json"),
      join(dir, "rows"),
      String(o.features),
      "1",
      String(nthread),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!).seconds[0];
}

/** Runs the benchmark and returns the printed report. */
export async function benchExplain(o: ExplainBenchOptions): Promise<string> {
  const { rows: n, features: f } = o;
  const train = nonLinear(50_000, f, 1, 0.05), rows = nonLinear(n, f, 2, 0.05);
  const model = await new GradientBoosting({ num_boost_round: o.rounds, max_depth: o.depth })
    .fit(train.frame, train.labels);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "model.json"), model.serialize());
    await writeMatrix(join(dir, "rows.x"), rows.frame);
    const ours: number[] = [],
      theirs: number[] = [],
      oursAll: number[] = [],
      theirsAll: number[] = [];
    let phi: Float64Array<ArrayBufferLike> = new Float64Array();
    const pool = await ParallelScorer.start(model, 0);
    for (let r = 0; r < o.repeats; r++) {
      let t0 = performance.now();
      phi = model.contributions(rows.frame);
      ours.push((performance.now() - t0) / 1000);
      theirs.push(await xgboostRun(dir, o, 1));
      t0 = performance.now();
      await pool.contributions(rows.frame);
      oursAll.push((performance.now() - t0) / 1000);
      theirsAll.push(await xgboostRun(dir, o, 0));
    }
    const threads = pool.threads;
    pool.close();
    const bytes = await Deno.readFile(join(dir, "rows.contribs"));
    const ref = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    let diff = 0;
    for (let i = 0; i < phi.length; i++) diff = Math.max(diff, Math.abs(phi[i]! - ref[i]!));
    return explainTable({ o, trees: model.state.trees.length, threads, diff }, {
      ours,
      theirs,
      oursAll,
      theirsAll,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Our TreeSHAP at least as fast as xgboost's at the same thread count. */
const GOAL = atLeast(1);

/** The printed table: ours and xgboost at one thread and at all, speed vs xgboost, the goal. */
function explainTable(
  r: { o: ExplainBenchOptions; trees: number; threads: number; diff: number },
  s: { ours: number[]; theirs: number[]; oursAll: number[]; theirsAll: number[] },
): string {
  const { o } = r;
  const goals: GoalResult[] = [];
  const line = (
    name: string,
    t: { s: number[]; peer: number[]; threads: string; goal?: boolean },
  ) => {
    const speed = speedFromSeconds(median(t.s), median(t.peer));
    if (t.goal) goals.push({ what: `${name}, ${t.threads} thread(s)`, value: speed, goal: GOAL });
    return [
      name,
      t.threads,
      (median(t.s) * 1000).toFixed(0),
      Math.round(o.rows / median(t.s)).toLocaleString("en-US"),
      formatSpeed(speed),
      t.goal ? goalCheck(speed, GOAL) : "",
    ];
  };
  const all = String(r.threads);
  return [
    `TreeSHAP of ${o.rows} rows × ${o.features} features, ${r.trees} trees of depth ${o.depth}; median of ${o.repeats}, alternating`,
    textTable(["explainer", "threads", "ms", "rows/s", speedHeader("xgboost"), "goal"], [
      line("our WASM TreeSHAP", { s: s.ours, peer: s.theirs, threads: "1", goal: true }),
      line("Python xgboost pred_contribs", { s: s.theirs, peer: s.theirs, threads: "1" }),
      line("our WASM TreeSHAP", { s: s.oursAll, peer: s.theirsAll, threads: all, goal: true }),
      line("Python xgboost pred_contribs", { s: s.theirsAll, peer: s.theirsAll, threads: all }),
    ]),
    speedLegend("xgboost", "xgboost's time / ours at the same thread count"),
    `check, not speed: largest |ours − xgboost| ${r.diff.toExponential(1)}`,
    goalSummary(goals),
  ].join("\n");
}
