"""Writes MLflow's own SQLite schema, as the pinned MLflow creates it, to a JSON data file
(`lib/tracking/mlflow_schema.json`, or the path given): the DDL, the rows its migrations insert,
the alembic revision and the ordered revision chain (oldest first, to tell an older database from a
newer one). `tests/mlflow_sqlite_test.ts` regenerates it and compares, as the WASM build check does.

Usage: .venv/bin/python tasks/mlflow/dump_schema.py [OUT.json]
"""
import json
import os
import sqlite3
import sys
import tempfile

import mlflow
from alembic.script import ScriptDirectory
from mlflow.store.db.utils import _get_alembic_config
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore


def canonical(statements):
    """MLflow's migrations emit indexes and named constraints in an order that varies from run to
    run: sort tables (by name) before indexes (by text), and each run of named constraints."""
    def table(sql):
        lines, out, run = sql.split("\n"), [], []
        for line in lines + [None]:
            if line is not None and line.startswith("\tCONSTRAINT") and line.endswith(", "):
                run.append(line)
                continue
            out += sorted(run)
            run = []
            if line is not None:
                out.append(line)
        return "\n".join(out)
    tables = sorted((table(s) for s in statements if s.startswith("CREATE TABLE")),
                    key=lambda s: s.split("(")[0].replace('"', "").split()[-1])
    return tables + sorted(s for s in statements if not s.startswith("CREATE TABLE"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "lib/tracking/mlflow_schema.json"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'mlflow.db')}"
        SqlAlchemyStore(url, os.path.join(tmp, "mlruns"))  # creates and migrates the database
        con = sqlite3.connect(os.path.join(tmp, "mlflow.db"))
        ddl = [row[0] for row in con.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        seed = []
        for table in ["alembic_version", "workspaces"]:
            cols = [c[1] for c in con.execute(f'PRAGMA table_info("{table}")')]
            for row in con.execute(f'SELECT * FROM "{table}"'):
                values = ", ".join("NULL" if v is None else repr(v) if not isinstance(v, str)
                                   else "'" + v.replace("'", "''") + "'" for v in row)
                seed.append(f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({values})')
        con.close()
        chain = [s.revision for s in ScriptDirectory.from_config(_get_alembic_config(url)).walk_revisions()]
    doc = {"mlflow_version": mlflow.__version__, "revision": revision, "revisions": list(reversed(chain)),
           "statements": canonical(ddl), "seed": seed}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {out}: MLflow {mlflow.__version__}, revision {revision}, {len(ddl)} statements")


if __name__ == "__main__":
    main()
