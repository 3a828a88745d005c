/**
 * Secrets never reach a param, tag, artifact or log: with credentials inside
 * `MLFLOW_TRACKING_URI` (`http://user:pass@host`), a tracking token and password, and a Redis
 * password, a run of every task that tracks (ingest, train with registration, drift, monitor,
 * predict from the registry, an offline run and its sync) leaves every file and every table it
 * wrote, and everything it printed, free of them.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { walk } from "./helpers/files.ts";
import { MlflowServer } from "./helpers/mlflow_server.ts";
import { freePort, RedisServer } from "./helpers/redis_server.ts";
import { runTask, type TaskRun } from "./helpers/tasks.ts";

const SECRETS = {
  uriPassword: "uri-S3CRET-pw",
  /** After an `@` inside the password: what a redaction up to the first `@` would leave. */
  uriPasswordTail: "uri-S3CRET-tail",
  uriUser: "uri-S3CRET-user",
  token: "tok-S3CRET",
  password: "env-S3CRET-pw",
  redis: "redis-S3CRET-pw",
};

/** Every file below `dirs`, as bytes, where a secret shows (SQLite pages included). */
async function filesHolding(dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    for await (const path of walk(dir)) {
      const text = new TextDecoder("latin1").decode(await Deno.readFile(path));
      for (const [name, s] of Object.entries(SECRETS)) {
        if (text.includes(s)) found.push(`${path}: ${name}`);
      }
    }
  }
  return found;
}

function assertClean(r: TaskRun, what: string): void {
  for (const [name, s] of Object.entries(SECRETS)) {
    assert.ok(
      !(r.stdout + r.stderr).includes(s),
      `${what} printed ${name}:\n${r.stdout}${r.stderr}`,
    );
  }
}

Deno.test("no secret reaches a param, tag, artifact, table or log line", async () => {
  const dir = await Deno.makeTempDir();
  const server = await MlflowServer.start({
    db: join(dir, "server.db"),
    artifacts: join(dir, "served"),
  });
  const redis = await RedisServer.start({ password: SECRETS.redis });
  const { port } = new URL(server.url);
  const env = {
    MLFLOW_TRACKING_URI:
      `http://${SECRETS.uriUser}:${SECRETS.uriPassword}@${SECRETS.uriPasswordTail}@127.0.0.1:${port}`,
    MLFLOW_TRACKING_TOKEN: SECRETS.token,
    MLFLOW_TRACKING_USERNAME: "someone",
    MLFLOW_TRACKING_PASSWORD: SECRETS.password,
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis.port),
    REDIS_PASSWORD: SECRETS.redis,
  };
  const work = join(dir, "work");
  await Deno.mkdir(work);
  const run = async (task: string, args: string[], extra: Record<string, string> = {}) => {
    const r = await runTask(task, args, {
      cwd: work,
      env: { ...env, ...extra },
      timeoutMs: 180_000,
    });
    assertClean(r, task);
    return r;
  };
  try {
    assert.equal((await run("ingest", ["--samples", "2000"])).code, 0);
    const trained = await run("train", [
      "--source",
      "redis",
      "--cv-folds",
      "2",
      "--register",
      "fraud_detection",
      "--alias",
      "champion",
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    const drift = await run("drift", [
      "--source",
      "redis",
      "--html",
      "drift.html",
      "--output",
      "drift.json",
    ]);
    assert.ok([0, 3].includes(drift.code), drift.stderr);
    const monitor = await run("monitor", [
      "--source",
      "redis",
      "--cv-folds",
      "0",
      "--samples",
      "2000",
    ]);
    assert.ok([0, 10, 11].includes(monitor.code), monitor.stderr);
    await Deno.writeTextFile(join(work, "rows.csv"), "x\n1\n");
    const predict = await run("predict", [
      "--model",
      "models:/fraud_detection@champion",
      "--input",
      "rows.csv",
      "--output",
      "scores.csv",
    ]);
    assert.equal(predict.code, 2, "rows.csv lacks the features: a refusal that names no secret");
    // A server that is down, with the secret URI: offline, then synced to the real one.
    const down = `http://${SECRETS.uriUser}:${SECRETS.uriPassword}@127.0.0.1:${freePort()}`;
    const offline = await run(
      "train",
      ["--cv-folds", "0", "--max-samples", "1000", "--offline-ok"],
      {
        MLFLOW_TRACKING_URI: down,
      },
    );
    assert.equal(offline.code, 0, offline.stderr);
    const runId = /^Run (\w{32}) /m.exec(offline.stdout)![1]!;
    const sync = await run("mlflow_sync", [
      "--from",
      `sqlite:///${join(work, "mlflow.db")}`,
      "--to",
      env.MLFLOW_TRACKING_URI,
      "--run-id",
      runId,
    ]);
    assert.equal(sync.code, 0, sync.stderr);
    // Everything written: the local store, the reports, the server's database and artifacts.
    await server.stop();
    assert.deepEqual(await filesHolding([dir]), []);
    const tables = new TextDecoder("latin1").decode(await Deno.readFile(join(dir, "server.db")));
    assert.ok(tables.includes("fraud_detection"), "the server database is the one written");
    assert.ok(tables.includes("mlflow.trackingUri"), "the tracking URI was logged, redacted");
  } finally {
    await server.stop();
    await redis.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
