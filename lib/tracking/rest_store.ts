/**
 * An MLflow tracking server through its REST API (`/api/2.0/mlflow/…`), artifacts through its
 * proxied artifact API (`mlflow server --serve-artifacts`, the default): the tracking store and
 * the model registry. Batches follow MLflow's `log-batch` limits.
 *
 * @module
 */

import { ConfigError, NotFoundError } from "../errors.ts";
import {
  listLocalArtifacts,
  localRoot,
  readLocalArtifact,
  writeLocalArtifact,
} from "./_local_artifacts.ts";
import { isMissing, RestClient, type RestSettings } from "./_rest_client.ts";
import { RestRegistry } from "./_rest_registry.ts";
import type {
  EndStatus,
  MetricPoint,
  RunInfo,
  RunRecord,
  RunStatus,
  RunWriter,
  StartRunOptions,
  TrackingStore,
} from "./store.ts";

/** `log-batch` limits per request (each batch sends one kind, so the 1,000-item total holds). */
const LIMITS = { metrics: 1000, params: 100, tags: 100 };

interface ApiMetric {
  key: string;
  value: number;
  step?: number | string;
  timestamp: number | string;
}

interface ApiRun {
  info: {
    run_id: string;
    experiment_id: string;
    run_name?: string;
    status: RunStatus;
    start_time: number | string;
    end_time?: number | string;
    artifact_uri: string;
  };
  data?: {
    params?: Array<{ key: string; value: string }>;
    tags?: Array<{ key: string; value: string }>;
    metrics?: ApiMetric[];
  };
}

/** A tracking store on an MLflow server. */
export class RestStore implements TrackingStore {
  readonly registry: RestRegistry;
  readonly #api: RestClient;

