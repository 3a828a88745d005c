import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "./helpers/redis_server.ts";
import { runTask, type TaskRun } from "./helpers/tasks.ts";

/** One line on stderr, prefixed by the task, no stack trace, exit code 2. */
function assertOneLine(r: TaskRun, task: string, pattern: RegExp): void {
  const lines = r.stderr.trim().split("\n").filter((l) =>
    !/^\d{4}-\d\d-\d\dT.* (INFO|DEBUG) /.test(l)
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^${task}: ${pattern.source}`), r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
}

Deno.test("ingest with no Redis is one line and exit 2, snapshot and follow alike", async () => {
  const port = freePort(); // nothing listens here
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(port) };
  const snapshot = await runTask("ingest", ["--samples", "100"], { env });
  assertOneLine(
    snapshot,
    "ingest",
    new RegExp(`cannot write features to Redis 127\\.0\\.0\\.1:${port}/0: `),
  );
  const follow = await runTask("ingest", ["--follow", "--rate", "10", "--max-events", "5"], {
    env: { ...env, REDIS_PASSWORD: "hunter2" },
  });
  assertOneLine(
    follow,
    "ingest",
    new RegExp(`cannot write features to Redis 127\\.0\\.0\\.1:${port}/0: `),
  );
  assert.ok(!follow.stderr.includes("hunter2"));
});

Deno.test("a tracking store or output path that cannot be written is one line and exit 2", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "a-file");
  await Deno.writeTextFile(file, "not a folder");
  const train = await runTask("train", ["--max-samples", "300", "--cv-folds", "0"], {
    env: { MLFLOW_TRACKING_URI: join(file, "mlruns") },
  });
  assertOneLine(train, "train", /cannot write to the tracking store at .*a-file\/mlruns: /);

  await Deno.writeTextFile(join(dir, "ref.csv"), "a,b\n1,2\n3,4\n5,6\n");
  const drift = await runTask("drift", [
    "--reference",
    join(dir, "ref.csv"),
    "--current",
    join(dir, "ref.csv"),
    "--output",
    join(file, "report.json"),
  ]);
  assertOneLine(drift, "drift", /cannot write ".*a-file\/report\.json": /);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a notebook that does not exist is one line and exit 2", async () => {
  const r = await runTask("notebooks", ["/nonexistent/x.ipynb"]);
  assertOneLine(r, "notebooks", /\/nonexistent\/x\.ipynb: no such notebook/);
});

Deno.test("a permission the process lacks is one line at once, not retried as a network error", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    // Everything predict needs but the network.
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "--allow-sys", "--allow-ffi"]
      .concat([join(root, "tasks/predict.ts"), "--model", "models:/m@champion"])
      .concat(["--input", "x.csv", "--output", "y.csv"]),
    env: { NO_COLOR: "1", MLFLOW_TRACKING_URI: `http://127.0.0.1:${freePort()}` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr.trim(), /^predict: .*network access is not permitted/);
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
  assert.ok(performance.now() - started < 3000, "no retries with backoff");
});
