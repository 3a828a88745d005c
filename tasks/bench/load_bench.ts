/**
 * The file-loading benchmark: a Parquet file of rows × columns (float64 features and a 0/1 label,
 * written by pyarrow) read by our Parquet reader (`readTable`: a `Float64Array` per column) and
 * loaded by the training file source (`readLabeledFile`: the reader, then labels checked and
 * feature kinds inferred), beside pyarrow's `read_table` (and `read_table` plus one NumPy
 * array per column), alternating, medians of several runs. The goal: the reader at most 2×
 * `read_table`'s time. Then a transaction log read by the log source beside `read_table`
 * (`log_load.ts`), with the same goal.
 *
 * @module
 */

import { join } from "node:path";
import { readTable } from "../../lib/data/read_table.ts";
import { readLabeledFile } from "../../lib/features/file_source.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { median } from "./_stats.ts";
import { benchLogLoad, LOG_GOAL } from "./log_load.ts";
import {
  atLeast,
  formatSpeed,
  goalCheck,
  goalSummary,
  speedFromSeconds,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";

/** What to time. */
export interface LoadBenchOptions {
  readonly rows: number;
  readonly columns: number;
  /** Transactions in the log (0: no log). */
  readonly logRows: number;
  readonly repeats: number;
  readonly python: string;
}

/** Reading a Parquet file: at most 2× pyarrow's `read_table`. */
const GOAL = atLeast(0.5);

/**
 * Runs `pyarrow_load.py` with `pyarrow.dataset` imported first: `read_table` imports it on its
 * first call (~0.2 s), a cost of Python's start, not of reading, as our module loading is not
 * timed either.
 */
const PYARROW_LOAD = "import runpy, sys, pyarrow.dataset; sys.argv[0] = 'pyarrow_load.py'; " +
  "runpy.run_path('tasks/bench/pyarrow_load.py', run_name='__main__')";

async function py(python: string, args: string[]): Promise<Record<string, number>> {
  const out = await new Deno.Command(python, {
    args: ["-c", PYARROW_LOAD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

/** Seconds of each load, run after run. */
interface LoadTimes {
  readonly reader: number[];
  readonly source: number[];
  readonly table: number[];
  readonly numpy: number[];
  peak: number;
}

async function timeRuns(o: LoadBenchOptions, path: string): Promise<LoadTimes> {
  const t: LoadTimes = { reader: [], source: [], table: [], numpy: [], peak: 0 };
  const seconds = (t0: number) => (performance.now() - t0) / 1000;
  for (let r = 0; r < o.repeats; r++) {
    let t0 = performance.now();
    if ((await readTable(path)).rows !== o.rows) throw new Error("rows lost");
    t.reader.push(seconds(t0));
    t0 = performance.now();
    const file = await readLabeledFile({ path, label: "label", featureColumns: [] });
    t.source.push(seconds(t0));
    t.peak = Math.max(t.peak, Deno.memoryUsage().rss);
    if (file.features.frame.rows !== o.rows) throw new Error("rows lost");
    const p = await py(o.python, ["time", path]);
    t.table.push(p.read_table!);
    t.numpy.push(p.to_numpy!);
  }
  return t;
}

/** Runs the benchmark and returns the printed report. */
export async function benchLoad(o: LoadBenchOptions): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "wide.parquet");
  try {
    const { bytes } = await py(o.python, ["make", path, String(o.rows), String(o.columns)]);
    const t = await timeRuns(o, path);
    const [reader, source, table, numpy] = [t.reader, t.source, t.table, t.numpy].map(median);
    const vsTable = speedFromSeconds(reader!, table!);
    const size = `${o.rows.toLocaleString("en-US")} × ${o.columns}`;
    const log = o.logRows
      ? await benchLogLoad({ ...o, rows: o.logRows, dir, py: (args) => py(o.python, args) })
      : undefined;
    return [
      textTable(["load", "seconds", speedHeader("read_table"), "goal"], [
        [
          `ours: Parquet reader (readTable), ${size}`,
          reader!.toFixed(2),
          formatSpeed(vsTable),
          goalCheck(vsTable, GOAL),
        ],
        [
          "ours: file source (readLabeledFile: the reader, then labels and feature kinds)",
          source!.toFixed(2),
          formatSpeed(speedFromSeconds(source!, table!)),
          "",
        ],
        ["pyarrow read_table", table!.toFixed(2), "", ""],
        ["pyarrow read_table + NumPy float64 per column", numpy!.toFixed(2), "", ""],
        ...(log?.rows ?? []),
      ]),
      speedLegend("read_table", "pyarrow read_table's time / ours"),
      `median of ${o.repeats} runs, alternating (pyarrow timed after its imports); ` +
      `file ${(bytes! / 2 ** 20).toFixed(0)} MiB; ` +
      `our peak RSS ${(t.peak / 2 ** 30).toFixed(2)} GiB`,
      ...(log ? [log.note] : []),
      goalSummary([
        { what: "Parquet reader vs read_table", value: vsTable, goal: GOAL },
        ...(log
          ? [{ what: "transaction log vs read_table", value: log.speed, goal: LOG_GOAL }]
          : []),
      ]),
    ].join("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
