/**
 * `deno task bench:predict`: batch scoring of the same rows with the same model by
 * onnxruntime-node, by our WASM predictor, and by Python xgboost's `predict`, in one run; prints
 * median rows/s of each and the ONNX export time.
 *
 * Flags: --rows 100000  --features 30  --rounds 100  --depth 6  --repeats 5
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { nonLinear } from "./bench/benchmark_set.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { exportOnnx } from "../lib/onnx/export_model.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { textTable } from "../lib/report/text_table.ts";
import { runMain } from "./_main.ts";
import { median } from "./bench/_stats.ts";

await runMain("bench:predict", async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "100000" },
      features: { type: "string", default: "30" },
      rounds: { type: "string", default: "100" },
      depth: { type: "string", default: "6" },
      repeats: { type: "string", default: "5" },
    },
  });
  const n = Number(values.rows), f = Number(values.features), repeats = Number(values.repeats);
  const python = Deno.env.get("FRAUD_PYTHON") ?? ".venv/bin/python";
  const train = nonLinear(100_000, f, 1, 0.05), rows = nonLinear(n, f, 2, 0.05);
  const model = await new GradientBoosting({
    num_boost_round: Number(values.rounds),
    max_depth: Number(values.depth),
  })
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
    const out = await new Deno.Command(python, {
      args: [
        "tasks/bench/xgboost_predict.py",
        join(dir, "model.json"),
        join(dir, "rows"),
        String(f),
        String(repeats),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    const xgb: number[] =
      JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!).seconds;
    const row = (name: string, threads: string, s: number[]) => [
      name,
      threads,
      (median(s) * 1000).toFixed(1),
      Math.round(n / median(s)).toLocaleString("en-US"),
      (median(s) / median(xgb)).toFixed(2),
    ];
    console.log(
      `Scoring ${n} rows × ${f} features with ${model.state.trees.length} trees of depth ${values.depth}; median of ${repeats}`,
    );
    console.log(textTable(["scorer", "threads", "ms", "rows/s", "time vs xgboost"], [
      row("onnxruntime-node", "all", ort),
      row("our WASM predictor", "1", wasm),
      row("Python xgboost predict", "all", xgb),
    ]));
    console.log(
      `ONNX export of the model: ${
        (median(exportTimes) * 1000).toFixed(1)
      } ms (${onnx.length} bytes)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
});
