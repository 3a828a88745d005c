/**
 * Opening an MLflow SQLite tracking database with Deno's `node:sqlite`: a new one is created in
 * MLflow's own schema (the DDL the pinned MLflow writes, kept as data in `mlflow_schema.json`),
 * an existing one is checked for that schema's alembic revision. WAL journaling and a busy timeout
 * let several writers share it.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ConfigError, EnvironmentError, isSystemError, orEnvironmentError } from "../errors.ts";
import { MLFLOW_SCHEMA_DOC as schema } from "./mlflow_schema.ts";

/** The database file of a `sqlite:` URI (`sqlite:///rel.db`, `sqlite:////abs.db`), absolute. */
export function sqlitePath(uri: string): string {
  const m = /^sqlite:\/\/\/(.+)$/.exec(uri);
  if (!m) throw new ConfigError([`mlflow.trackingUri: expected sqlite:///<path>, got "${uri}"`]);
  return resolve(m[1]!);
}

/**
 * Opens (creating when missing) the database; the artifact root is `mlruns/` beside it, as MLflow
 * uses with its default `sqlite:///mlflow.db`.
 *
 * @throws {ConfigError} for a database of another MLflow schema revision.
 * @throws {EnvironmentError} when the file cannot be opened or created.
 */
export async function openMlflowDb(path: string): Promise<DatabaseSync> {
  await orEnvironmentError(
    `cannot create ${dirname(path)}`,
    () => Deno.mkdir(dirname(path), { recursive: true }),
  );
  const db = await orEnvironmentError(
    `cannot open the tracking database ${path}`,
    () => Promise.resolve(new DatabaseSync(path)),
  );
  try {
    return prepare(db, path);
  } catch (cause) {
    if (db.isOpen) db.close();
    if (!isSystemError(cause)) throw cause;
    throw new EnvironmentError(
      `cannot use the tracking database ${path}: ${cause.message} (is its folder writable?)`,
      { cause },
    );
  }
}

/** Sets the database up for MLflow (creating its schema when new) and checks its revision. */
function prepare(db: DatabaseSync, path: string): DatabaseSync {
  db.exec("PRAGMA busy_timeout = 30000");
  db.exec("PRAGMA foreign_keys = ON");
  transaction(db, "EXCLUSIVE", () => {
    const has = db.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'",
    ).get();
    if (!has) create(db, dirname(path));
  });
  checkRevision(db, path);
  db.exec("PRAGMA journal_mode = WAL");
  return db;
}

function create(db: DatabaseSync, dir: string): void {
  for (const sql of schema.statements) db.exec(sql);
  for (const sql of schema.seed) db.exec(sql);
  const now = Date.now();
  db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, " +
      "creation_time, last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)",
  ).run(resolve(dir, "mlruns", "0"), now, now);
}

function checkRevision(db: DatabaseSync, path: string): void {
  const row = db.prepare("SELECT version_num FROM alembic_version").get() as
    | { version_num: string }
    | undefined;
  const found = row?.version_num ?? "none";
  if (found === schema.revision) return;
  const known = schema.revisions.indexOf(found);
  const mine = schema.revisions.indexOf(schema.revision);
  db.close();
  if (known >= 0 && known < mine) {
    throw new ConfigError([
      `mlflow.trackingUri: ${path} has MLflow schema revision ${found}, older than ${schema.revision} ` +
      `(MLflow ${schema.mlflow_version}); upgrade it with \`mlflow db upgrade sqlite:///${path}\` ` +
      `using MLflow ${schema.mlflow_version}`,
    ]);
  }
  throw new ConfigError([
    `mlflow.trackingUri: ${path} has MLflow schema revision ${found}, which MLflow ` +
    `${schema.mlflow_version} (revision ${schema.revision}) does not know: it was made by a newer ` +
    `MLflow; use a store of MLflow ${schema.mlflow_version}, or move its runs with \`mlflow-sync\``,
  ]);
}

/** Runs `fn` in one transaction (`IMMEDIATE` takes the write lock at once). */
export function transaction<T>(
  db: DatabaseSync,
  mode: "IMMEDIATE" | "EXCLUSIVE",
  fn: () => T,
): T {
  db.exec(`BEGIN ${mode}`);
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
