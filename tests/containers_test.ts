/**
 * The Dockerfile and docker-compose.yml, checked without a container engine (none runs on our
 * machines): every file, task, flag, env var, version and port they name exists and agrees with
 * the code; the compose file parses (PyYAML); and the commands the containers run are run here
 * directly against a real redis-server and a real `mlflow server` — only hosts, ports and the
 * `/data` and `/mlflow` paths are replaced by the test's own.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ENV_PATHS } from "../lib/config/load.ts";
import { resolveTask } from "../lib/config/resolve_task.ts";
import type { TaskSpec } from "../lib/config/task_spec.ts";
import { freePort, RedisServer } from "./helpers/redis_server.ts";
import { PYTHON, runPython } from "./helpers/python.ts";
import { runTask, startTask } from "./helpers/tasks.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const read = (f: string) => Deno.readTextFile(join(ROOT, f));

/** Dockerfile instructions, continuation lines joined. */
async function dockerfile(): Promise<{ op: string; arg: string }[]> {
  const text = (await read("Dockerfile")).replace(/\\\n/g, " ");
  return text.split("\n").filter((l) => l.trim() && !l.startsWith("#")).map((l) => {
    const [op, ...rest] = l.trim().split(/\s+/);
    return { op: op!, arg: rest.join(" ") };
  });
}

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
}

async function compose(): Promise<
  { services: Record<string, Service>; volumes: Record<string, unknown> }
> {
  return await runPython(
    `import yaml\nout = yaml.safe_load(open(data["path"]))`,
    { path: join(ROOT, "docker-compose.yml") },
  );
}

/** deno.json tasks a container may run (not the dev gate, benchmarks or notebooks). */
async function containerTasks(): Promise<Map<string, string>> {
  const tasks = JSON.parse(await read("deno.json")).tasks as Record<string, { command: string }>;
  const out = new Map<string, string>();
  for (const [name, t] of Object.entries(tasks)) {
    const file = /tasks\/(\w+)\.ts/.exec(t.command)?.[1];
    if (!file || /^(bench|notebooks|test|ok|build:wasm|setup:python)/.test(name)) continue;
    out.set(name, `tasks/${file}.ts`);
  }
  return out;
}

async function taskSpec(file: string): Promise<TaskSpec> {
  return (await import(join(ROOT, file))).TASK as TaskSpec;
}

/** A GET with a chosen Host header (fetch sets its own); returns the response's head. */
async function rawGet(port: number, path: string, host: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    return new TextDecoder().decode(buf.subarray(0, n ?? 0));
  } finally {
    conn.close();
  }
}

