/**
 * The image for real: built from the Dockerfile with buildah (chroot isolation, host network — no
 * daemon, no cgroups) on a Debian base that mmdebstrap makes from Debian's own packages (public
 * registries are out of reach here; the base is cached between runs), with the host's CA bundle
 * as a build secret; then the container tasks run inside it as the image's user, offline — every
 * download pointed at a closed loopback port — against a real redis-server and `mlflow server` on
 * loopback: train, drift on files from a mounted folder, the compose walkthrough (ingest, the
 * bootstrap service's command, a shift, a cycle that retrains and promotes) and the serve service's
 * command answering a score. Files written to `/data` belong to the
 * image's user and outlive the container. The build time and the image size are printed.
 *
 * Needs buildah, mmdebstrap and podman (Debian's packages; `.ci/run` installs them) and root.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { MlflowServer } from "./helpers/mlflow_server.ts";
import { freePort, RedisServer } from "./helpers/redis_server.ts";
import { runPython } from "./helpers/python.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const IMAGE = "localhost/fraud-pipeline:test";
const BASE = "docker.io/library/debian:bookworm-slim";
/** The image's user (`useradd --uid` in the Dockerfile). */
const UID = 1993;

/** Runs a command; its exit code and output. */
async function sh(cmd: string, args: string[], signal?: AbortSignal) {
  const out = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    ...(signal ? { signal } : {}),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs a command that must succeed; its stdout. */
async function must(cmd: string, args: string[]): Promise<string> {
  const r = await sh(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} (exit ${r.code}):\n${r.stderr}`);
  return r.stdout;
}

/** The Debian base the Dockerfile names, made by mmdebstrap once and cached. */
async function ensureBase(): Promise<void> {
  // An image buildah does not know is exit 125 on some versions, an empty list on others.
  const known = await sh("buildah", ["images", "-q", BASE]);
  if (known.code === 0 && known.stdout.trim()) return;
  const cache = join(
    Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`,
    "fraud-pipeline",
  );
  const tar = join(cache, "bookworm-minbase.tar");
  if (!(await Deno.stat(tar).then(() => true, () => false))) {
    await Deno.mkdir(cache, { recursive: true });
    await must("mmdebstrap", [
      "--variant=minbase",
      // The format by name: the temporary file's name does not end in .tar.
      "--format=tar",
      "--include=ca-certificates",
      "bookworm",
      `${tar}.tmp`,
    ]);
    await Deno.rename(`${tar}.tmp`, tar);
  }
  await must("podman", ["import", tar, BASE]);
}

/** The host's CA bundle, as Python's ssl module names it. */
async function caBundle(): Promise<string> {
  const paths = await must("python3", [
    "-c",
    "import ssl; print(ssl.get_default_verify_paths().cafile)",
  ]);
  return paths.trim();
}

/** The command of each compose service. */
async function composeCommands(): Promise<Record<string, string[]>> {
  const compose = await runPython<{ services: Record<string, { command?: string[] }> }>(
    `import yaml\nout = yaml.safe_load(open(data["path"]))`,
    { path: join(ROOT, "docker-compose.yml") },
  );
  return Object.fromEntries(
    Object.entries(compose.services).flatMap(([name, s]) => (s.command ? [[name, s.command]] : [])),
  );
}

/** A working container of the image, with `/data` free for a bind mount. */
async function container(): Promise<string> {
  const id = (await must("buildah", ["from", "--pull=never", IMAGE])).trim();
  // buildah run mounts the image's VOLUME over a -v of the same path: drop it for the run.
  await must("buildah", ["config", "--volume", "/data-", id]);
  return id;
}

