/**
 * `deno task schedule`: monitoring cycles in one process, on a cron expression or an interval,
 * with `/healthz` and Prometheus `/metrics`. On SIGTERM or SIGINT no new cycle starts; a running
 * one gets `--stop-timeout` seconds, then the process exits 0 (the champion moves only last).
 *
 * @module
 */

import { z } from "zod";
import { MONITOR_FLAGS } from "../lib/config/monitor_flags.ts";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { serveSchedule } from "../lib/pipeline/schedule.ts";
import { LOG_OPTIONS } from "../lib/config/log_flags.ts";
import { runTask } from "./_main.ts";
import { stderrLogger } from "./_logger.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "cron",         option: "cron",            type: "string", arg: "<expr>", help: "when cycles start: a cron expression, e.g. \"*/15 * * * *\" (croner; 5 or 6 fields)" },
  { flag: "interval",     option: "intervalSeconds", type: "number", arg: "<s>",    help: "…or seconds between cycle starts" },
  { flag: "port",         option: "port",            type: "number", arg: "<n>",    help: "port of /healthz and /metrics (0 = any free port)" },
  { flag: "host",         option: "host",            type: "string", arg: "<addr>", help: "address they listen on (0.0.0.0 in a container)" },
  { flag: "stop-timeout", option: "stopTimeout",     type: "number", arg: "<s>",    help: "on SIGTERM, how long a running cycle may take to finish" },
  { flag: "max-cycles",   option: "maxCycles",       type: "number", arg: "<n>",    help: "stop after this many cycles" },
  { flag: "stuck-after",  option: "stuckAfter",      type: "number", arg: "<s>",    help: "a cycle running longer makes /healthz answer 503" },
  ...MONITOR_FLAGS,
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "schedule",
  summary: "Run monitoring cycles on a schedule, with /healthz and /metrics.",
  usage: [
    'deno task schedule --cron "0 * * * *" [--port 9464] [monitor flags]',
    "deno task schedule --interval 900 [--log-format json] [monitor flags]",
  ],
  config: true,
  options: z.strictObject({
    cron: z.string().min(1).optional(),
    intervalSeconds: z.number().gt(0).optional(),
    port: z.number().int().min(0).max(65535).default(9464),
    host: z.string().min(1).default("127.0.0.1"),
    stopTimeout: z.number().min(0).default(30),
    maxCycles: z.number().int().min(1).optional(),
    stuckAfter: z.number().gt(0).default(3600),
    ...LOG_OPTIONS,
  }).refine((o) => (o.cron === undefined) !== (o.intervalSeconds === undefined), {
    message: "give --cron <expression> or --interval <seconds>, one of them",
    path: ["cron"],
    when: (p) => typeof p.value === "object" && p.value !== null,
  }),
  flags: FLAGS,
  notes: [
    "Exit codes: 0 stopped (SIGTERM/SIGINT or --max-cycles), 2 bad input, 1 failure.",
    'Each cycle logs one line with message "cycle" (or "cycle failed"); the schedule goes on.',
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options: o }) => {
    const log = stderrLogger(o);
    const stop = new AbortController();
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      Deno.addSignalListener(sig, () => stop.abort(sig));
    }
    await serveSchedule(config, {
      spec: o.cron !== undefined ? { cron: o.cron } : { intervalSeconds: o.intervalSeconds! },
      log,
      hostname: o.host,
      port: o.port,
      stop: stop.signal,
      stopTimeoutSeconds: o.stopTimeout,
      stuckAfterSeconds: o.stuckAfter,
      ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}),
    });
    return 0;
  });
}
