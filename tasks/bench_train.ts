/**
 * `deno task bench:train`: our trainer beside Python xgboost `hist` on the same seeded data,
 * same parameters (depth 6, 256 bins, eta 0.3) and thread count, in one run. Prints median
 * seconds of each, their ratio (ours / xgboost), and peak memory above the data already loaded.
 *
 * Flags: --rows 100000,1000000  --threads 1,2  --rounds 100  --repeats 3  --features 30
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { nonLinear } from "./bench/benchmark_set.ts";
import { textTable } from "../lib/report/text_table.ts";
import { runMain } from "./_main.ts";
import { median } from "./bench/_stats.ts";

interface Run {
  seconds: number;
  baselineMb: number;
  peakMb: number;
}

async function once(cmd: string, args: string[]): Promise<Run> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (out.code !== 0) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

await runMain("bench:train", async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "100000,1000000" },
      threads: { type: "string", default: "1,2" },
      rounds: { type: "string", default: "100" },
      repeats: { type: "string", default: "3" },
      features: { type: "string", default: "30" },
    },
  });
  const python = Deno.env.get("FRAUD_PYTHON") ?? ".venv/bin/python";
  const features = Number(values.features),
    rounds = values.rounds!,
    repeats = Number(values.repeats);
  const dir = await Deno.makeTempDir();
  const rows: string[][] = [];
  try {
    for (const n of values.rows!.split(",").map(Number)) {
      const d = nonLinear(n, features, 1, 0.05);
      const m = new Float64Array(n * features);
      d.frame.columns.forEach((c, j) => {
        for (let i = 0; i < n; i++) m[i * features + j] = c[i]!;
      });
      const base = join(dir, `data${n}`);
      await Deno.writeFile(`${base}.x`, new Uint8Array(m.buffer));
      await Deno.writeFile(`${base}.y`, d.labels);
      const dataMb = (n * features * 4) / 2 ** 20;
      for (const t of values.threads!.split(",")) {
        const ours: Run[] = [], theirs: Run[] = [];
        for (let r = 0; r < repeats; r++) {
          // Alternate so that both see the same machine state.
          ours.push(
            await once(Deno.execPath(), [
              "run",
              "-A",
              "tasks/bench/train_once.ts",
              base,
              String(features),
              t,
              rounds,
            ]),
          );
          theirs.push(
            await once(python, ["tasks/bench/xgboost_once.py", base, String(features), t, rounds]),
          );
        }
        const a = median(ours.map((o) => o.seconds)), b = median(theirs.map((o) => o.seconds));
        const memOurs = median(ours.map((o) => o.peakMb - o.baselineMb));
        const memTheirs = median(theirs.map((o) => o.peakMb - o.baselineMb));
        rows.push([
          String(n),
          t,
          a.toFixed(2),
          b.toFixed(2),
          (a / b).toFixed(2),
          memOurs.toFixed(0),
          memTheirs.toFixed(0),
          (memOurs / dataMb).toFixed(2),
        ]);
        console.error(
          `bench:train: ${n} rows, ${t} thread(s): ours ${a.toFixed(2)} s, xgboost ${
            b.toFixed(2)
          } s`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(
    `Training ${features} features, ${rounds} rounds, depth 6, 256 bins; median of ${repeats} runs`,
  );
  console.log(textTable(
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
    rows,
  ));
  console.log("ratio = ours / xgboost (≤ 1.0 is the goal); MB = peak RSS above the loaded data");
  return 0;
});
