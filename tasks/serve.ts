/**
 * `deno task serve`: online scoring over HTTP — `POST /v1/score` with feature rows or entity ids
 * (features read from Redis), `?explain=k` for reason codes, `/healthz`, `/readyz`, `/metrics`;
 * follows a registry alias and logs predictions to a Redis stream. Request bodies, slow clients and
 * idle connections are bounded (`--max-body-bytes`, `--body-timeout-ms`, `--header-timeout-ms`,
 * `--idle-timeout-ms`). SIGTERM/SIGINT: stop accepting, finish in-flight requests, exit 0.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { ServeOptionsSchema, startServing } from "../lib/pipeline/serve.ts";
import { LOG_FLAGS, LOG_OPTIONS } from "../lib/config/log_flags.ts";
import { runTask } from "./_main.ts";
import { stderrLogger } from "./_logger.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "model",             option: "model",                   type: "string", arg: "<ref>",         help: "models:/<name>@<alias> (followed), models:/<name>/<n>, runs:/<id>/model or a JSON model file" },
  { flag: "port",              option: "port",                    type: "number", arg: "<n>",           help: "port (0 = any free one)" },
  { flag: "host",              option: "host",                    type: "string", arg: "<addr>",        help: "address to listen on (0.0.0.0 in a container)" },
  { flag: "follow-seconds",    option: "followSeconds",           type: "number", arg: "<s>",           help: "seconds between checks of the alias (0 = never)" },
  { flag: "log-sample",        option: "logSample",               type: "number", arg: "<share>",       help: "share of scored rows logged to the Redis stream predictions:<model> (0 = off)" },
  { flag: "log-max-len",       option: "logMaxLen",               type: "number", arg: "<n>",           help: "entries the prediction stream keeps (about)" },
  { flag: "shadow",            option: "shadow",                  type: "string", arg: "<ref>",         help: "a challenger that scores the same rows after each answer; its scores only go to the prediction log" },
  { flag: "shadow-share",      option: "shadowShare",             type: "number", arg: "<share>",       help: "share of rows the shadow scores" },
  { flag: "canary",            option: "canary",                  type: "number", arg: "<share>",       help: "share of entities (stable by entity id) the challenger answers" },
  { flag: "challenger",        option: "challenger",              type: "string", arg: "<ref>",         help: "the canary's challenger (default: --shadow, else models:/<name>@challenger)" },
  { flag: "max-body-bytes",    option: "maxBodyBytes",            type: "number", arg: "<n>",           help: "largest request body; a larger one is refused (413) before it is read" },
  { flag: "body-timeout-ms",   option: "bodyTimeoutMs",           type: "number", arg: "<ms>",          help: "time for a request body to arrive (then 408)" },
  { flag: "header-timeout-ms", option: "headerTimeoutMs",         type: "number", arg: "<ms>",          help: "time for a connection to send a request head, else it is closed (0 = no guard: behind a proxy that enforces it)" },
  { flag: "idle-timeout-ms",   option: "idleTimeoutMs",           type: "number", arg: "<ms>",          help: "a connection with no byte either way for this long, outside a request, is closed" },
  { flag: "min-present-share", option: "minPresentShare",         type: "number", arg: "<share>",       help: "least share of the model's features a row (sent, or read by id) needs present and readable (else 422)" },
  { flag: "source",            config: "data.source",             type: "string", arg: "<name>",        help: "redis: read features by entity id and log predictions there" },
  { flag: "use-case",          config: "useCase",                 type: "string", arg: "<name>",        help: "fraud or personalization: the feature view read by entity id" },
  { flag: "redis-layout",      config: "data.redis.layout",       type: "string", arg: "<l>",           help: "hash or feast" },
  { flag: "redis-cluster",     config: "data.redis.clusterNodes", type: "list",   arg: "<host:port,…>", help: "nodes of a Redis Cluster" },
  ...LOG_FLAGS,
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "serve",
  summary:
    "Score over HTTP: feature rows or entity ids, reason codes, a followed alias, a prediction log.",
  usage: [
    "deno task serve --model models:/fraud_detection@champion [--port 8080] [--source redis]",
  ],
  config: true,
  options: ServeOptionsSchema.extend(LOG_OPTIONS),
  flags: FLAGS,
  notes: [
    "Exit codes: 0 stopped (SIGTERM/SIGINT), 2 bad input (a model that cannot be loaded, a port in use), 1 failure.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options: o }) => {
    const log = stderrLogger(o);
    const s = await startServing(config, { ...o, log });
    const m = s.slot.current;
    log.info("serving", { url: `http://${o.host}:${s.port}`, model: m.name, version: m.version });
    const signal = await new Promise<string>((resolve) => {
      for (const sig of ["SIGTERM", "SIGINT"] as const) {
        Deno.addSignalListener(sig, () => resolve(sig));
      }
    });
    log.info("stopping", { signal });
    await s.shutdown();
    return 0;
  });
}
