/**
 * `deno task ingest`: the embedded event stream, through the windowed processor, written to Redis
 * as the streaming pipeline does — a snapshot of `--samples` cards, or continuously (`--follow`).
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { IngestOptionsSchema, runIngest } from "../lib/pipeline/ingest.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "use-case",      config: "useCase",                 type: "string",  arg: "<name>",        help: "fraud or personalization: the view and labels" },
  { flag: "samples",       config: "data.maxSamples",         type: "number",  arg: "<n>",           help: "cards to write (a snapshot) or to replay" },
  { flag: "seed",          config: "seed",                    type: "number",  arg: "<n>",           help: "seed of the stream" },
  { flag: "layout",        config: "data.redis.layout",       type: "string",  arg: "<l>",           help: "hash (the streaming pipeline's) or feast (Feast's online store)" },
  { flag: "ttl",           config: "data.redis.ttlSeconds",   type: "number",  arg: "<s>",           help: "key TTL in seconds, 0 = none" },
  { flag: "redis-cluster", config: "data.redis.clusterNodes", type: "list",    arg: "<host:port,…>", help: "nodes of a Redis Cluster" },
  { flag: "scenario",      option: "scenario",                type: "string",  arg: "<s>",           help: "shift written: none, amount_shift, foreign_countries, new_fraud_pattern" },
  { flag: "follow",        option: "follow",                  type: "boolean",                       help: "replay the stream event by event" },
  { flag: "rate",          option: "rate",                    type: "number",  arg: "<events/s>",    help: "events per second with --follow" },
  { flag: "max-events",    option: "maxEvents",               type: "number",  arg: "<n>",           help: "stop --follow after this many events" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "ingest",
  summary: "Write feature rows to Redis, once (a snapshot) or continuously (--follow).",
  usage: [
    "deno task ingest [--samples 10000] [--layout hash|feast] [flags]",
    "deno task ingest --follow --rate 1000 [--max-events N]",
  ],
  config: true,
  options: IngestOptionsSchema,
  flags: FLAGS,
  notes: ["Exit codes: 0 written, 2 bad input or Redis unreachable, 1 failure."],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const out = await runIngest(config, {
      ...options,
      onProgress: (k) => console.error(`ingest: ${k} events`),
      onRetry: (n, why) =>
        console.error(`ingest: ${why}; writing the snapshot again (attempt ${n})`),
    });
    const [what, unit] = options.follow ? ["replayed", "events"] : ["wrote", "rows"];
    console.error(
      `ingest: ${what} ${out.written} ${unit} into ${out.where} (${config.data.redis.layout} layout)`,
    );
  });
}
