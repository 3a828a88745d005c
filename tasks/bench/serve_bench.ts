/**
 * The serving benchmark: our server (`deno task serve`) and the original design's FastAPI +
 * onnxruntime box, scoring the same model from the same Redis, driven by `wrk` with single-row
 * requests — by features and by entity id — one after the other on the same machine: requests/s
 * and p50/p99 latency of each, and the ratio. Ours runs as deployed (behind its connection guard)
 * and serving directly (`--header-timeout-ms 0`), so the guard's cost is measured too.
 *
 * @module
 */

import { join } from "node:path";
import { defaultConfig } from "../../lib/config/schema.ts";
import { embeddedFeatures } from "../../lib/features/embedded_source.ts";
import { exportOnnx } from "../../lib/onnx/export_model.ts";
import { runIngest } from "../../lib/pipeline/ingest.ts";
import { train } from "../../lib/pipeline/train.ts";
import { textTable } from "../../lib/report/text_table.ts";

/** What to run. */
export interface ServeBenchOptions {
  readonly cards: number;
  readonly seconds: number;
  readonly connections: number;
  readonly python: string;
}

interface WrkResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitHttp(url: string, body: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(url, { method: "POST", body }).then(async (r) => {
      await r.body?.cancel();
      return r.status === 200;
    }, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Runs wrk with a Lua script posting `bodies` in turn; parses its --latency output. */
async function wrk(
  url: string,
  bodies: string[],
  o: ServeBenchOptions,
  dir: string,
): Promise<WrkResult> {
  const script = join(dir, `bodies-${Math.random().toString(36).slice(2)}.lua`);
  await Deno.writeTextFile(
    script,
    `local bodies = {${bodies.map((b) => JSON.stringify(b)).join(",")}}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end`,
  );
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${o.connections}`, `-d${o.seconds}s`, "--latency", "-s", script, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(text);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1);
  };
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]),
    p50: ms("50"),
    p99: ms("99"),
    errors,
  };
}

/** Runs the benchmark and returns the printed report. */
export async function benchServe(o: ServeBenchOptions): Promise<string> {
  const dir = await Deno.makeTempDir();
  const redisPort = freePort();
  const redis = new Deno.Command("redis-server", {
    args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const children: Deno.ChildProcess[] = [];
  try {
    await new Promise((r) => setTimeout(r, 300));
    const base = defaultConfig();
    const config = {
      ...base,
      data: {
        ...base.data,
        source: "redis" as const,
        maxSamples: o.cards,
        cvFolds: 0,
        redis: { ...base.data.redis, host: "127.0.0.1", port: redisPort },
      },
      mlflow: { ...base.mlflow, trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
      exportOnnx: false,
    };
    await runIngest(config, { follow: false, rate: 1000, scenario: "none" });
    const result = await train(config);
    const modelPath = join(dir, "model.json"), onnxPath = join(dir, "model.onnx");
    await Deno.writeTextFile(modelPath, result.model.serialize());
    await Deno.writeFile(onnxPath, exportOnnx(result.model));
    const names = result.model.featureNames;
    await Deno.writeTextFile(join(dir, "names.json"), JSON.stringify(names));
    const f = embeddedFeatures({
      samples: 500,
      seed: config.seed,
      snapshotTime: config.data.snapshotTime,
      scenario: "none",
    });
    const byFeatures = Array.from(
      { length: 200 },
      (_, i) =>
        JSON.stringify(Object.fromEntries(names.map((n) => {
          const v = f.frame.column(n)[i]!;
          return [n, Number.isNaN(v) ? 0 : v];
        }))),
    );
    const byEntity = f.entityIds.slice(0, 200).map((id) => JSON.stringify({ entity_id: id }));
    const ours = freePort(), direct = freePort(), theirs = freePort();
    const view = config.featureViews[0]!;
    // Ours twice: as deployed (behind the connection guard), and serving directly.
    for (const [port, extra] of [[ours, []], [direct, ["--header-timeout-ms", "0"]]] as const) {
      children.push(new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "tasks/serve.ts",
          "--model",
          modelPath,
          "--port",
          String(port),
          "--source",
          "redis",
          "--log-sample",
          "0",
          ...extra,
        ],
        env: { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redisPort) },
        stdout: "null",
        stderr: "null",
      }).spawn());
    }
    children.push(new Deno.Command(o.python, {
      args: [
        "tasks/bench/fastapi_server.py",
        onnxPath,
        join(dir, "names.json"),
        String(redisPort),
        String(theirs),
        `features:card:{}:${view}`,
      ],
      stdout: "null",
      stderr: "inherit",
    }).spawn());
    const ourUrl = `http://127.0.0.1:${ours}/v1/score`,
      directUrl = `http://127.0.0.1:${direct}/v1/score`,
      theirUrl = `http://127.0.0.1:${theirs}/v1/score`;
    for (const url of [ourUrl, directUrl, theirUrl]) await waitHttp(url, byEntity[0]!);
    const rows: string[][] = [];
    for (const [kind, bodies] of [["features", byFeatures], ["entity id", byEntity]] as const) {
      const a = await wrk(ourUrl, bodies, o, dir);
      const b = await wrk(theirUrl, bodies, o, dir);
      const d = await wrk(directUrl, bodies, o, dir);
      const fmt = (
        r: WrkResult,
      ) => [
        Math.round(r.rps).toLocaleString("en-US"),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        String(r.errors),
      ];
      rows.push(["ours (deno task serve)", kind, ...fmt(a), (a.rps / b.rps).toFixed(2)]);
      rows.push(["ours, no guard", kind, ...fmt(d), (d.rps / b.rps).toFixed(2)]);
      rows.push(["FastAPI + onnxruntime", kind, ...fmt(b), "1.00"]);
    }
    return [
      `Single-row scoring over HTTP, wrk -t1 -c${o.connections} -d${o.seconds}s, ${o.cards} cards in Redis, one process each`,
      textTable([
        "server",
        "request",
        "req/s",
        "p50 ms",
        "p99 ms",
        "non-2xx",
        "throughput vs FastAPI",
      ], rows),
      "goal: ≥ 3× FastAPI's throughput and a lower p99",
    ].join("\n");
  } finally {
    for (const c of children) {
      try {
        c.kill("SIGTERM");
      } catch { /* gone */ }
      await c.status;
    }
    redis.kill("SIGKILL");
    await redis.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
