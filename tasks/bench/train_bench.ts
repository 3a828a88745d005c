/**
 * The training benchmark: our trainer and Python xgboost `hist` on the same seeded data, same
 * parameters and thread count, alternating runs; medians of seconds and peak memory.
 *
 * @module
 */

import { join } from "node:path";
import { nonLinear } from "./benchmark_set.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { median } from "./_stats.ts";

interface Run {
  seconds: number;
  baselineMb: number;
  peakMb: number;
}

/** What to time. */
export interface TrainBenchOptions {
  readonly rows: readonly number[];
  readonly threads: readonly number[];
  readonly rounds: number;
  readonly repeats: number;
  readonly features: number;
  readonly python: string;
  /** Called after each size/thread pair. */
  readonly progress?: (line: string) => void;
}

/** One size/thread pair: median seconds and MB above the data, ours and xgboost's. */
export interface TrainBenchRow {
  readonly rows: number;
  readonly threads: number;
  readonly ours: number;
  readonly xgboost: number;
  readonly oursMb: number;
  readonly xgboostMb: number;
  /** The data's size as float32, MB. */
  readonly dataMb: number;
}

async function once(cmd: string, args: string[]): Promise<Run> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

/** Writes the data as raw f64 rows (`.x`) and labels (`.y`) for both trainers. */
async function writeData(dir: string, n: number, features: number): Promise<string> {
  const d = nonLinear(n, features, 1, 0.05);
  const m = new Float64Array(n * features);
  d.frame.columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) m[i * features + j] = c[i]!;
  });
  const base = join(dir, `data${n}`);
  await Deno.writeFile(`${base}.x`, new Uint8Array(m.buffer));
  await Deno.writeFile(`${base}.y`, d.labels);
  return base;
}

/** Runs the benchmark. */
export async function benchTrain(o: TrainBenchOptions): Promise<TrainBenchRow[]> {
  const dir = await Deno.makeTempDir();
  const out: TrainBenchRow[] = [];
  try {
    for (const n of o.rows) {
      const base = await writeData(dir, n, o.features);
      for (const t of o.threads) {
        const ours: Run[] = [], theirs: Run[] = [];
        const args = [base, String(o.features), String(t), String(o.rounds)];
        for (let r = 0; r < o.repeats; r++) { // alternate: both see the same machine state
          ours.push(
            await once(Deno.execPath(), ["run", "-A", "tasks/bench/train_once.ts", ...args]),
          );
          theirs.push(await once(o.python, ["tasks/bench/xgboost_once.py", ...args]));
        }
        const row = {
          rows: n,
          threads: t,
          ours: median(ours.map((x) => x.seconds)),
          xgboost: median(theirs.map((x) => x.seconds)),
          oursMb: median(ours.map((x) => x.peakMb - x.baselineMb)),
          xgboostMb: median(theirs.map((x) => x.peakMb - x.baselineMb)),
          dataMb: (n * o.features * 4) / 2 ** 20,
        };
        out.push(row);
        o.progress?.(
          `${n} rows, ${t} thread(s): ours ${row.ours.toFixed(2)} s, xgboost ${
            row.xgboost.toFixed(2)
          } s`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return out;
}

/** The results as the printed table. */
export function formatTrainBench(
  rows: readonly TrainBenchRow[],
  o: { features: number; rounds: number; repeats: number },
): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  return [
    `Training ${o.features} features, ${o.rounds} rounds, depth 6, 256 bins; median of ${o.repeats} runs`,
    textTable(
      [
        "rows",
        "threads",
        "ours s",
        "xgboost s",
        "ratio",
        "ours MB",
        "xgboost MB",
        "ours MB / f32 data",
      ],
      rows.map((r) => [
        String(r.rows),
        String(r.threads),
        f(r.ours),
        f(r.xgboost),
        f(r.ours / r.xgboost),
        f(r.oursMb, 0),
        f(r.xgboostMb, 0),
        f(r.oursMb / r.dataMb),
      ]),
    ),
    "ratio = ours / xgboost (≤ 1.0 is the goal); MB = peak RSS above the loaded data",
  ].join("\n");
}
