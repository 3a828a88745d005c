/**
 * The Dask benchmark: the same fit (the benchmark set's rows × 30 features, xgboost parameters)
 * on our local engine and on a Dask cluster of two single-thread workers on this machine, through
 * the pipeline's own Dask engine (Parquet partitions, the entry point, xgboost.dask, the booster
 * loaded back): seconds, the test ROC AUC of each, and the peak memory of every process — ours,
 * the entry point (the Dask client) and each worker. Honest numbers, not a speed claim: on one
 * machine the cluster pays for Parquet, processes and the network.
 *
 * @module
 */

import { join } from "node:path";
import { defaultConfig } from "../../lib/config/schema.ts";
import { rocAuc } from "../../lib/evaluate/curves.ts";
import { createEstimator } from "../../lib/models/factory.ts";
import { daskEstimator } from "../../lib/pipeline/dask_engine.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { Logger } from "../../lib/util/logger.ts";
import { nonLinear } from "./benchmark_set.ts";
import { DaskCluster } from "./dask_cluster.ts";
import { DASK_ENTRY } from "../dask/entry.ts";
import { statusMb } from "./_proc.ts";
import { formatSpeed, speedFromSeconds, speedHeader, speedLegend } from "./_ratio.ts";

/** What to run. */
export interface DaskBenchOptions {
  readonly rows: readonly number[];
  readonly rounds: number;
  readonly python: string;
}

/** Peak resident memory of a process (MiB, rounded). */
function peakMb(pid: number | "self"): number {
  return Math.round(statusMb(pid, "VmHWM"));
}

/** Runs the benchmark and returns the printed report. */
export async function benchDask(o: DaskBenchOptions): Promise<string> {
  const dir = await Deno.makeTempDir();
  const cluster = await DaskCluster.start({ workers: 2, dir, python: o.python });
  const rows: string[][] = [];
  try {
    for (const n of o.rows) {
      const data = nonLinear(Math.round(n * 1.25), 30, 1);
      const train = Int32Array.from({ length: n }, (_, i) => i);
      const test = Int32Array.from({ length: data.frame.rows - n }, (_, i) => n + i);
      const [frame, labels] = [data.frame.take(train), data.labels.subarray(0, n)];
      const params = { n_estimators: o.rounds, max_depth: 6, eta: 0.1, seed: 1 };
      const auc = (m: { predictProba: (f: typeof frame) => Float64Array }) =>
        rocAuc(data.labels.subarray(n), m.predictProba(data.frame.take(test)));
      await Deno.writeTextFile("/proc/self/clear_refs", "5"); // reset our peak
      let t0 = performance.now();
      const local = await createEstimator({ type: "xgboost", params: { ...params, nthread: 2 } })
        .fit(frame, labels);
      const localSeconds = (performance.now() - t0) / 1000, localPeak = peakMb("self");
      const log = new Logger();
      let client = NaN;
      log.addSink((line) => {
        const m = /client_peak_rss_mb=(\d+)/.exec(line);
        if (m) client = Number(m[1]);
      });
      const base = defaultConfig();
      const config = { ...base, model: { ...base.model, params, engine: "dask" as const } };
      await Deno.writeTextFile("/proc/self/clear_refs", "5");
      t0 = performance.now();
      const remote = await daskEstimator(config, {
        scheduler: cluster.address,
        shared: join(dir, "shared"),
        partitions: 8,
        python: () => Promise.resolve(o.python),
        script: DASK_ENTRY.script,
        log,
      }).fit(frame, labels);
      const daskSeconds = (performance.now() - t0) / 1000, ourPeak = peakMb("self");
      const workerPeaks = cluster.workerPids.map((pid) => peakMb(pid));
      const speed = formatSpeed(speedFromSeconds(localSeconds, daskSeconds));
      rows.push(
        [
          n.toLocaleString("en-US"),
          "local (2 threads)",
          localSeconds.toFixed(2),
          speed,
          auc(local).toFixed(4),
          `ours ${localPeak}`,
        ],
        [
          n.toLocaleString("en-US"),
          "dask (2 workers × 1 thread)",
          daskSeconds.toFixed(2),
          "",
          auc(remote).toFixed(4),
          `ours ${ourPeak}, client ${client}, workers ${workerPeaks.join(" + ")}`,
        ],
      );
    }
  } finally {
    await cluster.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return [
    `Local engine vs Dask on this machine: ${o.rounds} rounds, depth 6, 30 features; ${
      new Date().toISOString().slice(0, 10)
    }`,
    textTable(
      [
        "rows",
        "engine",
        "seconds",
        speedHeader("Dask"),
        "test ROC AUC",
        "peak memory (MiB) per process",
      ],
      rows,
    ),
    speedLegend("Dask"),
    "Worker peaks are each worker process's high-water mark since it started (it grows with the largest fit).",
  ].join("\n");
}
