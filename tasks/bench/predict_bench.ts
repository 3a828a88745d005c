/**
 * The scoring benchmark: the same rows and model scored by onnxruntime-node, our WASM predictor
 * and Python xgboost's `predict`, in one run, and the ONNX export time.
 *
 * @module
 */

import { join } from "node:path";
import { GradientBoosting } from "../../lib/models/gbt/gradient_boosting.ts";
import { exportOnnx } from "../../lib/onnx/export_model.ts";
import { OnnxScorer } from "../../lib/onnx/onnx_scorer.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { nonLinear } from "./benchmark_set.ts";
import { median } from "./_stats.ts";

/** What to time. */
export interface PredictBenchOptions {
  readonly rows: number;
  readonly features: number;
  readonly rounds: number;
  readonly depth: number;
  readonly repeats: number;
  readonly python: string;
}

async function xgboostSeconds(dir: string, o: PredictBenchOptions): Promise<number[]> {
  const out = await new Deno.Command(o.python, {
    args: [
      "tasks/bench/xgboost_predict.py",
      join(dir, "model.json"),
      join(dir, "rows"),
      String(o.features),
      String(o.repeats),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!).seconds;
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
    const m = new Float64Array(n * f);
    rows.frame.columns.forEach((c, j) => {
      for (let i = 0; i < n; i++) m[i * f + j] = c[i]!;
    });
    await Deno.writeFile(join(dir, "rows.x"), new Uint8Array(m.buffer));
    const wasm: number[] = [], ort: number[] = [];
    const scorer = await OnnxScorer.load(onnx);
    for (let r = 0; r < repeats; r++) {
      let t0 = performance.now();
      model.predictProba(rows.frame);
      wasm.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      await scorer.predictProba(rows.frame);
      ort.push((performance.now() - t0) / 1000);
    }
    await scorer.release();
    const xgb = await xgboostSeconds(dir, o);
    const row = (
      name: string,
      threads: string,
      s: number[],
    ) => [
      name,
      threads,
      (median(s) * 1000).toFixed(1),
      Math.round(n / median(s)).toLocaleString("en-US"),
      (median(s) / median(xgb)).toFixed(2),
    ];
    return [
      `Scoring ${n} rows × ${f} features with ${model.state.trees.length} trees of depth ${o.depth}; median of ${repeats}`,
      textTable(["scorer", "threads", "ms", "rows/s", "time vs xgboost"], [
        row("onnxruntime-node", "all", ort),
        row("our WASM predictor", "1", wasm),
        row("Python xgboost predict", "all", xgb),
      ]),
      `ONNX export of the model: ${
        (median(exportTimes) * 1000).toFixed(1)
      } ms (${onnx.length} bytes)`,
    ].join("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
