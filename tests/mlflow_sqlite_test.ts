import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { ConfigError } from "../lib/errors.ts";
import { MLFLOW_SCHEMA_DOC } from "../lib/tracking/mlflow_schema.ts";
import { SqliteStore } from "../lib/tracking/sqlite_store.ts";
import { PYTHON } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("the committed MLflow schema is what the pinned MLflow creates (regenerated and compared)", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "schema.json");
  const r = await new Deno.Command(PYTHON, {
    args: ["tasks/mlflow/dump_schema.py", out],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const committed = await Deno.readTextFile(join(ROOT, "lib/tracking/mlflow_schema.json"));
  assert.equal(committed, await Deno.readTextFile(out), "run tasks/mlflow/dump_schema.py");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a database of an older MLflow revision is refused naming mlflow db upgrade; a newer one naming the version", async () => {
  const dir = await Deno.makeTempDir();
  const db = join(dir, "mlflow.db");
  await (await SqliteStore.open(`sqlite:///${db}`)).close();
  const setRevision = (rev: string) => {
    const d = new DatabaseSync(db);
    d.prepare("UPDATE alembic_version SET version_num = ?").run(rev);
    d.close();
  };
  const refused = async (pattern: RegExp) =>
    await assert.rejects(SqliteStore.open(`sqlite:///${db}`), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.problems[0]!, pattern);
      return true;
    });
  setRevision(MLFLOW_SCHEMA_DOC.revisions[10]!);
  await refused(
    /older than .*mlflow db upgrade sqlite:\/\/\/.*mlflow\.db` using MLflow 3\.\d+\.\d+/,
  );
  setRevision("f00dfeedbeef");
  await refused(
    /revision f00dfeedbeef, which MLflow 3\.\d+\.\d+ .* does not know: it was made by a newer MLflow/,
  );
  setRevision(MLFLOW_SCHEMA_DOC.revision);
  await (await SqliteStore.open(`sqlite:///${db}`)).close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("two trainers writing one SQLite store at once both land complete runs", async () => {
  const dir = await Deno.makeTempDir();
  const train = (seed: string) =>
    runTask("train", ["--max-samples", "4000", "--cv-folds", "3", "--seed", seed], { cwd: dir });
  const [a, b] = await Promise.all([train("1"), train("2")]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const store = await SqliteStore.open(`sqlite:///${join(dir, "mlflow.db")}`);
  const runs = await store.listRuns((await store.findExperiment("fraud-detection"))!);
  assert.equal(runs.length, 2);
  for (const run of runs) {
    assert.equal(run.status, "FINISHED");
    const rec = await store.readRun(run.runId);
    assert.equal(rec.metrics.filter((m) => m.key === "cv_fold_roc_auc").length, 3);
    assert.equal(rec.metrics.filter((m) => m.key === "train-logloss").length, 100);
    assert.ok(
      rec.artifacts.includes("model/model.json") && rec.artifacts.includes("model/MLmodel"),
    );
  }
  await store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the file store has no registry: train --register there is one line, before any run", async () => {
  const dir = await Deno.makeTempDir();
  const r = await runTask("train", ["--max-samples", "500", "--cv-folds", "0", "--register", "m"], {
    env: { MLFLOW_TRACKING_URI: join(dir, "mlruns") },
  });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr.trim(),
    /^train: mlflow\.trackingUri: the file store at .* has no model registry/m,
  );
  await Deno.remove(dir, { recursive: true });
});
