/**
 * The one tracking interface: experiments, runs (params, metrics with steps, tags, artifacts) and
 * the model registry, behind three backends — MLflow's own SQLite database (the embedded
 * default), MLflow's file store, and a tracking server's REST API. The pipeline, drift runs,
 * notebooks and tests call this interface, never a backend.
 *
 * @module
 */

/** MLflow run statuses. */
export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

/** A final run status. */
export type EndStatus = "FINISHED" | "FAILED" | "KILLED";

/** A run as a store lists it. */
export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  /** Where its artifacts live: an absolute path for local stores, `mlflow-artifacts:/…` on servers. */
  readonly artifactUri: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One metric value. */
export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  /** Epoch ms. */
  readonly timestamp: number;
}

/** Everything a run holds besides its artifacts (what `mlflow-sync` copies). */
export interface RunRecord {
  readonly info: RunInfo;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: readonly MetricPoint[];
  /** Artifact paths relative to the run's artifact root. */
  readonly artifacts: readonly string[];
}

/** Options of {@link TrackingStore.startRun}. */
export interface StartRunOptions {
  readonly runName: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Epoch ms (default now; `mlflow-sync` keeps the original). */
  readonly startTime?: number;
}

/** Writes one run. Every write goes to the store at once; `end` sets the final status. */
export interface RunWriter {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly artifactUri: string;
  /** Logs params (values stringified; MLflow params are write-once strings). */
  logParams(params: Readonly<Record<string, unknown>>): Promise<void>;
  /** Logs several metrics at one step (default 0). */
  logMetrics(metrics: Readonly<Record<string, number>>, step?: number): Promise<void>;
  /** Logs metric values with their own steps and timestamps. */
  logMetricPoints(points: readonly MetricPoint[]): Promise<void>;
  /** Sets tags. */
  setTags(tags: Readonly<Record<string, string>>): Promise<void>;
  /** Writes an artifact at `path` under the run's artifact root. */
  logArtifact(path: string, data: string | Uint8Array): Promise<void>;
  /** Ends the run. */
  end(status: EndStatus, endTime?: number): Promise<void>;
}

/** A registered model version. */
export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  /** The model's artifact location (the run's `model` folder). */
  readonly source: string;
  readonly runId: string;
  readonly status: string;
  readonly aliases: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly creationTime: number;
}

/** A version to register. */
export interface NewModelVersion {
  readonly name: string;
  /** The model folder's artifact location. */
  readonly source: string;
  readonly runId: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The model registry: versions, aliases and tags. */
export interface ModelRegistry {
  /** Registers `source` (a run's model folder) as a new version, creating the model if needed. */
  createModelVersion(v: NewModelVersion): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  /** The version an alias points at. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  setModelVersionTags(
    name: string,
    version: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<void>;
  /** Every version of a model, newest first. */
  listModelVersions(name: string): Promise<ModelVersion[]>;
  deleteModelVersion(name: string, version: string): Promise<void>;
}

/** A tracking backend. */
export interface TrackingStore {
  /** Where it points, without secrets (`sqlite:///…/mlflow.db`, `http://host:5000`, a path). */
  readonly where: string;
  /** The id of the active experiment named `name`, created if missing. */
  experimentId(name: string): Promise<string>;
  /** Every active experiment. */
  listExperiments(): Promise<Array<{ id: string; name: string }>>;
  /** The id of the experiment named `name`, or undefined (nothing is created). */
  findExperiment(name: string): Promise<string | undefined>;
  startRun(experimentId: string, options: StartRunOptions): Promise<RunWriter>;
  /** A writer for a run that exists (to tag or end it later, e.g. one left RUNNING). */
  writerFor(run: RunInfo): RunWriter;
  /** Runs of an experiment, newest first. */
  listRuns(experimentId: string): Promise<RunInfo[]>;
  getRun(runId: string): Promise<RunInfo | undefined>;
  /** A run's params, metric history, tags and artifact list. */
  readRun(runId: string): Promise<RunRecord>;
  /** An artifact's bytes (`path` relative to the run's artifact root, or an absolute artifact URI). */
  readArtifact(run: Pick<RunInfo, "artifactUri">, path: string): Promise<Uint8Array>;
  /** The registry, or undefined where the backend has none (the file store). */
  readonly registry: ModelRegistry | undefined;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
