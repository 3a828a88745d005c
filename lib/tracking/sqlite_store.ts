/**
 * MLflow's own SQLite tracking store, written directly with `node:sqlite` (no server): the
 * embedded default `sqlite:///mlflow.db`, with artifacts in `mlruns/<experiment>/<run>/artifacts`
 * beside it, exactly where MLflow itself puts them. MLflow's Python client and `mlflow server`
 * read it as their own; the registry (versions, aliases, tags) lives in the same database.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { resolve } from "node:path";
import { NotFoundError } from "../errors.ts";
import { listLocalArtifacts, readLocalArtifact, writeLocalArtifact } from "./_local_artifacts.ts";
import { openMlflowDb, sqlitePath, transaction } from "./_sqlite_db.ts";
import { SqliteRegistry } from "./_sqlite_registry.ts";
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

type Row = Record<string, unknown>;

/**
 * A tracking store in an MLflow SQLite database.
 *
 * @example A run in an MLflow SQLite database
 * ```ts
 * import { SqliteStore } from "./sqlite_store.ts";
 * const store = await SqliteStore.open("sqlite:///mlflow.db");
 * const run = await store.startRun(await store.experimentId("fraud-detection"), { runName: "lr" });
 * await run.end("FINISHED");
 * await store.close();
 * ```
 */
export class SqliteStore implements TrackingStore {
  readonly where: string;
  readonly registry: SqliteRegistry;
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync, where: string) {
    this.#db = db;
    this.where = where;
    this.registry = new SqliteRegistry(db);
  }

  /**
   * Opens (creating when missing) the database of a `sqlite:///…` URI.
   *
   * @throws {ConfigError} for another MLflow schema revision; {@link EnvironmentError} when the
   *   file cannot be opened.
   */
  static async open(uri: string): Promise<SqliteStore> {
    const path = sqlitePath(uri);
    return new SqliteStore(await openMlflowDb(path), `sqlite:///${path}`);
  }

  experimentId(name: string): Promise<string> {
    const db = this.#db;
    return Promise.resolve(transaction(db, "IMMEDIATE", () => {
      const found = this.#experiment(name);
      if (found !== undefined) return found;
      const now = Date.now();
      const r = db.prepare(
        "INSERT INTO experiments (name, lifecycle_stage, creation_time, last_update_time) " +
          "VALUES (?, 'active', ?, ?)",
      ).run(name, now, now);
      const id = String(r.lastInsertRowid);
      const root = this.#artifactRoot();
      db.prepare("UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?")
        .run(resolve(root, id), Number(id));
      return id;
    }));
  }

  listExperiments(): Promise<Array<{ id: string; name: string }>> {
    const rows = this.#db.prepare(
      "SELECT experiment_id, name FROM experiments WHERE lifecycle_stage = 'active' ORDER BY experiment_id",
    ).all() as Array<{ experiment_id: number; name: string }>;
    return Promise.resolve(rows.map((r) => ({ id: String(r.experiment_id), name: r.name })));
  }

  findExperiment(name: string): Promise<string | undefined> {
    return Promise.resolve(this.#experiment(name));
  }

  writerFor(run: RunInfo): RunWriter {
    return new SqliteRunWriter(this.#db, run);
  }

  startRun(experimentId: string, options: StartRunOptions): Promise<RunWriter> {
    const runId = crypto.randomUUID().replaceAll("-", "");
    const exp = this.#db.prepare(
      "SELECT artifact_location FROM experiments WHERE experiment_id = ?",
    ).get(Number(experimentId)) as { artifact_location: string } | undefined;
    if (!exp) throw new NotFoundError(`no experiment ${experimentId} in ${this.where}`);
    const artifactUri = resolve(exp.artifact_location, runId, "artifacts");
    const startTime = options.startTime ?? Date.now();
    this.#db.prepare(
      "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, " +
        "status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id) " +
        "VALUES (?, ?, 'LOCAL', 'fraud-pipeline', '', ?, 'RUNNING', ?, '', 'active', ?, ?)",
    ).run(runId, options.runName, user(), startTime, artifactUri, Number(experimentId));
    const run = new SqliteRunWriter(this.#db, {
      runId,
      experimentId,
      runName: options.runName,
      artifactUri,
    });
    return run.setTags({
      "mlflow.runName": options.runName,
      "mlflow.user": user(),
      "mlflow.source.type": "LOCAL",
      "mlflow.source.name": "fraud-pipeline",
      ...options.tags,
    }).then(() => run);
  }

  listRuns(experimentId: string): Promise<RunInfo[]> {
    const rows = this.#db.prepare(
      "SELECT * FROM runs WHERE experiment_id = ? AND lifecycle_stage = 'active' " +
        "ORDER BY start_time DESC",
    ).all(Number(experimentId)) as Row[];
    return Promise.resolve(rows.map((r) => this.#info(r)));
  }

  getRun(runId: string): Promise<RunInfo | undefined> {
    const r = this.#db.prepare("SELECT * FROM runs WHERE run_uuid = ?").get(runId) as
      | Row
      | undefined;
    return Promise.resolve(r ? this.#info(r) : undefined);
  }

  async readRun(runId: string): Promise<RunRecord> {
    const info = await this.getRun(runId);
    if (!info) throw new NotFoundError(`no run ${runId} in ${this.where}`);
    const params = this.#db.prepare("SELECT key, value FROM params WHERE run_uuid = ?")
      .all(runId) as Array<{ key: string; value: string }>;
    const metrics = this.#db.prepare(
      "SELECT key, value, step, timestamp, is_nan FROM metrics WHERE run_uuid = ? " +
        "ORDER BY key, step, timestamp",
    ).all(runId) as Array<Row>;
    return {
      info,
      params: Object.fromEntries(params.map((p) => [p.key, p.value])),
      metrics: metrics.map((m) => ({
        key: String(m.key),
        value: m.is_nan ? NaN : Number(m.value),
        step: Number(m.step),
        timestamp: Number(m.timestamp),
      })),
      artifacts: await listLocalArtifacts(info.artifactUri),
    };
  }

  readArtifact(run: Pick<RunInfo, "artifactUri">, path: string): Promise<Uint8Array> {
    return readLocalArtifact(run.artifactUri, path);
  }

  close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  #experiment(name: string): string | undefined {
    const r = this.#db.prepare(
      "SELECT experiment_id FROM experiments WHERE name = ? AND lifecycle_stage = 'active'",
    ).get(name) as { experiment_id: number } | undefined;
    return r ? String(r.experiment_id) : undefined;
  }

  #artifactRoot(): string {
    const r = this.#db.prepare(
      "SELECT artifact_location FROM experiments WHERE experiment_id = 0",
    ).get() as { artifact_location: string };
    return resolve(r.artifact_location, "..");
  }

  #info(r: Row): RunInfo {
    const tags = this.#db.prepare("SELECT key, value FROM tags WHERE run_uuid = ?")
      .all(String(r.run_uuid)) as Array<{ key: string; value: string }>;
    return {
      runId: String(r.run_uuid),
      experimentId: String(r.experiment_id),
      runName: String(r.name ?? ""),
      status: String(r.status) as RunStatus,
      startTime: Number(r.start_time),
      endTime: r.end_time === null ? null : Number(r.end_time),
      artifactUri: String(r.artifact_uri),
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    };
  }
}