Deno.test("the Dockerfile agrees with the code: pinned Deno, every task cached, non-root, /data, the health probe", async () => {
  const ops = await dockerfile();
  const one = (op: string) => ops.filter((o) => o.op === op);
  const ci = await read(".ci/run");
  const pinned = /deno@(\d+\.\d+\.\d+)/.exec(ci)![1]!;
  assert.deepEqual(one("FROM").map((f) => f.arg), [
    "debian:bookworm-slim AS deno",
    "debian:bookworm-slim",
  ]);
  assert.match(
    one("RUN")[0]!.arg,
    new RegExp(`npm install -g .*deno@${pinned.replace(/\./g, "\\.")}`),
    "the Deno CI installs",
  );
  for (const c of one("COPY")) {
    if (c.arg.startsWith("--from=")) continue; // from the build stage
    for (const src of c.arg.split(" ").slice(0, -1)) {
      if (src.endsWith("*") || src.startsWith("--")) continue;
      await Deno.stat(join(ROOT, src)); // throws when a copied path does not exist
    }
  }
  const cached = new Set(
    ops.flatMap((o) => [...o.arg.matchAll(/tasks\/\w+\.ts/g)].map((m) => m[0])),
  );
  for (const [name, file] of await containerTasks()) {
    assert.ok(cached.has(file), `deno task ${name}: ${file} is not cached at build time`);
  }
  assert.match(ops.map((o) => o.arg).join("\n"), /onnxruntime-node@\*.*libonnxruntime\.so\.1/);
  const user = one("USER").at(-1)!.arg;
  assert.ok(user !== "root" && user !== "0", user);
  const env = Object.fromEntries(
    one("ENV").flatMap((e) => [...e.arg.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
  );
  for (const name of Object.keys(env)) {
    const known = name in ENV_PATHS || name.startsWith("DENO_") ||
      (await read("tasks/healthcheck.ts")).includes(`"${name}"`);
    assert.ok(known, `ENV ${name} is read by nothing`);
  }
  assert.equal(one("VOLUME")[0]!.arg, "/data");
  assert.match(env.MLFLOW_TRACKING_URI!, /^sqlite:\/\/\/\/data\//);
  assert.match(env.MONITOR_LOCK_FILE!, /^\/data\//);
  const schedule = await taskSpec("tasks/schedule.ts");
  const port = (schedule.options!.parse({ intervalSeconds: 1 }) as { port: number }).port;
  assert.equal(Number(env.HEALTH_PORT), port, "the probe asks the scheduler's default port");
  assert.equal(Number(one("EXPOSE")[0]!.arg), port);
  assert.match(one("HEALTHCHECK")[0]!.arg, /CMD \["deno", "run", .*"tasks\/healthcheck\.ts"\]/);
  assert.deepEqual(JSON.parse(one("ENTRYPOINT")[0]!.arg), ["deno", "task"]);
  const cmd = JSON.parse(one("CMD")[0]!.arg) as string[];
  assert.ok((await containerTasks()).has(cmd[0]!), String(cmd[0]));
});

Deno.test("docker-compose.yml parses and agrees with the code: tasks and their flags, env vars, versions, ports, volumes", async () => {
  const c = await compose();
  const s = c.services;
  assert.deepEqual(Object.keys(s).sort(), [
    "bootstrap",
    "dask-scheduler",
    "dask-worker",
    "grafana",
    "ingest",
    "mlflow",
    "prometheus",
    "redis",
    "scheduler",
    "serve",
  ]);
  const redisVersion = new TextDecoder().decode(
    (await new Deno.Command("redis-server", { args: ["--version"], stdout: "piped" }).output())
      .stdout,
  );
  assert.equal(s.redis!.image, `redis:${/v=(\d+\.\d+\.\d+)/.exec(redisVersion)![1]}-bookworm`);
  const mlflowPin = /^mlflow==(\S+)$/m.exec(await read("requirements-dev.txt"))![1]!;
  assert.equal(s.mlflow!.image, `ghcr.io/mlflow/mlflow:v${mlflowPin}`);
  const mlflowPort = s.mlflow!.command![s.mlflow!.command!.indexOf("--port") + 1]!;
  assert.ok(s.mlflow!.ports!.includes(`${mlflowPort}:${mlflowPort}`));
  const tasks = await containerTasks();
  for (const [name, svc] of Object.entries(s).filter(([, v]) => v.build === ".")) {
    const [task, ...args] = svc.command!;
    assert.ok(tasks.has(task!), `${name}: ${task} is not a deno task`);
    for (const key of Object.keys(svc.environment ?? {})) {
      assert.ok(key in ENV_PATHS, `${name}: ${key} is read by nothing`);
    }
    // The command line is valid for its task: flags known, values in range.
    await resolveTask(await taskSpec(tasks.get(task!)!), args, svc.environment ?? {});
    assert.ok(svc.volumes!.includes("pipeline-data:/data"), `${name}: outputs on /data`);
    const env = svc.environment!;
    assert.ok(env.REDIS_HOST! in s, `${name}: REDIS_HOST names a service`);
    const mlflow = new URL(env.MLFLOW_TRACKING_URI!);
    assert.equal(mlflow.hostname, "mlflow");
    assert.equal(mlflow.port, mlflowPort);
  }
  for (const name of ["scheduler", "serve"]) {
    const cmd = s[name]!.command!, port = cmd[cmd.indexOf("--port") + 1]!;
    assert.ok(s[name]!.ports!.includes(`${port}:${port}`), `${name} publishes its --port`);
    assert.equal(cmd[cmd.indexOf("--host") + 1], "0.0.0.0", `${name} listens beyond the container`);
  }
  const grace = Number(/^(\d+)s$/.exec(s.scheduler!.stop_grace_period!)![1]);
  const spec = await taskSpec("tasks/schedule.ts");
  const bound =
    (spec.options!.parse({ intervalSeconds: 1 }) as { stopTimeout: number }).stopTimeout;
  assert.ok(grace > bound, `stop_grace_period ${grace}s must exceed the ${bound}s stop bound`);
  for (const svc of Object.values(s)) {
    for (const v of svc.volumes ?? []) {
      const source = v.split(":")[0]!;
      // A named volume is declared; a bind mount (./…) names a file or folder of the repository.
      if (source === "./output/dask") continue; // made by the first --engine dask fit
      if (source.startsWith("./")) await Deno.stat(join(ROOT, source));
      else assert.ok(source in c.volumes, v);
    }
  }
});

Deno.test("the stack's commands, run directly: bootstrap, ingest, the scheduler, a shift and the retrain it causes", async () => {
  const c = (await compose()).services;
  const dir = await Deno.makeTempDir();
  const redis = await RedisServer.start({ extra: c.redis!.command!.slice(1) });
  const mlPort = freePort();
  const mlArgs = c.mlflow!.command!.slice(1).map((a) =>
    a.replace("/mlflow/", `${dir}/`).replace("0.0.0.0", "127.0.0.1").replace(
      /^5000$/,
      String(mlPort),
    )
  );
  const mlflow = new Deno.Command("setsid", {
    args: [join(PYTHON, "..", "mlflow"), ...mlArgs],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const env: Record<string, string> = {
    ...c.scheduler!.environment!,
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis.port),
    MLFLOW_TRACKING_URI: `http://127.0.0.1:${mlPort}`,
    MONITOR_LOCK_FILE: join(dir, "monitor.lock"),
  };
  const opts = { env, cwd: dir };
  try {
    for (let i = 0; i < 240; i++) {
      if (await fetch(`${env.MLFLOW_TRACKING_URI}/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // In the stack the pipeline reaches MLflow as http://mlflow:5000: that Host header must pass.
    assert.match(await rawGet(mlPort, "/health", "mlflow:5000"), /^HTTP\/1\.[01] 200/);
    // ingest --follow, as the service runs it: events land in Redis.
    const follow = startTask("ingest", c.ingest!.command!.slice(1), opts);
    await follow.waitFor(/ingest: \d+ events/);
    follow.kill("SIGTERM");
    await follow.done;
    assert.ok(Number(await redis.cli(["DBSIZE"])) > 0);
    // README: a snapshot first, then the bootstrap service's command.
    assert.equal((await runTask("ingest", ["--samples", "5000"], opts)).code, 0);
    const boot = await runTask(c.bootstrap!.command![0]!, c.bootstrap!.command!.slice(1), opts);
    assert.equal(boot.code, 0, boot.stderr);
    // The service logs json, so its stdout is the summary as one JSON object.
    assert.deepEqual(JSON.parse(boot.stdout).registered, { name: "fraud_detection", version: "1" });
    // The scheduler's command (its port replaced by a free one): the first cycle runs at start.
    const args = c.scheduler!.command!.slice(1);
    args[args.indexOf("--port") + 1] = String(freePort());
    const s = startTask("schedule", args, opts);
    await s.waitFor(/"message":"cycle","decision":"nothing_to_do"/, 120_000);
    const health = /"health":"http:\/\/0\.0\.0\.0:(\d+)\/healthz"/.exec(await s.waitFor(/health/))!;
    assert.equal((await fetch(`http://127.0.0.1:${health[1]}/healthz`)).status, 200);
    // Stopped before the cycle below: its */10 schedule, firing meanwhile, would hold the lock
    // (the cycle then refuses to run, as it should), as it did once at 04:30:00 in a gate run.
    s.kill("SIGTERM");
    const end = await s.done;
    assert.equal(end.code, 0, end.stderr);
    // README: a new fraud pattern into the running stack, and a cycle now.
    const shift = await runTask(
      "ingest",
      ["--samples", "5000", "--scenario", "new_fraud_pattern"],
      opts,
    );
    assert.equal(shift.code, 0, shift.stderr);
    // The scoring service's command (its port swapped): the champion, by entity id.
    const serveArgs = c.serve!.command!.slice(1);
    serveArgs[serveArgs.indexOf("--port") + 1] = String(freePort());
    const served = startTask("serve", serveArgs, opts);
    const serveUrl = /url=http:\/\/0\.0\.0\.0:(\d+)/.exec(
      await served.waitFor(/INFO {2}serving url=/),
    )!;
    const scored = await fetch(`http://127.0.0.1:${serveUrl[1]}/v1/score`, {
      method: "POST",
      body: JSON.stringify({ entity_ids: ["card_000001"] }),
    });
    assert.equal(scored.status, 200, await scored.clone().text());
    assert.equal((await scored.json()).model.version, "1");
    served.kill("SIGTERM");
    assert.equal((await served.done).code, 0);
    const cycle = await runTask("monitor", ["--samples", "5000"], opts);
    assert.ok([10, 11].includes(cycle.code), cycle.stderr);
    const line = JSON.parse(cycle.stdout.trim().split("\n").at(-1)!);
    const fired = line.triggers.filter((t: { fired: boolean }) => t.fired).map((
      t: { name: string },
    ) => t.name);
    assert.ok(fired.includes("data") && fired.includes("drift"), cycle.stdout);
    assert.equal(line.challenger, "2");
    // The image's health probe command runs (here PID 1 is not the scheduler: nothing to probe).
    const check = (await dockerfile()).find((o) => o.op === "HEALTHCHECK")!.arg;
    const [deno, ...probeArgs] = JSON.parse(/CMD (\[.*\])/.exec(check)![1]!) as string[];
    assert.equal(deno, "deno");
    const probe = await new Deno.Command(Deno.execPath(), {
      args: probeArgs,
      cwd: ROOT,
      stdout: "piped",
    }).output();
    assert.equal(probe.code, 0, new TextDecoder().decode(probe.stdout));
    assert.match(new TextDecoder().decode(probe.stdout), /not the scheduler/);
  } finally {
    try {
      Deno.kill(-mlflow.pid, "SIGKILL");
    } catch { /* gone */ }
    await mlflow.status;
    await redis.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
