/**
 * MLflow's own SQLite schema as the pinned MLflow writes it (`mlflow_schema.json`, produced by
 * `tasks/mlflow/dump_schema.py`): the DDL, the rows its migrations insert, and the alembic
 * revisions.
 *
 * @module
 */

import schema from "./mlflow_schema.json" with { type: "json" };

/** The schema document. */
export const MLFLOW_SCHEMA_DOC: {
  readonly mlflow_version: string;
  readonly revision: string;
  readonly revisions: readonly string[];
  readonly statements: readonly string[];
  readonly seed: readonly string[];
} = schema;

/** The MLflow version and alembic revision whose schema is written and read. */
export const MLFLOW_SCHEMA = { mlflowVersion: schema.mlflow_version, revision: schema.revision };