/** MLflow's cap for infinite metric values (`sys.float_info.max`). */
const MAX_FLOAT = 1.7976931348623157e308;

/** Writes one run into the database; artifacts into its local artifact folder. */
class SqliteRunWriter implements RunWriter {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly artifactUri: string;
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync, run: Omit<RunWriter, keyof RunWriterMethods>) {
    this.#db = db;
    this.runId = run.runId;
    this.experimentId = run.experimentId;
    this.runName = run.runName;
    this.artifactUri = run.artifactUri;
  }

  logParams(params: Readonly<Record<string, unknown>>): Promise<void> {
    const insert = this.#db.prepare("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)");
    transaction(this.#db, "IMMEDIATE", () => {
      for (const [k, v] of Object.entries(params)) insert.run(k, String(v), this.runId);
    });
    return Promise.resolve();
  }

  logMetrics(metrics: Readonly<Record<string, number>>, step = 0): Promise<void> {
    const timestamp = Date.now();
    return this.logMetricPoints(
      Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })),
    );
  }

  logMetricPoints(points: readonly MetricPoint[]): Promise<void> {
    const db = this.#db;
    const insert = db.prepare(
      "INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    );
    const latest = db.prepare(
      "SELECT value, timestamp, step, is_nan FROM latest_metrics WHERE key = ? AND run_uuid = ?",
    );
    const upsert = db.prepare(
      "INSERT OR REPLACE INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    );
    transaction(db, "IMMEDIATE", () => {
      for (const p of points) {
        const isNan = Number.isNaN(p.value) ? 1 : 0;
        const value = isNan ? 0 : Math.max(-MAX_FLOAT, Math.min(MAX_FLOAT, p.value));
        insert.run(p.key, value, p.timestamp, this.runId, p.step, isNan);
        const old = latest.get(p.key, this.runId) as Row | undefined;
        if (!old || newer({ step: p.step, timestamp: p.timestamp, value }, old)) {
          upsert.run(p.key, value, p.timestamp, p.step, isNan, this.runId);
        }
      }
    });
    return Promise.resolve();
  }

  setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    const set = this.#db.prepare(
      "INSERT OR REPLACE INTO tags (key, value, run_uuid) VALUES (?, ?, ?)",
    );
    transaction(this.#db, "IMMEDIATE", () => {
      for (const [k, v] of Object.entries(tags)) set.run(k, v, this.runId);
      if (tags["mlflow.runName"] !== undefined) {
        this.#db.prepare("UPDATE runs SET name = ? WHERE run_uuid = ?")
          .run(tags["mlflow.runName"], this.runId);
      }
    });
    return Promise.resolve();
  }

  async logArtifact(path: string, data: string | Uint8Array): Promise<void> {
    await writeLocalArtifact(this.artifactUri, path, data);
  }

  end(status: EndStatus, endTime = Date.now()): Promise<void> {
    this.#db.prepare("UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?")
      .run(status, endTime, this.runId);
    return Promise.resolve();
  }
}

type RunWriterMethods = Pick<
  RunWriter,
  "logParams" | "logMetrics" | "logMetricPoints" | "setTags" | "logArtifact" | "end"
>;

/** MLflow's latest-metric rule: the larger (step, timestamp, value) wins. */
function newer(p: { step: number; timestamp: number; value: number }, old: Row): boolean {
  const [s, t, v] = [Number(old.step), Number(old.timestamp), Number(old.value)];
  return p.step !== s ? p.step > s : p.timestamp !== t ? p.timestamp > t : p.value > v;
}

function user(): string {
  return Deno.env.get("USER") ?? "unknown";
}