  constructor(settings: RestSettings) {
    this.#api = new RestClient(settings);
    this.registry = new RestRegistry(this.#api);
  }

  get where(): string {
    return this.#api.where;
  }

  async experimentId(name: string): Promise<string> {
    const found = await this.findExperiment(name);
    if (found) return found;
    try {
      return (await this.#api.post<{ experiment_id: string }>("experiments/create", { name }))
        .experiment_id;
    } catch (error) {
      const again = await this.findExperiment(name); // made meanwhile by another client
      if (again) return again;
      throw error;
    }
  }

  async listExperiments(): Promise<Array<{ id: string; name: string }>> {
    const out: Array<{ id: string; name: string }> = [];
    let token: string | undefined;
    do {
      const r = await this.#api.post<{
        experiments?: Array<{ experiment_id: string; name: string }>;
        next_page_token?: string;
      }>("experiments/search", { max_results: 1000, ...(token ? { page_token: token } : {}) });
      out.push(...(r.experiments ?? []).map((e) => ({ id: e.experiment_id, name: e.name })));
      token = r.next_page_token;
    } while (token);
    return out;
  }

  async findExperiment(name: string): Promise<string | undefined> {
    try {
      const r = await this.#api.get<
        { experiment: { experiment_id: string; lifecycle_stage: string } }
      >(
        "experiments/get-by-name",
        { experiment_name: name },
      );
      return r.experiment.lifecycle_stage === "active" ? r.experiment.experiment_id : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  writerFor(run: RunInfo): RunWriter {
    return new RestRunWriter(this.#api, run);
  }

  async startRun(experimentId: string, options: StartRunOptions): Promise<RunWriter> {
    const tags = {
      "mlflow.user": Deno.env.get("USER") ?? "unknown",
      "mlflow.source.type": "LOCAL",
      "mlflow.source.name": "fraud-pipeline",
      ...options.tags,
    };
    const startTime = options.startTime ?? Date.now();
    const r = await this.#api.post<{ run: ApiRun }>("runs/create", {
      experiment_id: experimentId,
      run_name: options.runName,
      start_time: startTime,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    }, { recover: () => this.#runMade(experimentId, { name: options.runName, startTime }) });
    return new RestRunWriter(this.#api, toInfo(r.run));
  }

  /** The run a failed `runs/create` made (its reply lost): same name and start time, if any. */
  async #runMade(
    experimentId: string,
    { name, startTime }: { name: string; startTime: number },
  ): Promise<{ run: ApiRun } | undefined> {
    const r = await this.#api.post<{ runs?: ApiRun[] }>("runs/search", {
      experiment_ids: [experimentId],
      filter: `attributes.run_name = '${name.replaceAll("'", "\\'")}' and ` +
        `attributes.start_time = ${startTime}`,
      max_results: 2,
    });
    return r.runs?.length === 1 ? { run: r.runs[0]! } : undefined;
  }

  async listRuns(experimentId: string): Promise<RunInfo[]> {
    const out: RunInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.#api.post<{ runs?: ApiRun[]; next_page_token?: string }>("runs/search", {
        experiment_ids: [experimentId],
        max_results: 1000,
        order_by: ["attributes.start_time DESC"],
        ...(token ? { page_token: token } : {}),
      });
      out.push(...(r.runs ?? []).map(toInfo));
      token = r.next_page_token;
    } while (token);
    return out;
  }

  async getRun(runId: string): Promise<RunInfo | undefined> {
    try {
      return toInfo((await this.#api.get<{ run: ApiRun }>("runs/get", { run_id: runId })).run);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async readRun(runId: string): Promise<RunRecord> {
    let run: ApiRun;
    try {
      run = (await this.#api.get<{ run: ApiRun }>("runs/get", { run_id: runId })).run;
    } catch (error) {
      if (isMissing(error)) throw new NotFoundError(`no run ${runId} on ${this.where}`);
      throw error;
    }
    const metrics: MetricPoint[] = [];
    for (const { key } of run.data?.metrics ?? []) {
      const h = await this.#api.get<{ metrics?: ApiMetric[] }>(
        "metrics/get-history",
        { run_id: runId, metric_key: key },
      );
      for (const m of h.metrics ?? []) {
        metrics.push({
          key,
          value: Number(m.value),
          step: Number(m.step ?? 0),
          timestamp: Number(m.timestamp),
        });
      }
    }
    return {
      info: toInfo(run),
      params: Object.fromEntries((run.data?.params ?? []).map((p) => [p.key, p.value])),
      metrics,
      artifacts: await this.#list(run.info.artifact_uri, ""),
    };
  }

  readArtifact(run: Pick<RunInfo, "artifactUri">, path: string): Promise<Uint8Array> {
    if (isLocal(run.artifactUri)) return readLocalArtifact(localRoot(run.artifactUri), path);
    const uri = /^[a-z-]+:/.test(path) ? path : `${run.artifactUri}/${path}`;
    return this.#api.getArtifact(uri).catch((error) => {
      if (isMissing(error)) throw new NotFoundError(`no artifact "${path}" at ${run.artifactUri}`);
      throw error;
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async #list(root: string, dir: string): Promise<string[]> {
    if (isLocal(root)) return await listLocalArtifacts(localRoot(root));
    const base = root.replace(/^mlflow-artifacts:\/*/, "");
    const files = await this.#api.listArtifacts(dir ? `${base}/${dir}` : base);
    const out: string[] = [];
    for (const f of files) {
      const rel = dir ? `${dir}/${f.path.split("/").at(-1)}` : f.path.split("/").at(-1)!;
      if (f.is_dir) out.push(...(await this.#list(root, rel)));
      else out.push(rel);
    }
    return out;
  }
}

function toInfo(r: ApiRun): RunInfo {
  const tags = Object.fromEntries((r.data?.tags ?? []).map((t) => [t.key, t.value]));
  return {
    runId: r.info.run_id,
    experimentId: r.info.experiment_id,
    runName: r.info.run_name ?? tags["mlflow.runName"] ?? "",
    status: r.info.status,
    startTime: Number(r.info.start_time),
    endTime: r.info.end_time === undefined ? null : Number(r.info.end_time),
    artifactUri: r.info.artifact_uri,
    tags,
  };
}

/** Writes one run through the server. */
class RestRunWriter implements RunWriter {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly artifactUri: string;
  readonly #api: RestClient;

  constructor(api: RestClient, info: RunInfo) {
    this.#api = api;
    this.runId = info.runId;
    this.experimentId = info.experimentId;
    this.runName = info.runName;
    this.artifactUri = info.artifactUri;
  }

  async logParams(params: Readonly<Record<string, unknown>>): Promise<void> {
    const items = Object.entries(params).map(([key, value]) => ({ key, value: String(value) }));
    for (let i = 0; i < items.length; i += LIMITS.params) {
      await this.#batch({ params: items.slice(i, i + LIMITS.params) });
    }
  }

  logMetrics(metrics: Readonly<Record<string, number>>, step = 0): Promise<void> {
    const timestamp = Date.now();
    return this.logMetricPoints(
      Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
    );
  }

  async logMetricPoints(points: readonly MetricPoint[]): Promise<void> {
    const items = points.map((p) => ({
      key: p.key,
      value: jsonNumber(p.value),
      step: p.step,
      timestamp: p.timestamp,
    }));
    for (let i = 0; i < items.length; i += LIMITS.metrics) {
      await this.#batch({ metrics: items.slice(i, i + LIMITS.metrics) });
    }
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    const items = Object.entries(tags).map(([key, value]) => ({ key, value }));
    for (let i = 0; i < items.length; i += LIMITS.tags) {
      await this.#batch({ tags: items.slice(i, i + LIMITS.tags) });
    }
  }

  async logArtifact(path: string, data: string | Uint8Array): Promise<void> {
    if (isLocal(this.artifactUri)) {
      return await writeLocalArtifact(localRoot(this.artifactUri), path, data);
    }
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.#api.putArtifact(`${this.artifactUri}/${path}`, bytes);
  }

  async end(status: EndStatus, endTime = Date.now()): Promise<void> {
    await this.#api.post("runs/update", { run_id: this.runId, status, end_time: endTime });
  }

  async #batch(body: Record<string, unknown>): Promise<void> {
    await this.#api.post("runs/log-batch", { run_id: this.runId, ...body });
  }
}

/**
 * True for an artifact location on this machine's file system (an experiment made by a local
 * store and then served): MLflow's own client reads and writes those directly, and so do we.
 * Locations other than these and `mlflow-artifacts:` (s3, gs, …) are not supported.
 */
function isLocal(uri: string): boolean {
  if (uri.startsWith("/") || uri.startsWith("file:")) return true;
  if (uri.startsWith("mlflow-artifacts:")) return false;
  throw new ConfigError([
    `mlflow.trackingUri: artifact location ${
      uri.split(":")[0]
    }: is not supported; serve artifacts ` +
    `through the server (mlflow server --serve-artifacts) or keep them on local disk`,
  ]);
}

/** MLflow's JSON takes NaN and ±Infinity as strings. */
function jsonNumber(v: number): number | string {
  return Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v;
}
