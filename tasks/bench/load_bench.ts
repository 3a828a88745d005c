/**
 * The file-loading benchmark: a Parquet file of rows × columns (float64 features and a 0/1 label,
 * written by pyarrow) loaded by the training file source (`readLabeledFile`: columns into
 * `Float64Array`s, labels checked) beside pyarrow's `read_table` (and `read_table` plus one NumPy
 * array per column), alternating, medians of several runs.
 *
 * @module
 */

import { join } from "node:path";
import { readLabeledFile } from "../../lib/features/file_source.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { median } from "./_stats.ts";
import { formatSpeed, speedFromSeconds, speedHeader, speedLegend } from "./_ratio.ts";

/** What to time. */
export interface LoadBenchOptions {
  readonly rows: number;
  readonly columns: number;
  readonly repeats: number;
  readonly python: string;
}

async function py(python: string, args: string[]): Promise<Record<string, number>> {
  const out = await new Deno.Command(python, {
    args: ["tasks/bench/pyarrow_load.py", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

/** Runs the benchmark and returns the printed report. */
export async function benchLoad(o: LoadBenchOptions): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "wide.parquet");
  try {
    const { bytes } = await py(o.python, ["make", path, String(o.rows), String(o.columns)]);
    const ours: number[] = [], table: number[] = [], numpy: number[] = [];
    let peak = 0;
    for (let r = 0; r < o.repeats; r++) {
      const t0 = performance.now();
      const file = await readLabeledFile({ path, label: "label", featureColumns: [] });
      ours.push((performance.now() - t0) / 1000);
      peak = Math.max(peak, Deno.memoryUsage().rss);
      if (file.features.frame.rows !== o.rows) throw new Error("rows lost");
      const p = await py(o.python, ["time", path]);
      table.push(p.read_table!);
      numpy.push(p.to_numpy!);
    }
    const size = `${o.rows.toLocaleString("en-US")} × ${o.columns}`;
    const speed = (peer: number[]) => formatSpeed(speedFromSeconds(median(ours), median(peer)));
    return [
      textTable(["load", "seconds", speedHeader("this loader")], [
        [`ours (readLabeledFile), ${size}`, median(ours).toFixed(2), speed(ours)],
        ["pyarrow read_table", median(table).toFixed(2), speed(table)],
        ["pyarrow read_table + NumPy float64 per column", median(numpy).toFixed(2), speed(numpy)],
      ]),
      speedLegend("this loader", "this loader's time / ours"),
      `median of ${o.repeats} runs, alternating; file ${(bytes! / 2 ** 20).toFixed(0)} MiB; ` +
      `our peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB`,
    ].join("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
