/**
 * The training benchmark: our trainer beside its peers on the same seeded data, parameters and
 * thread count, alternating runs; medians of seconds and peak memory, and each model's ROC AUC on
 * a held-out fifth; speed vs the fastest peer (its time / ours) and the goal. Depth-wise mode
 * (depth 6, eta 0.3, 256 bins) beside xgboost `hist`; leaf-wise mode (31 leaves, eta 0.1, 255
 * bins) beside LightGBM and xgboost `lossguide`.
 *
 * @module
 */

import { join } from "node:path";
import { benchDataset, CATEGORY_COUNTS, type DatasetName } from "./benchmark_set.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { median, writeMatrix } from "./_stats.ts";
import {
  atLeast,
  formatSpeed,
  goalCheck,
  type GoalResult,
  goalSummary,
  MEMORY_DIRECTION,
  speedFromSeconds,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";

interface Run {
  seconds: number;
  baselineMb: number;
  peakMb: number;
  auc: number;
}

/** Training modes and their peers (script per peer). */
export const MODES = {
  depthwise: { xgboost: "tasks/bench/xgboost_once.py" },
  leafwise: { lightgbm: "tasks/bench/lightgbm_once.py", xgboost: "tasks/bench/xgboost_once.py" },
} as const;

/** A mode name. */
export type Mode = keyof typeof MODES;

/** What to time. */
export interface TrainBenchOptions {
  readonly rows: readonly number[];
  /** The datasets (plain, categorical, weighted). */
  readonly data: readonly DatasetName[];
  readonly threads: readonly number[];
  readonly modes: readonly Mode[];
  readonly rounds: number;
  readonly repeats: number;
  readonly features: number;
  readonly python: string;
  /** Called after each size/mode/thread triple. */
  readonly progress?: (line: string) => void;
}

/** Median seconds, MB above the data and AUC of one trainer. */
export interface Timing {
  readonly seconds: number;
  readonly mb: number;
  readonly auc: number;
}

/** One size/mode/thread triple. */
export interface TrainBenchRow {
  readonly rows: number;
  readonly data: DatasetName;
  readonly mode: Mode;
  readonly threads: number;
  readonly ours: Timing;
  /** Each peer by name. */
  readonly peers: Readonly<Record<string, Timing>>;
  /** The data's size as float32, MB. */
  readonly dataMb: number;
}

async function once(cmd: string, args: string[]): Promise<Run> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

/**
 * Writes raw f64 rows and labels: `.x`/`.y` to train on, `.tx`/`.ty` (a fifth as many) to score;
 * the training weights (`.w`, f64) and the categorical columns' indices (`.cat`, JSON).
 */
async function writeData(dir: string, set: { data: DatasetName; n: number; features: number }) {
  const base = join(dir, `${set.data}${set.n}`);
  const parts = [["x", "y", set.n, 1], ["tx", "ty", Math.ceil(set.n / 5), 2]] as const;
  for (const [xs, ys, rows, seed] of parts) {
    const d = benchDataset(set.data, { rows, features: set.features }, seed);
    await writeMatrix(`${base}.${xs}`, d.frame);
    await Deno.writeFile(`${base}.${ys}`, d.labels);
    if (xs === "x" && d.weights) {
      await Deno.writeFile(`${base}.w`, new Uint8Array(d.weights.buffer));
    }
    if (xs === "x") {
      const cat = d.categorical.map((c) => d.frame.names.indexOf(c));
      await Deno.writeTextFile(`${base}.cat`, JSON.stringify(cat));
    }
  }
  return base;
}

function summarize(runs: readonly Run[]): Timing {
  return {
    seconds: median(runs.map((x) => x.seconds)),
    mb: median(runs.map((x) => x.peakMb - x.baselineMb)),
    auc: median(runs.map((x) => x.auc)),
  };
}

/** Runs the benchmark. */
export async function benchTrain(o: TrainBenchOptions): Promise<TrainBenchRow[]> {
  const dir = await Deno.makeTempDir();
  const out: TrainBenchRow[] = [];
  try {
    for (const n of o.rows) {
      for (const data of o.data) {
        const base = await writeData(dir, { data, n, features: o.features });
        for (const mode of o.modes) {
          for (const t of o.threads) {
            const row = { ...await triple(o, { base, n, mode, t }), data };
            out.push(row);
            o.progress?.(
              `${n} rows ${data}, ${mode}, ${t} thread(s): ours ${
                row.ours.seconds.toFixed(2)
              } s, ` +
                Object.entries(row.peers).map(([k, v]) => `${k} ${v.seconds.toFixed(2)} s`).join(
                  ", ",
                ),
            );
          }
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return out;
}

async function triple(
  o: TrainBenchOptions,
  { base, n, mode, t }: { base: string; n: number; mode: Mode; t: number },
): Promise<Omit<TrainBenchRow, "data">> {
  const args = [base, String(o.features), String(t), String(o.rounds), mode];
  const ours: Run[] = [];
  const peers: Record<string, Run[]> = {};
  for (let r = 0; r < o.repeats; r++) { // alternate: all see the same machine state
    ours.push(await once(Deno.execPath(), ["run", "-A", "tasks/bench/train_once.ts", ...args]));
    for (const [name, script] of Object.entries(MODES[mode])) {
      (peers[name] ??= []).push(await once(o.python, [script, ...args]));
    }
  }
  return {
    rows: n,
    mode,
    threads: t,
    ours: summarize(ours),
    peers: Object.fromEntries(Object.entries(peers).map(([k, v]) => [k, summarize(v)])),
    dataMb: (n * o.features * 4) / 2 ** 20,
  };
}

/** Our training 1.25× the fastest peer's speed (our time at most 0.8 of theirs). */
const GOAL = atLeast(1.25);

/** The results as the printed table, headed by when they were measured (UTC). */
export function formatTrainBench(
  rows: readonly TrainBenchRow[],
  o: { features: number; rounds: number; repeats: number; measured: Date },
): string {
  const f = (x: number, d = 2) => (Number.isNaN(x) ? "-" : x.toFixed(d));
  const peer = (r: TrainBenchRow, name: string) => r.peers[name];
  const goals: GoalResult[] = [];
  const lines = rows.map((r) => {
    const best = Math.min(...Object.values(r.peers).map((p) => p.seconds));
    const speed = speedFromSeconds(r.ours.seconds, best);
    goals.push({
      what: `${r.rows} rows ${r.data}, ${r.mode}, ${r.threads} thread(s)`,
      value: speed,
      goal: GOAL,
    });
    return [
      String(r.rows),
      r.data,
      r.mode,
      String(r.threads),
      f(r.ours.seconds),
      f(peer(r, "lightgbm")?.seconds ?? NaN),
      f(peer(r, "xgboost")?.seconds ?? NaN),
      formatSpeed(speed),
      goalCheck(speed, GOAL),
      f(r.ours.auc, 4),
      f(peer(r, "lightgbm")?.auc ?? NaN, 4),
      f(peer(r, "xgboost")?.auc ?? NaN, 4),
      f(r.ours.mb, 0),
      f(r.ours.mb / r.dataMb),
    ];
  });
  const times = ["ours s", "LightGBM s", "xgboost s", speedHeader("fastest peer"), "goal"];
  const quality = ["AUC ours", "AUC LightGBM", "AUC xgboost"];
  return [
    `bench:train, measured ${o.measured.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `Training ${o.features} features, ${o.rounds} rounds; depthwise: depth 6, eta 0.3, 256 bins ` +
    `(peer xgboost hist); leafwise: 31 leaves, eta 0.1, 255 bins (peers LightGBM, xgboost ` +
    `lossguide); median of ${o.repeats} runs, alternating; data: plain, categorical (columns of ` +
    `${CATEGORY_COUNTS.join(", ")} categories, each trainer's native categorical splits), ` +
    `weighted (row weights)`,
    textTable(
      [
        "rows",
        "data",
        "mode",
        "threads",
        ...times,
        ...quality,
        "ours MB",
        "MB / f32 data (lower is better)",
      ],
      lines,
    ),
    speedLegend("fastest peer", "the fastest peer's time / ours"),
    "AUC (quality, not speed) on a held-out fifth; ours MB = peak RSS above the loaded data; " +
    `MB / f32 data = ${MEMORY_DIRECTION}`,
    goalSummary(goals),
  ].join("\n");
}
