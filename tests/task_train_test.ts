import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask } from "./helpers/tasks.ts";

async function runTrain(args: string[], env: Record<string, string> = {}) {
  const cwd = await Deno.makeTempDir();
  return { cwd, ...(await runTask("train", args, { cwd, env, clearEnv: true })) };
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await allFiles(p));
    else out.push(p);
  }
  return out;
}

Deno.test("deno task train prints the CV and test summary and tracks to MLflow's default sqlite:///mlflow.db", async () => {
  const r = await runTrain(["--max-samples", "3000", "--cv-folds", "3", "--seed", "3"], {
    REDIS_PASSWORD: "pa55-w0rd-x",
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CV \(3 folds\) mean ± std/);
  assert.match(r.stdout, /^ROC AUC\s+0\.\d{4} ± 0\.\d{4}\s+0\.\d{4}$/m);
  assert.match(r.stdout, /^Readiness: (GOOD|ACCEPTABLE|NEEDS IMPROVEMENT)/m);
  // The embedded default: MLflow's SQLite database, artifacts in ./mlruns beside it.
  const files = [...await allFiles(join(r.cwd, "mlruns")), join(r.cwd, "mlflow.db")];
  assert.ok(files.some((f) => f.endsWith("model/model.json")));
  // The Redis password is a secret: in no output, no artifact, not in the database.
  assert.ok(!r.stdout.includes("pa55-w0rd-x") && !r.stderr.includes("pa55-w0rd-x"));
  const latin1 = new TextDecoder("latin1");
  for (const f of files) {
    assert.ok(!latin1.decode(await Deno.readFile(f)).includes("pa55-w0rd-x"), f);
  }
  await Deno.remove(r.cwd, { recursive: true });
});

Deno.test("bad config exits 2 with one line per problem and writes nothing", async () => {
  const r = await runTrain(["--cv-folds", "0.5", "--test-size", "2"], {
    MODEL_TYPE: "svm",
    REDIS_PASSWORD: "s3cr3t!",
  });
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 3, r.stderr);
  assert.ok(lines.every((l) => l.startsWith("train: ")), r.stderr);
  assert.ok(
    lines.some((l) => l.includes("data.cvFolds: must be an integer, got 0.5 (from --cv-folds)")),
  );
  assert.ok(
    lines.some((l) =>
      l.includes("model.type: must be one of") && l.includes("(from env MODEL_TYPE)")
    ),
  );
  assert.equal(r.stdout, "");
  await assert.rejects(Deno.stat(join(r.cwd, "mlruns")), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(join(r.cwd, "mlflow.db")), Deno.errors.NotFound);
  await Deno.remove(r.cwd, { recursive: true });
});

Deno.test("bad data (one class only) exits 2 with a one-line reason, no stack trace", async () => {
  const r = await runTrain(["--max-samples", "50", "--positive-rate", "0.001"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^train: the labeled data has only one class \(0\) in 50 rows/m);
  assert.ok(!r.stderr.includes("    at "), r.stderr);
  await Deno.remove(r.cwd, { recursive: true });
});

Deno.test("--log-format json writes one JSON object per log line and the summary as JSON on stdout; --help exits 0", async () => {
  const r = await runTrain([
    "--max-samples",
    "1000",
    "--cv-folds",
    "2",
    "--log-format",
    "json",
    "--verbose",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.ok(lines.length >= 4);
  for (const l of lines) assert.equal(typeof JSON.parse(l).message, "string", l);
  // stdout holds JSON only: the summary as one object.
  const summary = JSON.parse(r.stdout);
  assert.match(summary.run_id, /^\w{32}$/);
  assert.ok(summary.test.roc_auc > 0.5 && summary.cv.roc_auc.mean > 0.5, r.stdout);
  const help = await runTrain(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--model-type/);
  await Deno.remove(r.cwd, { recursive: true });
  await Deno.remove(help.cwd, { recursive: true });
});
