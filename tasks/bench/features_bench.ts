/**
 * bench:features — the point-in-time features of a transaction log shaped as the handbook's
 * simulated one (1.8M transactions by default), ours beside a vectorized pandas implementation
 * of the same windows, alternating runs, medians; with the largest difference between the two.
 *
 * @module
 */

import { join } from "node:path";
import { readTransactionLog } from "../../lib/features/log_source.ts";
import { pointInTimeFeatures } from "../../lib/features/point_in_time.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { median } from "./_stats.ts";
import {
  atLeast,
  goalCheck,
  goalSummary,
  speedFromSeconds,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";

/** What to generate and how often to time it. */
export interface FeaturesBenchOptions {
  readonly customers: number;
  readonly terminals: number;
  readonly days: number;
  readonly repeats: number;
  readonly python: string;
}

const WINDOWS = [1, 7, 30], DELAY = 7;
const GOAL = atLeast(1);

async function python(py: string, args: readonly string[]): Promise<string> {
  const out = await new Deno.Command(py, { args: [...args], stdout: "piped", stderr: "piped" })
    .output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
}

/** Runs the benchmark and returns the printed report. */
export async function benchFeatures(o: FeaturesBenchOptions): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "log.parquet"), check = join(dir, "pandas.f64");
    const rows = Number(
      await python(o.python, [
        "tasks/bench/make_log.py",
        path,
        ...[o.customers, o.terminals, o.days, 1].map(String),
      ]),
    );
    const t0 = performance.now();
    const log = await readTransactionLog({
      path,
      entityColumn: "entity_id",
      counterpartyColumn: "counterparty_id",
      timeColumn: "time",
      amountColumn: "amount",
      labelColumn: "label",
    });
    const read = (performance.now() - t0) / 1000;
    const ours: number[] = [], pandas: number[] = [];
    let frame = pointInTimeFeatures(log, { windowsDays: WINDOWS, delayDays: DELAY }).frame;
    for (let r = 0; r < o.repeats; r++) {
      const t = performance.now();
      frame = pointInTimeFeatures(log, { windowsDays: WINDOWS, delayDays: DELAY }).frame;
      ours.push((performance.now() - t) / 1000);
      const args = [path, WINDOWS.join(","), String(DELAY), r ? "-" : check, "1"];
      pandas.push(
        JSON.parse(await python(o.python, ["tasks/bench/pandas_features.py", ...args]))
          .seconds[0],
      );
    }
    const theirs = new Float64Array((await Deno.readFile(check)).buffer);
    let diff = 0;
    frame.columns.forEach((c, j) => {
      for (let i = 0; i < c.length; i++) {
        const d = Math.abs(c[i]! - theirs[j * c.length + i]!) / Math.max(1, Math.abs(c[i]!));
        if (d > diff) diff = d;
      }
    });
    return featuresTable({ rows, read, ours, pandas, diff, width: frame.width });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function featuresTable(r: {
  rows: number;
  read: number;
  ours: number[];
  pandas: number[];
  diff: number;
  width: number;
}): string {
  const speed = speedFromSeconds(median(r.ours), median(r.pandas));
  const what = `${r.width} point-in-time features of ${
    r.rows.toLocaleString("en-US")
  } transactions`;
  return [
    textTable(["benchmark", "ours s", "pandas s", speedHeader("pandas"), "goal"], [[
      what,
      median(r.ours).toFixed(3),
      median(r.pandas).toFixed(3),
      `${speed.toFixed(2)}×`,
      goalCheck(speed, GOAL),
    ]]),
    `median of ${r.ours.length} runs each, alternating; ${speedLegend("pandas")}`,
    `(windows ${
      WINDOWS.join(", ")
    } days, label delay ${DELAY} days; reading the log from Parquet ` +
    `took ${r.read.toFixed(2)} s, not counted — bench:load measures reading)`,
    `check, not speed: largest relative difference from pandas ${r.diff.toExponential(2)}`,
    goalSummary([{ what, value: speed, goal: GOAL }]),
  ].join("\n");
}
