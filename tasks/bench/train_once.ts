/**
 * One timed training run for `bench:train` (run as its own process so peak memory is its own):
 * reads a dataset written by the benchmark, trains in the given mode, prints JSON with seconds,
 * memory and the held-out ROC AUC (scoring is not timed).
 *
 * @module
 */

import { Frame } from "../../lib/data/frame.ts";
import { rocAuc } from "../../lib/evaluate/curves.ts";
import { GradientBoosting } from "../../lib/models/gbt/gradient_boosting.ts";
import { statusMb } from "./_proc.ts";

const [base, features, threads, rounds, mode] = [
  Deno.args[0]!,
  Number(Deno.args[1]),
  Number(Deno.args[2]),
  Number(Deno.args[3]),
  Deno.args[4] ?? "depthwise",
];

async function read(x: string, y: string): Promise<{ frame: Frame; labels: Uint8Array }> {
  const bytes = await Deno.readFile(x);
  const labels = await Deno.readFile(y);
  const m = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const n = labels.length;
  const cols = Array.from({ length: features }, (_, j) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = m[i * features + j]!;
    return c;
  });
  return { frame: new Frame(cols.map((_, j) => `f${j}`), cols), labels };
}

const train = await read(`${base}.x`, `${base}.y`);
const test = await read(`${base}.tx`, `${base}.ty`);
const categorical = (JSON.parse(await Deno.readTextFile(`${base}.cat`)) as number[]).map((j) =>
  `f${j}`
);
const weightBytes = await Deno.readFile(`${base}.w`).catch(() => undefined);
const weights = weightBytes && new Float64Array(weightBytes.buffer, 0, weightBytes.byteLength / 8);
const enable_categorical = categorical.length > 0;
const estimator = mode === "leafwise"
  ? new GradientBoosting(
    {
      max_leaves: 31,
      eta: 0.1,
      num_boost_round: rounds,
      max_bin: 255,
      nthread: threads,
      enable_categorical,
    },
    { type: "lightgbm" },
  )
  : new GradientBoosting({
    max_depth: 6,
    eta: 0.3,
    num_boost_round: rounds,
    max_bin: 256,
    nthread: threads,
    enable_categorical,
  });
const baseline = statusMb("self", "VmRSS");
const t0 = performance.now();
const model = await estimator.fit(train.frame, train.labels, { categorical, weights });
const seconds = (performance.now() - t0) / 1000;
const peakMb = statusMb("self", "VmHWM");
const auc = rocAuc(test.labels, model.predictProba(test.frame));
console.log(JSON.stringify({ seconds, baselineMb: baseline, peakMb, auc }));
