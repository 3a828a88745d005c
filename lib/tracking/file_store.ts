/**
 * Run tracking in MLflow's file-store layout (`mlruns/<experiment>/<run>/{meta.yaml, params/,
 * metrics/, tags/, artifacts/}`), readable by MLflow's own client (`MLFLOW_ALLOW_FILE_STORE=true`
 * with MLflow ≥ 3.7). Deprecated upstream; kept for existing users (a path or `file:` URI), with no
 * model registry. Every file is written atomically.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { ConfigError, NotFoundError, orEnvironmentError } from "../errors.ts";
import { fromFileUrl, toFileUrl } from "./_paths.ts";
import { parseMetaYaml, toMetaYaml } from "./_yaml.ts";
import { FileRunWriter, readMetrics, STATUS_NAME } from "./_file_run.ts";
import { listLocalArtifacts, localRoot, readLocalArtifact } from "./_local_artifacts.ts";
import { writeFileAtomic } from "./atomic.ts";
import type {
  ModelRegistry,
  RunInfo,
  RunRecord,
  RunWriter,
  StartRunOptions,
  TrackingStore,
} from "./store.ts";

/**
 * An MLflow file store rooted at a folder.
 *
 * @example A run in ./mlruns, as MLflow writes it
 * ```ts
 * import { FileStore } from "./file_store.ts";
 * const store = new FileStore("./mlruns");
 * const run = await store.startRun(await store.experimentId("fraud-detection"), { runName: "lr" });
 * await run.logMetrics({ test_roc_auc: 0.93 });
 * await run.end("FINISHED");
 * ```
 */
export class FileStore implements TrackingStore {
  /** Absolute root folder. */
  readonly root: string;
  readonly registry: ModelRegistry | undefined = undefined;

  /** @param uri A path or `file:` URI. */
  constructor(uri: string) {
    if (uri.startsWith("file://")) this.root = fromFileUrl(uri);
    else this.root = resolve(uri.startsWith("file:") ? uri.slice(5) : uri);
  }

  get where(): string {
    return this.root;
  }

  async experimentId(name: string): Promise<string> {
    await this.#ensureDefault();
    const found = await this.findExperiment(name);
    if (found) return found;
    const id = randomDigits(18);
    await this.#writeExperiment(id, name);
    return id;
  }

  async listExperiments(): Promise<Array<{ id: string; name: string }>> {
    const out: Array<{ id: string; name: string }> = [];
    try {
      for await (const entry of Deno.readDir(this.root)) {
        const meta = entry.isDirectory
          ? await readMeta(join(this.root, entry.name, "meta.yaml"))
          : undefined;
        if (meta?.name && meta.lifecycle_stage === "active") {
          out.push({ id: entry.name, name: meta.name });
        }
      }
    } catch { /* no store yet */ }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

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

  writerFor(run: RunInfo): RunWriter {
    return new FileRunWriter({
      dir: join(this.root, run.experimentId, run.runId),
      experimentId: run.experimentId,
      runId: run.runId,
      runName: run.runName,
      startTime: run.startTime,
    });
  }

  async startRun(experimentId: string, options: StartRunOptions): Promise<RunWriter> {
    const runId = crypto.randomUUID().replaceAll("-", "");
    const dir = join(this.root, experimentId, runId);
    await orEnvironmentError(`cannot write to the tracking store at ${this.root}`, async () => {
      await Deno.mkdir(join(dir, "artifacts"), { recursive: true });
      for (const sub of ["params", "metrics", "tags"]) await Deno.mkdir(join(dir, sub));
    });
    const run = new FileRunWriter({
      dir,
      experimentId,
      runId,
      runName: options.runName,
      startTime: options.startTime ?? Date.now(),
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

  async listRuns(experimentId: string): Promise<RunInfo[]> {
    const out: RunInfo[] = [];
    const dir = join(this.root, experimentId);
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (!entry.isDirectory) continue;
        const info = await this.#runInfo(join(dir, entry.name), experimentId);
        if (info) out.push(info);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort((a, b) => b.startTime - a.startTime);
  }

  async getRun(runId: string): Promise<RunInfo | undefined> {
    try {
      for await (const exp of Deno.readDir(this.root)) {
        if (!exp.isDirectory) continue;
        const info = await this.#runInfo(join(this.root, exp.name, runId), exp.name);
        if (info) return info;
      }
    } catch { /* no store yet */ }
    return undefined;
  }

  async readRun(runId: string): Promise<RunRecord> {
    const info = await this.getRun(runId);
    if (!info) throw new NotFoundError(`no run ${runId} in ${this.root}`);
    const dir = join(this.root, info.experimentId, runId);
    return {
      info,
      params: await readFlat(join(dir, "params")),
      metrics: await readMetrics(join(dir, "metrics")),
      artifacts: await listLocalArtifacts(localRoot(info.artifactUri)),
    };
  }

  readArtifact(run: Pick<RunInfo, "artifactUri">, path: string): Promise<Uint8Array> {
    return readLocalArtifact(localRoot(run.artifactUri), path);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async #runInfo(dir: string, experimentId: string): Promise<RunInfo | undefined> {
    const meta = await readMeta(join(dir, "meta.yaml"));
    if (!meta?.run_id) return undefined;
    return {
      runId: meta.run_id,
      experimentId,
      runName: meta.run_name ?? "",
      status: STATUS_NAME[Number(meta.status)] ?? "RUNNING",
      startTime: Number(meta.start_time),
      endTime: meta.end_time === null || meta.end_time === undefined ? null : Number(meta.end_time),
      artifactUri: localRoot(meta.artifact_uri ?? join(dir, "artifacts")),
      tags: await readFlat(join(dir, "tags")),
    };
  }

  async #ensureDefault(): Promise<void> {
    await orEnvironmentError(
      `cannot write to the tracking store at ${this.root}`,
      () => Deno.mkdir(this.root, { recursive: true }),
    );
    const meta = join(this.root, "0", "meta.yaml");
    if (!(await readMeta(meta))) await this.#writeExperiment("0", "Default");
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

/** The file store has no registry: a clear refusal for the registry's users. */
export function noRegistry(where: string): ConfigError {
  return new ConfigError([
    `mlflow.trackingUri: the file store at ${where} has no model registry; use the default ` +
    `SQLite store (unset MLFLOW_TRACKING_URI) or a tracking server`,
  ]);
}

async function readFlat(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && !e.name.endsWith(".tmp")) {
        out[e.name] = await Deno.readTextFile(join(dir, e.name));
      }
    }
  } catch { /* none */ }
  return out;
}

async function readMeta(path: string): Promise<Record<string, string | null> | undefined> {
  try {
    return parseMetaYaml(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

function randomDigits(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return String((bytes[0]! % 9) + 1) + Array.from(bytes.slice(1), (b) => b % 10).join("");
}
