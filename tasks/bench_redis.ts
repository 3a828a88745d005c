/**
 * `deno task bench:redis`: starts a redis-server on a free loopback port, ingests `--entities`
 * embedded rows, times ingest and extraction, and prints them beside redis-benchmark's pipelined
 * HSET of a same-sized hash and HGETALL of one of those hashes, measured in the same run.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { benchRedis } from "./bench/redis_bench.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "entities", option: "entities", type: "number", arg: "<n>", help: "rows ingested" },
  { flag: "repeats", option: "repeats", type: "number", arg: "<n>", help: "runs of each, alternating (median)" },
  { flag: "layout", option: "layout", type: "string", arg: "<l>", help: "hash or feast" },
  { flag: "cluster", option: "cluster", type: "boolean", help: "on a 3-master Redis Cluster" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:redis",
  summary: "Benchmark Redis ingest and extraction beside redis-benchmark's HSET and HGETALL rates.",
  usage: [
    "deno task bench:redis [--entities 1000000] [--repeats 3] [--layout hash|feast] [--cluster]",
  ],
  options: z.strictObject({
    entities: z.number().int().min(1).default(1_000_000),
    repeats: z.number().int().min(1).default(3),
    layout: z.enum(["hash", "feast"]).default("hash"),
    cluster: z.boolean().default(false),
  }),
  flags: FLAGS,
  notes: [
    "Needs redis-server and redis-benchmark (apt-get install redis-server).",
    RATIO_NOTE,
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => console.log(await benchRedis(options)));
}
