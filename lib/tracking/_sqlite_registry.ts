/**
 * MLflow's model registry in its SQLite database: registered models, versions (READY at once, as
 * MLflow's own SQL store makes them), aliases and version tags.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { NotFoundError } from "../errors.ts";
import { transaction } from "./_sqlite_db.ts";
import type { ModelRegistry, ModelVersion, NewModelVersion } from "./store.ts";

type Row = Record<string, unknown>;

/** The registry of one database. */
export class SqliteRegistry implements ModelRegistry {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  createModelVersion(v: NewModelVersion): Promise<ModelVersion> {
    const db = this.#db, now = Date.now();
    const version = transaction(db, "IMMEDIATE", () => {
      db.prepare(
        "INSERT OR IGNORE INTO registered_models (name, creation_time, last_updated_time) " +
          "VALUES (?, ?, ?)",
      ).run(v.name, now, now);
      const max = db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE name = ?")
        .get(v.name) as { v: number | null };
      const next = (max.v ?? 0) + 1;
      db.prepare(
        "INSERT INTO model_versions (name, version, creation_time, last_updated_time, " +
          "description, user_id, current_stage, source, run_id, status, storage_location) " +
          "VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, 'READY', ?)",
      ).run(v.name, next, now, now, v.description ?? null, null, v.source, v.runId, v.source);
      db.prepare("UPDATE registered_models SET last_updated_time = ? WHERE name = ?").run(
        now,
        v.name,
      );
      this.#setTags(v.name, next, v.tags ?? {});
      return next;
    });
    return this.getModelVersion(v.name, String(version));
  }

  getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const r = this.#db.prepare("SELECT * FROM model_versions WHERE name = ? AND version = ?")
      .get(name, Number(version)) as Row | undefined;
    if (!r) {
      return Promise.reject(
        new NotFoundError(`no version ${version} of registered model "${name}"`),
      );
    }
    return Promise.resolve(this.#version(r));
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const r = this.#db.prepare(
      "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?",
    ).get(name, alias) as { version: number } | undefined;
    if (!r) throw new NotFoundError(`registered model "${name}" has no alias "${alias}"`);
    return await this.getModelVersion(name, String(r.version));
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.getModelVersion(name, version); // it must exist
    this.#db.prepare(
      "INSERT OR REPLACE INTO registered_model_aliases (alias, version, name) VALUES (?, ?, ?)",
    ).run(alias, Number(version), name);
  }

  setModelVersionTags(
    name: string,
    version: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<void> {
    transaction(this.#db, "IMMEDIATE", () => this.#setTags(name, Number(version), tags));
    return Promise.resolve();
  }

  listModelVersions(name: string): Promise<ModelVersion[]> {
    const rows = this.#db.prepare(
      "SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC",
    ).all(name) as Row[];
    return Promise.resolve(rows.map((r) => this.#version(r)));
  }

  deleteModelVersion(name: string, version: string): Promise<void> {
    const db = this.#db, v = Number(version);
    transaction(db, "IMMEDIATE", () => {
      db.prepare("DELETE FROM registered_model_aliases WHERE name = ? AND version = ?").run(
        name,
        v,
      );
      db.prepare("DELETE FROM model_version_tags WHERE name = ? AND version = ?").run(name, v);
      db.prepare("DELETE FROM model_versions WHERE name = ? AND version = ?").run(name, v);
    });
    return Promise.resolve();
  }

  #setTags(name: string, version: number, tags: Readonly<Record<string, string>>): void {
    const set = this.#db.prepare(
      "INSERT OR REPLACE INTO model_version_tags (key, value, name, version) VALUES (?, ?, ?, ?)",
    );
    for (const [k, val] of Object.entries(tags)) set.run(k, val, name, version);
  }

  #version(r: Row): ModelVersion {
    const name = String(r.name), version = Number(r.version);
    const aliases = this.#db.prepare(
      "SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias",
    ).all(name, version) as Array<{ alias: string }>;
    const tags = this.#db.prepare(
      "SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?",
    ).all(name, version) as Array<{ key: string; value: string }>;
    return {
      name,
      version: String(version),
      source: String(r.source),
      runId: String(r.run_id ?? ""),
      status: String(r.status),
      aliases: aliases.map((a) => a.alias),
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      creationTime: Number(r.creation_time),
    };
  }
}