/** `buildah run` options: the image's user, the host network, no way out but loopback. */
function runArgs(o: { data: string; env: Record<string, string>; mounts?: string[] }): string[] {
  const closed = `http://127.0.0.1:${freePort()}`;
  const offline = {
    HTTP_PROXY: closed,
    HTTPS_PROXY: closed,
    http_proxy: closed,
    https_proxy: closed,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
  return [
    "run",
    "--isolation",
    "chroot",
    "--network",
    "host",
    "--user",
    "deno",
    "-v",
    `${o.data}:/data`,
    ...(o.mounts ?? []).flatMap((m) => ["-v", m]),
    ...Object.entries({ ...offline, ...o.env }).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
  ];
}

Deno.test("the image builds with buildah and its tasks run inside it, offline, as its user", async (t) => {
  await ensureBase();
  const t0 = performance.now();
  await must("buildah", [
    "bud",
    "--format",
    "docker",
    "--isolation",
    "chroot",
    "--network",
    "host",
    "--layers",
    "--pull=never",
    "--secret",
    `id=ca,src=${await caBundle()}`,
    "-t",
    IMAGE,
    ROOT,
  ]);
  const seconds = (performance.now() - t0) / 1000;
  const size = (await must("buildah", ["images", "--format", "{{.Size}}", IMAGE])).trim();
  console.log(
    `image ${IMAGE}: built in ${seconds.toFixed(0)} s (layers cached between runs), ${size}`,
  );

  const data = await Deno.makeTempDir();
  await Deno.chmod(data, 0o777);
  const redis = await RedisServer.start();
  const mlflow = await MlflowServer.start({
    db: join(data, "server.db"),
    artifacts: join(data, "art"),
  });
  const ctr = await container();
  const env = {
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis.port),
    MLFLOW_TRACKING_URI: mlflow.url,
    DATA_SOURCE: "redis",
    MODEL_NAME: "fraud_detection",
  };
  const task = (args: string[], o: { env?: Record<string, string>; mounts?: string[] } = {}) =>
    sh("buildah", [
      ...runArgs({ data, env: o.env ?? env, mounts: o.mounts ?? [] }),
      ctr,
      "--",
      "deno",
      "task",
      ...args,
    ]);
  try {
    await t.step("no download gets out: the proxy is a closed loopback port", async () => {
      // With the host's CA bundle a download from inside works; through the closed proxy it fails.
      const ca = await caBundle();
      const fetchStatus = async (args: string[]) =>
        await sh("buildah", [
          ...args,
          "-v",
          `${ca}:/run/host-ca.pem:ro`,
          "--env",
          "DENO_CERT=/run/host-ca.pem",
          ctr,
          "--",
          ...[
            "deno",
            "eval",
            "console.log((await fetch('https://registry.npmjs.org/zod')).status)",
          ],
        ]);
      const open = await fetchStatus(["run", "--isolation", "chroot", "--network", "host"]);
      assert.equal(
        open.stdout.trim(),
        "200",
        `the registry is reachable with the CA: ${open.stderr}`,
      );
      const closed = await fetchStatus(runArgs({ data, env: {} }));
      assert.notEqual(closed.code, 0, "a download got out");
    });

    await t.step(
      "train on the embedded stream into /data: files of the image's user, kept after the container",
      async () => {
        const r = await task([
          "train",
          "--max-samples",
          "2000",
          "--cv-folds",
          "0",
          "--log-format",
          "json",
        ], {
          env: { MLFLOW_TRACKING_URI: "sqlite:////data/mlflow.db" },
        });
        assert.equal(r.code, 0, r.stderr);
        const db = await Deno.stat(join(data, "mlflow.db"));
        assert.equal(db.uid, UID);
        assert.equal((await Deno.stat(join(data, "mlruns"))).uid, UID);
      },
    );

    await t.step("drift on files from a mounted folder", async () => {
      const r = await task([
        ...[
          "drift",
          "--reference",
          "/in/transactions.csv",
          "--current",
          "/in/transactions_new.parquet",
        ],
        ...[
          "--label-column",
          "is_fraud",
          "--id-columns",
          "card_id,event_time",
          "--output",
          "/data/drift.json",
        ],
      ], { env: {}, mounts: [`${join(ROOT, "data")}:/in:ro`] });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(await Deno.readTextFile(join(data, "drift.json")));
      assert.ok(
        report.features.some((f: { name: string; drifted: boolean }) =>
          f.name === "channel" && f.drifted
        ),
      );
    });

    // The compose walkthrough (docs/continuous-learning.md), step by step, with the services'
    // own commands from docker-compose.yml.
    const services = await composeCommands();
    await t.step(
      "the compose walkthrough: ingest, bootstrap, a shift, a cycle that retrains and promotes (exit 10)",
      async () => {
        assert.equal((await task(["ingest", "--samples", "5000"])).code, 0);
        const bootstrap = await task(services.bootstrap!);
        assert.equal(bootstrap.code, 0, bootstrap.stderr);
        const shift = await task([
          "ingest",
          "--samples",
          "5000",
          "--scenario",
          "new_fraud_pattern",
        ]);
        assert.equal(shift.code, 0, shift.stderr);
        const cycle = await task(["monitor", "--samples", "5000"]);
        assert.equal(cycle.code, 10, cycle.stderr + cycle.stdout);
        assert.match(cycle.stdout, /"decision":"promoted"/); // the walkthrough's grep
      },
    );

    await t.step("serve answers a score by entity id", async () => {
      const port = freePort();
      // compose's serve command, on a free port of the host network.
      const command = [...services.serve!];
      command[command.indexOf("--port") + 1] = String(port);
      const server = new Deno.Command("buildah", {
        args: [...runArgs({ data, env }), ctr, "--", "deno", "task", ...command],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      try {
        let ready = false;
        for (let i = 0; i < 120 && !ready; i++) {
          ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(async (r) => {
            await r.body?.cancel();
            return r.status === 200;
          }, () => false);
          if (!ready) await new Promise((r) => setTimeout(r, 250));
        }
        assert.ok(ready, "serve in the image became ready");
        const res = await fetch(`http://127.0.0.1:${port}/v1/score`, {
          method: "POST",
          body: '{"entity_ids": ["card_000001"]}',
        });
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.model.name, "fraud_detection");
        assert.ok(body.predictions[0].probability >= 0 && body.predictions[0].probability <= 1);
      } finally {
        server.kill("SIGTERM");
        await server.stderr.cancel();
        await server.status;
        // buildah ends the task runner; the server it started goes with its port.
        await sh("pkill", ["-f", `tasks/serve.ts.*--port.*${port}`]);
      }
    });
  } finally {
    await sh("buildah", ["rm", ctr]);
    await mlflow.stop();
    await redis.stop();
    await Deno.remove(data, { recursive: true });
  }
});
