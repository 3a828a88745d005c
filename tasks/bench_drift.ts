/**
 * `deno task bench:drift`: data drift on 1,000 embedded rows × 17 features (the default
 * `deno task drift` size), and KS on 1M × 30 vs 1M × 30 beside scipy's ks_2samp on the same data
 * in one run, with the ratio and the largest p-value difference.
 *
 * Flags: --rows 1000000  --features 30  --repeats 3
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { detectDataDrift } from "../lib/drift/data_drift.ts";
import { ks2samp } from "../lib/drift/ks.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { textTable } from "../lib/report/text_table.ts";
import { Rng } from "../lib/util/rng.ts";
import { runMain } from "./_main.ts";
import { median } from "./bench/_stats.ts";

await runMain("bench:drift", async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "1000000" },
      features: { type: "string", default: "30" },
      repeats: { type: "string", default: "3" },
    },
  });
  const n = Number(values.rows), f = Number(values.features), repeats = Number(values.repeats);
  const python = Deno.env.get("FRAUD_PYTHON") ?? ".venv/bin/python";

  const cols = (seed: number) => {
    const { frame } = embeddedFeatures({
      samples: 1000,
      seed,
      snapshotTime: "2024-06-03T03:00:00Z",
    });
    return TRANSACTION_VIEW.features.map((x) => ({
      name: x.name,
      kind: x.kind,
      values: frame.column(x.name),
    }));
  };
  const small: number[] = [];
  const [ra, cu] = [cols(1), cols(2)];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    detectDataDrift(ra, cu);
    small.push((performance.now() - t0) / 1000);
  }

  const rng = new Rng(7);
  const ref = new Float64Array(n * f), cur = new Float64Array(n * f);
  for (let i = 0; i < ref.length; i++) {
    ref[i] = Math.round(rng.normal() * 1000) / 1000; // ties, as real features have
    cur[i] = Math.round((rng.normal() + 0.002) * 1000) / 1000;
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(join(dir, "d.ref"), new Uint8Array(ref.buffer));
    await Deno.writeFile(join(dir, "d.cur"), new Uint8Array(cur.buffer));
    const ours: number[] = [];
    let p: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      p = Array.from(
        { length: f },
        (_, j) =>
          ks2samp(ref.subarray(j * n, (j + 1) * n), cur.subarray(j * n, (j + 1) * n)).pValue,
      );
      ours.push((performance.now() - t0) / 1000);
    }
    const out = await new Deno.Command(python, {
      args: ["tasks/bench/scipy_drift.py", join(dir, "d"), String(f), String(repeats)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    const sp = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    const maxRel = Math.max(...p.map((x, j) => Math.abs(x - sp.p[j]) / Math.max(sp.p[j], 1e-300)));
    console.log(textTable(["benchmark", "ours s", "scipy s", "ratio"], [
      ["data drift, 1,000 × 17 (KS + chi-square + PSI)", median(small).toFixed(4), "-", "-"],
      [
        `KS, ${n.toLocaleString("en-US")} × ${f} vs ${n.toLocaleString("en-US")} × ${f}`,
        median(ours).toFixed(2),
        median(sp.seconds).toFixed(2),
        (median(ours) / median(sp.seconds)).toFixed(2),
      ],
    ]));
    console.log(
      `median of ${repeats} runs; ratio = ours / scipy; largest relative p-value difference ${
        maxRel.toExponential(2)
      }`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
});
