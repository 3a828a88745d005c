/**
 * The serving benchmark: our server (`deno task serve`) and the original design's FastAPI +
 * onnxruntime box, scoring the same model from the same Redis, driven by `wrk` with single-row
 * requests — by features and by entity id — one after the other on the same machine: requests/s
 * and p50/p99 latency of each, speed vs FastAPI (our requests/s over its) and the goals; and the
 * champion's p99 with a shadow challenger against without (both logging every prediction). Ours runs as deployed (behind its connection guard)
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
import {
  atLeast,
  below,
  formatSpeed,
  goalCheck,
  type GoalResult,
  goalSummary,
  speedFromRates,
  speedHeader,
  speedLegend,
} from "./_ratio.ts";
import { freePort } from "./_proc.ts";

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

/**
 * Runs wrk with a Lua script (written in `o.dir`) posting `bodies` in turn; parses its --latency
 * output.
 */
async function wrk(
  url: string,
  bodies: string[],
  o: { seconds: number; connections: number; dir: string },
): Promise<WrkResult> {
  const script = join(o.dir, `bodies-${Math.random().toString(36).slice(2)}.lua`);
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

/** 200 single-row request bodies by features (NaN sent as 0) and 200 by entity id. */
function requestBodies(
  names: readonly string[],
  config: { seed: number; data: { snapshotTime: string } },
): { byFeatures: string[]; byEntity: string[] } {
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
  return { byFeatures, byEntity };
}

/** The files and Redis the servers score from. */
interface ServedModel {
  readonly model: string;
  readonly onnx: string;
  readonly names: string;
  readonly redisPort: number;
  readonly view: string;
  readonly python: string;
}

/**
 * Starts ours twice — as deployed (behind the connection guard) and serving directly — and the
 * FastAPI server, each on a free port; pushes each process onto `children` (the caller stops them).
 */
function startServers(
  m: ServedModel,
  children: Deno.ChildProcess[],
): { ours: string; direct: string; fastapi: string; logged: string; shadow: string } {
  const ours = freePort(), direct = freePort(), theirs = freePort();
  const logged = freePort(), shadow = freePort();
  const servers = [
    [ours, []],
    [direct, ["--header-timeout-ms", "0"]],
    // The prediction log on, without and with a shadow challenger (a second copy of the model).
    [logged, ["--log-sample", "1"]],
    [shadow, ["--log-sample", "1", "--shadow", m.model]],
  ] as const;
  for (const [port, extra] of servers) {
    children.push(new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", "-A", "tasks/serve.ts", "--model", m.model, "--port", String(port)],
        ...[
          "--source",
          "redis",
          ...(extra.length && extra[0] === "--log-sample" ? [] : ["--log-sample", "0"]),
        ],
        ...extra,
      ],
      env: { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(m.redisPort) },
      stdout: "null",
      stderr: "null",
    }).spawn());
  }
  children.push(new Deno.Command(m.python, {
    args: [
      "tasks/bench/fastapi_server.py",
      m.onnx,
      m.names,
      String(m.redisPort),
      String(theirs),
      `features:card:{}:${m.view}`,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn());
  const url = (port: number) => `http://127.0.0.1:${port}/v1/score`;
  return {
    ours: url(ours),
    direct: url(direct),
    fastapi: url(theirs),
    logged: url(logged),
    shadow: url(shadow),
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
    const { byFeatures, byEntity } = requestBodies(names, config);
    const urls = startServers({
      model: modelPath,
      onnx: onnxPath,
      names: join(dir, "names.json"),
      redisPort,
      view: config.featureViews[0]!,
      python: o.python,
    }, children);
    for (const url of Object.values(urls)) await waitHttp(url, byEntity[0]!);
    const runs: ServeRuns[] = [];
    for (const [kind, bodies] of [["features", byFeatures], ["entity id", byEntity]] as const) {
      const guarded = await wrk(urls.ours, bodies, { ...o, dir });
      const fastapi = await wrk(urls.fastapi, bodies, { ...o, dir });
      const direct = await wrk(urls.direct, bodies, { ...o, dir });
      const logged = await wrk(urls.logged, bodies, { ...o, dir });
      const shadowed = await wrk(urls.shadow, bodies, { ...o, dir });
      runs.push({ kind, guarded, direct, fastapi, logged, shadowed });
    }
    return serveTable(o, runs);
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

/** One request kind: ours as deployed, ours without the guard, and FastAPI. */
interface ServeRuns {
  readonly kind: string;
  readonly guarded: WrkResult;
  readonly direct: WrkResult;
  readonly fastapi: WrkResult;
  /** Ours with the prediction log, without and with a shadow challenger. */
  readonly logged: WrkResult;
  readonly shadowed: WrkResult;
}

/** The champion's p99 with a shadow, over its p99 without (both logging predictions). */
const SHADOW_P99_GOAL = below(1.25);

/** Three times FastAPI's throughput (and, per row, a p99 below FastAPI's). */
const THROUGHPUT_GOAL = atLeast(3);

/** The printed table: req/s, latency, speed vs FastAPI and both goals of each of our rows. */
function serveTable(o: ServeBenchOptions, runs: readonly ServeRuns[]): string {
  const goals: GoalResult[] = [];
  const rows = runs.flatMap(({ kind, guarded, direct, fastapi, logged, shadowed }) => {
    const p99Goal = below(fastapi.p99, { format: (ms) => `FastAPI's ${ms.toFixed(2)} ms` });
    const row = (name: string, r: WrkResult, ours: boolean) => {
      const speed = speedFromRates(r.rps, fastapi.rps);
      if (ours) {
        goals.push({ what: `${name}, ${kind}: speed`, value: speed, goal: THROUGHPUT_GOAL });
        goals.push({ what: `${name}, ${kind}: p99`, value: r.p99, goal: p99Goal });
      }
      return [
        name,
        kind,
        Math.round(r.rps).toLocaleString("en-US"),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        String(r.errors),
        formatSpeed(speed),
        ours ? goalCheck(speed, THROUGHPUT_GOAL) : "",
        ours ? goalCheck(r.p99, p99Goal) : "",
      ];
    };
    const shadowCost = shadowed.p99 / logged.p99;
    goals.push({
      what: `shadow, ${kind}: p99 with / without`,
      value: shadowCost,
      goal: SHADOW_P99_GOAL,
    });
    return [
      row("ours (deno task serve)", guarded, true),
      row("ours, no guard", direct, true),
      row("ours, prediction log", logged, false),
      [
        ...row("ours, log + shadow", shadowed, false).slice(0, 8),
        `p99 ${shadowCost.toFixed(2)}× ${goalCheck(shadowCost, SHADOW_P99_GOAL)}`,
      ],
      row("FastAPI + onnxruntime", fastapi, false),
    ];
  });
  const header = ["server", "request", "req/s", "p50 ms", "p99 ms", "non-2xx"];
  return [
    `Single-row scoring over HTTP, wrk -t1 -c${o.connections} -d${o.seconds}s, ${o.cards} cards in Redis, one process each`,
    textTable([...header, speedHeader("FastAPI"), "speed goal", "p99 goal"], rows),
    speedLegend("FastAPI", "our requests/s / FastAPI's"),
    goalSummary(goals),
  ].join("\n");
}
