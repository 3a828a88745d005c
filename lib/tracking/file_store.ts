/**
 * Run tracking in MLflow's file-store layout (`mlruns/<experiment>/<run>/{meta.yaml, params/,
 * metrics/, tags/, artifacts/}`), readable by MLflow's own client
 * (`MLFLOW_ALLOW_FILE_STORE=true` with MLflow ≥ 3.7). Every file is written atomically.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { fromFileUrl, toFileUrl } from "./_paths.ts";
import { parseMetaYaml, toMetaYaml } from "./_yaml.ts";
import { writeFileAtomic } from "./atomic.ts";
import { orEnvironmentError } from "../errors.ts";

/** MLflow run statuses and their file-store codes. */
export const RUN_STATUS = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;

/** A final run status. */
export type EndStatus = "FINISHED" | "FAILED" | "KILLED";

/**
 * An MLflow file store rooted at a folder.
 *
 * @example
 * ```ts
 * const store = new FileStore("./mlruns");
 * const run = await store.startRun(await store.experimentId("fraud-detection"), { runName: "lr" });
 * await run.logMetric("test_roc_auc", 0.93);
 * await run.end("FINISHED");
 * ```
 */
export class FileStore {
  /** Absolute root folder. */
  readonly root: string;

  /** @param uri A path or `file:` URI. */
  constructor(uri: string) {
    if (uri.startsWith("file://")) this.root = fromFileUrl(uri);
    else this.root = resolve(uri.startsWith("file:") ? uri.slice(5) : uri);
  }

  /** The id of the active experiment named `name`, created (with a random id) if missing. */
  async experimentId(name: string): Promise<string> {
    await this.#ensureDefault();
    for await (const entry of Deno.readDir(this.root)) {
      if (!entry.isDirectory) continue;
      const meta = await readMeta(join(this.root, entry.name, "meta.yaml"));
      if (meta?.name === name && meta.lifecycle_stage === "active") return entry.name;
    }
    const id = randomDigits(18);
    await this.#writeExperiment(id, name);
    return id;
  }

  /** Starts a run in the experiment: writes its `meta.yaml` with status RUNNING. */
  async startRun(
    experimentId: string,
    options: { runName: string; tags?: Readonly<Record<string, string>> },
  ): Promise<RunWriter> {
    const runId = crypto.randomUUID().replaceAll("-", "");
    const dir = join(this.root, experimentId, runId);
    await orEnvironmentError(`cannot write to the tracking store at ${this.root}`, async () => {
      await Deno.mkdir(join(dir, "artifacts"), { recursive: true });
      for (const sub of ["params", "metrics", "tags"]) await Deno.mkdir(join(dir, sub));
    });
    const run = new RunWriter({
      dir,
      experimentId,
      runId,
      runName: options.runName,
      startTime: Date.now(),
    });
    await run.writeMeta("RUNNING", null);
    await run.setTags({
      "mlflow.runName": options.runName,
      "mlflow.user": Deno.env.get("USER") ?? "unknown",
      "mlflow.source.type": "LOCAL",
      "mlflow.source.name": "fraud-pipeline",
      ...options.tags,
    });
    return run;
  }

  /** The experiment id named `name`, or undefined (nothing is created). */
  async findExperiment(name: string): Promise<string | undefined> {
    try {
      for await (const entry of Deno.readDir(this.root)) {
        if (!entry.isDirectory) continue;
        const meta = await readMeta(join(this.root, entry.name, "meta.yaml"));
        if (meta?.name === name && meta.lifecycle_stage === "active") return entry.name;
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  /** Runs of an experiment, newest first, with status, start time and tags. */
  async listRuns(experimentId: string): Promise<RunInfo[]> {
    const out: RunInfo[] = [];
    const dir = join(this.root, experimentId);
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isDirectory) continue;
      const meta = await readMeta(join(dir, entry.name, "meta.yaml"));
      if (!meta?.run_id) continue;
      const tags: Record<string, string> = {};
      try {
        for await (const t of Deno.readDir(join(dir, entry.name, "tags"))) {
          if (t.isFile) {
            tags[t.name] = await Deno.readTextFile(join(dir, entry.name, "tags", t.name));
          }
        }
      } catch { /* no tags */ }
      out.push({
        runId: meta.run_id,
        experimentId,
        dir: join(dir, entry.name),
        artifactsDir: join(dir, entry.name, "artifacts"),
        status: Number(meta.status),
        startTime: Number(meta.start_time),
        tags,
      });
    }
    return out.sort((a, b) => b.startTime - a.startTime);
  }

  async #ensureDefault(): Promise<void> {
    await orEnvironmentError(
      `cannot write to the tracking store at ${this.root}`,
      () => Deno.mkdir(this.root, { recursive: true }),
    );
    const meta = join(this.root, "0", "meta.yaml");
    if (!(await exists(meta))) await this.#writeExperiment("0", "Default");
  }

