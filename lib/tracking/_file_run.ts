/**
 * One run in MLflow's file-store layout: `meta.yaml`, `params/`, `metrics/` (`timestamp value
 * step` lines), `tags/` and `artifacts/`, every file written atomically.
 *
 * @module
 */

import { join } from "node:path";
import { toFileUrl } from "./_paths.ts";
import { toMetaYaml } from "./_yaml.ts";
import { writeLocalArtifact } from "./_local_artifacts.ts";
import { writeFileAtomic } from "./atomic.ts";
import type { EndStatus, MetricPoint, RunStatus, RunWriter } from "./store.ts";

/** MLflow run statuses and their file-store codes. */
export const STATUS_CODE: Readonly<Record<RunStatus, number>> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};

/** File-store code → status. */
export const STATUS_NAME: Readonly<Record<number, RunStatus>> = Object.fromEntries(
  Object.entries(STATUS_CODE).map(([k, v]) => [v, k as RunStatus]),
);

/** Writes one run's params, metrics, tags and artifacts in the file-store layout. */
export class FileRunWriter implements RunWriter {
  readonly dir: string;
  readonly experimentId: string;
  readonly runId: string;
  readonly runName: string;
  readonly startTime: number;

  /** Use `FileStore.startRun`. */
  constructor(run: {
    dir: string;
    experimentId: string;
    runId: string;
    runName: string;
    startTime: number;
  }) {
    this.dir = run.dir;
    this.experimentId = run.experimentId;
    this.runId = run.runId;
    this.runName = run.runName;
    this.startTime = run.startTime;
  }

  get artifactUri(): string {
    return join(this.dir, "artifacts");
  }

  async logParams(params: Readonly<Record<string, unknown>>): Promise<void> {
    for (const [key, value] of Object.entries(params)) {
      await writeFileAtomic(join(this.dir, "params", safeKey(key)), String(value));
    }
  }

  async logMetrics(metrics: Readonly<Record<string, number>>, step = 0): Promise<void> {
    const timestamp = Date.now();
    await this.logMetricPoints(
      Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
    );
  }

  async logMetricPoints(points: readonly MetricPoint[]): Promise<void> {
    const byKey = Map.groupBy(points, (p) => p.key);
    for (const [key, ps] of byKey) {
      const path = join(this.dir, "metrics", safeKey(key));
      const old = await Deno.readTextFile(path).catch(() => "");
      const lines = ps.map((p) => `${p.timestamp} ${formatMetric(p.value)} ${p.step}\n`).join("");
      await writeFileAtomic(path, old + lines);
    }
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      await writeFileAtomic(join(this.dir, "tags", safeKey(key)), value);
    }
  }

  async logArtifact(path: string, data: string | Uint8Array): Promise<void> {
    await writeLocalArtifact(this.artifactUri, path, data);
  }

  async end(status: EndStatus, endTime = Date.now()): Promise<void> {
    await this.writeMeta(status, endTime);
  }

  /** Writes the run's `meta.yaml` (internal). */
  async writeMeta(status: RunStatus, endTime: number | null): Promise<void> {
    await writeFileAtomic(
      join(this.dir, "meta.yaml"),
      toMetaYaml({
        artifact_uri: toFileUrl(this.artifactUri),
        end_time: endTime,
        entry_point_name: "",
        experiment_id: this.experimentId,
        lifecycle_stage: "active",
        run_id: this.runId,
        run_name: this.runName,
        source_name: "",
        source_type: 4,
        source_version: "",
        start_time: this.startTime,
        status: STATUS_CODE[status],
        tags: [],
        user_id: Deno.env.get("USER") ?? "unknown",
      }),
    );
  }
}

/** Every metric value of a run's `metrics/` folder. */
export async function readMetrics(dir: string): Promise<MetricPoint[]> {
  const out: MetricPoint[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || e.name.endsWith(".tmp")) continue;
      for (const line of (await Deno.readTextFile(join(dir, e.name))).split("\n")) {
        const [t, v, s] = line.trim().split(/\s+/);
        if (!t || v === undefined) continue;
        out.push({
          key: e.name,
          timestamp: Number(t),
          value: parseMetric(v),
          step: Number(s ?? 0),
        });
      }
    }
  } catch { /* none */ }
  return out;
}

function formatMetric(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

function parseMetric(v: string): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
}

function safeKey(key: string): string {
  if (!/^[\w.\- /]+$/.test(key) || key.includes("..") || key.startsWith("/")) {
    throw new RangeError(`Expected a key of letters, digits, _ - . space / but found "${key}"`);
  }
  return key;
}
