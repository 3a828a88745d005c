/**
 * The scoring benchmark: the same rows and model scored by onnxruntime-node, our WASM predictor
 * and Python xgboost's `predict`, in one run, and the ONNX export time.
 *
 * @module
 */

import { join } from "node:path";
import type { Frame } from "../../lib/data/frame.ts";
import { GradientBoosting } from "../../lib/models/gbt/gradient_boosting.ts";
import { exportOnnx } from "../../lib/onnx/export_model.ts";
import { ParallelScorer } from "../../lib/models/gbt/parallel_scorer.ts";
import { OnnxScorer } from "../../lib/onnx/onnx_scorer.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { nonLinear } from "./benchmark_set.ts";
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

/** What to time. */
export interface PredictBenchOptions {
  readonly rows: number;
  readonly features: number;
  readonly rounds: number;
  readonly depth: number;
  readonly repeats: number;
  readonly python: string;
}

interface XgbTiming {
  seconds: number[];
  latency_us: Record<string, number>;
}

async function xgboostTimes(
  dir: string,
  o: PredictBenchOptions,
  nthread: number,
): Promise<XgbTiming> {
  const out = await new Deno.Command(o.python, {
    args: [
      "tasks/bench/xgboost_predict.py",
      join(dir, "model.json"),
      join(dir, "rows"),
      String(o.features),
      String(o.repeats),
      String(nthread),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

/** Median µs of scoring 1 and 100 rows, over 200 calls each. */
async function latency(
  score: (f: Frame) => unknown,
  frame: Frame,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const rows of [1, 100]) {
    const parts = Array.from({ length: 200 }, (_, k) => {
      const at = (k * rows) % (frame.rows - rows);
      return frame.take(Int32Array.from({ length: rows }, (_, i) => at + i));
    });
    const t: number[] = [];
    for (const part of parts) {
      const t0 = performance.now();
      await score(part);
      t.push((performance.now() - t0) * 1000);
    }
    out[String(rows)] = median(t);
  }
  return out;
}

/** Runs the benchmark and returns the printed report. */
export async function benchPredict(o: PredictBenchOptions): Promise<string> {
  const { rows: n, features: f, repeats } = o;
  const train = nonLinear(100_000, f, 1, 0.05), rows = nonLinear(n, f, 2, 0.05);
  const model = await new GradientBoosting({ num_boost_round: o.rounds, max_depth: o.depth })
    .fit(train.frame, train.labels);
  const exportTimes: number[] = [];
  let onnx: Uint8Array = new Uint8Array();
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    onnx = exportOnnx(model);
    exportTimes.push((performance.now() - t0) / 1000);
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "model.json"), model.serialize());
    await writeMatrix(join(dir, "rows.x"), rows.frame);
    // Ours first: onnxruntime's idle threads keep spinning after a run and would take our core.
    const wasm: number[] = [], ort: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      model.predictProba(rows.frame);
      wasm.push((performance.now() - t0) / 1000);
    }
    const small: Record<string, Record<string, number>> = {
      wasm: await latency((fr) => model.predictProba(fr), rows.frame),
    };
    // The same kernels on every thread (rows split per thread).
    const pool = await ParallelScorer.start(model, 0);
    // One untimed call: the workers' first pass over fresh memory (as the main thread's had).
    await pool.predictProba(rows.frame);
    const wasmAll: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await pool.predictProba(rows.frame);
      wasmAll.push((performance.now() - t0) / 1000);
    }
    small.wasmAll = await latency((fr) => pool.predictProba(fr), rows.frame);
    pool.close();
    const scorer = await OnnxScorer.load(onnx);
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await scorer.predictProba(rows.frame);
      ort.push((performance.now() - t0) / 1000);
    }
    small.ort = await latency((fr) => scorer.predictProba(fr), rows.frame);
    await scorer.release();
    const [xgb1, xgbAll] = [await xgboostTimes(dir, o, 1), await xgboostTimes(dir, o, 0)];
    return predictTable(
      { o, trees: model.state.trees.length, exportTimes, onnxBytes: onnx.length },
      [
        {
          name: "our WASM predictor",
          threads: "1",
          s: wasm,
          lat: small.wasm!,
          peer: xgb1.seconds,
          ours: true,
        },
        { name: "Python xgboost predict", threads: "1", s: xgb1.seconds, lat: xgb1.latency_us },
        {
          name: "our WASM predictor",
          threads: "all",
          s: wasmAll,
          lat: small.wasmAll!,
          peer: xgbAll.seconds,
          ours: true,
        },
        { name: "onnxruntime-node", threads: "all", s: ort, lat: small.ort!, peer: xgbAll.seconds },
        {
          name: "Python xgboost predict",
          threads: "all",
          s: xgbAll.seconds,
          lat: xgbAll.latency_us,
        },
      ],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Our WASM predictor 1.5× xgboost's speed at the same thread count. */
const GOAL = atLeast(1.5);

/** One scorer's timings; `peer` (xgboost's seconds at the same threads) when it is compared. */
interface ScorerTiming {
  readonly name: string;
  readonly threads: string;
  readonly s: number[];
  readonly lat: Record<string, number>;
  readonly peer?: number[];
  /** Our predictor: the goal applies. */
  readonly ours?: boolean;
}

/** The printed table: rows/s, speed vs xgboost and our predictor's goal, latency, export time. */
function predictTable(
  r: { o: PredictBenchOptions; trees: number; exportTimes: number[]; onnxBytes: number },
  scorers: readonly ScorerTiming[],
): string {
  const { o } = r;
  const goals: GoalResult[] = [];
  const rows = scorers.map((t) => {
    const speed = t.peer ? speedFromSeconds(median(t.s), median(t.peer)) : 1;
    const ours = t.ours === true;
    if (ours) goals.push({ what: `${t.name}, ${t.threads} thread(s)`, value: speed, goal: GOAL });
    return [
      t.name,
      t.threads,
      (median(t.s) * 1000).toFixed(1),
      Math.round(o.rows / median(t.s)).toLocaleString("en-US"),
      formatSpeed(speed),
      ours ? goalCheck(speed, GOAL) : "",
      t.lat["1"]!.toFixed(0),
      t.lat["100"]!.toFixed(0),
    ];
  });
  const header = ["scorer", "threads", "ms", "rows/s", speedHeader("xgboost"), "goal"];
  return [
    `Scoring ${o.rows} rows × ${o.features} features with ${r.trees} trees of depth ${o.depth}; median of ${o.repeats}; latency: median of 200 calls`,
    textTable([...header, "1 row µs", "100 rows µs"], rows),
    speedLegend("xgboost", "xgboost's time / this scorer's at the same thread count"),
    `ONNX export of the model: ${
      (median(r.exportTimes) * 1000).toFixed(1)
    } ms (${r.onnxBytes} bytes)`,
    goalSummary(goals),
  ].join("\n");
}
