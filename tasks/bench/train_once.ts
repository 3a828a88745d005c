/**
 * One timed training run for `bench:train` (run as its own process so peak memory is its own):
 * reads a dataset written by the benchmark, trains, prints JSON with seconds and memory.
 *
 * @module
 */

import { Frame } from "../../lib/data/frame.ts";
import { GradientBoosting } from "../../lib/models/gbt/gradient_boosting.ts";

const [base, features, threads, rounds] = [
  Deno.args[0]!,
  Number(Deno.args[1]),
  Number(Deno.args[2]),
  Number(Deno.args[3]),
];
const bytes = await Deno.readFile(`${base}.x`);
const labels = await Deno.readFile(`${base}.y`);
const x = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
const n = labels.length;
const cols = Array.from({ length: features }, (_, j) => {
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = x[i * features + j]!;
  return c;
});
const frame = new Frame(cols.map((_, j) => `f${j}`), cols);
const baseline = rssMb("VmRSS");
const t0 = performance.now();
await new GradientBoosting({
  max_depth: 6,
  eta: 0.3,
  num_boost_round: rounds,
  max_bin: 256,
  nthread: threads,
})
  .fit(frame, labels);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, baselineMb: baseline, peakMb: rssMb("VmHWM") }));

function rssMb(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Number(m[1]) / 1024 : NaN;
}