  async #writeExperiment(id: string, name: string): Promise<void> {
    const now = Date.now();
    await writeFileAtomic(
      join(this.root, id, "meta.yaml"),
      toMetaYaml({
        artifact_location: toFileUrl(join(this.root, id)),
        creation_time: now,
        experiment_id: id,
        last_update_time: now,
        lifecycle_stage: "active",
        name,
      }),
    );
  }
}

/** A run as listed by {@link FileStore.listRuns}. */
export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly dir: string;
  readonly artifactsDir: string;
  /** MLflow status code (3 = FINISHED). */
  readonly status: number;
  readonly startTime: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** Writes one run's params, metrics, tags and artifacts. */
export class RunWriter {
  /** Run folder. */
  readonly dir: string;
  /** Experiment id. */
  readonly experimentId: string;
  /** Run id (32 hex digits). */
  readonly runId: string;
  /** Run name. */
  readonly runName: string;
  /** Start time, epoch ms. */
  readonly startTime: number;

  /** Use {@link FileStore.startRun}. */
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

  /** The artifacts folder. */
  get artifactsDir(): string {
    return join(this.dir, "artifacts");
  }

  /** Logs params (values stringified; MLflow params are write-once strings). */
  async logParams(params: Readonly<Record<string, unknown>>): Promise<void> {
    for (const [key, value] of Object.entries(params)) {
      await writeFileAtomic(join(this.dir, "params", safeKey(key)), String(value));
    }
  }

  /** Appends one metric value at `step` (default 0), at `timestamp` (default now). */
  async logMetric(
    key: string,
    value: number,
    at: { step?: number; timestamp?: number } = {},
  ): Promise<void> {
    const { step = 0, timestamp = Date.now() } = at;
    const path = join(this.dir, "metrics", safeKey(key));
    const line = `${timestamp} ${formatMetric(value)} ${step}\n`;
    const old = await Deno.readTextFile(path).catch(() => "");
    await writeFileAtomic(path, old + line);
  }

  /** Appends a metric's values at the given steps in one write. */
  async logMetricHistory(
    key: string,
    points: ReadonlyArray<readonly [step: number, value: number]>,
  ): Promise<void> {
    const path = join(this.dir, "metrics", safeKey(key));
    const now = Date.now();
    const old = await Deno.readTextFile(path).catch(() => "");
    await writeFileAtomic(
      path,
      old + points.map(([s, v]) => `${now} ${formatMetric(v)} ${s}\n`).join(""),
    );
  }

  /** Logs several metrics at one step. */
  async logMetrics(metrics: Readonly<Record<string, number>>, step = 0): Promise<void> {
    const now = Date.now();
    for (const [key, value] of Object.entries(metrics)) {
      await this.logMetric(key, value, { step, timestamp: now });
    }
  }

  /** Sets tags. */
  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      await writeFileAtomic(join(this.dir, "tags", safeKey(key)), value);
    }
  }

  /** Writes an artifact atomically at `relPath` under the artifacts folder; returns its path. */
  async logArtifact(relPath: string, data: string | Uint8Array): Promise<string> {
    const path = join(this.artifactsDir, relPath);
    if (!resolve(path).startsWith(resolve(this.artifactsDir))) {
      throw new RangeError(`Artifact path escapes the artifacts folder: ${relPath}`);
    }
    await writeFileAtomic(path, data);
    return path;
  }

  /** Ends the run with a status. */
  async end(status: EndStatus): Promise<void> {
    await this.writeMeta(status, Date.now());
  }

  /** Writes the run's `meta.yaml` (internal). */
  async writeMeta(status: keyof typeof RUN_STATUS, endTime: number | null): Promise<void> {
    await writeFileAtomic(
      join(this.dir, "meta.yaml"),
      toMetaYaml({
        artifact_uri: toFileUrl(this.artifactsDir),
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
        status: RUN_STATUS[status],
        tags: [],
        user_id: Deno.env.get("USER") ?? "unknown",
      }),
    );
  }
}

function formatMetric(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

function safeKey(key: string): string {
  if (!/^[\w.\- /]+$/.test(key) || key.includes("..") || key.startsWith("/")) {
    throw new RangeError(`Expected a key of letters, digits, _ - . space / but found "${key}"`);
  }
  return key;
}

async function readMeta(path: string): Promise<Record<string, string | null> | undefined> {
  try {
    return parseMetaYaml(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function randomDigits(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return String((bytes[0]! % 9) + 1) + Array.from(bytes.slice(1), (b) => b % 10).join("");
}
