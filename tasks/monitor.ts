/**
 * `deno task monitor`: one cycle of continuous learning — champion vs a current sample, the
 * retraining triggers, and (when one fires) a challenger trained, compared and maybe promoted.
 * Prints one JSON line; the exit code tells a scheduler what happened.
 *
 * @module
 */

import { z } from "zod";
import { EXIT_NOTE, MONITOR_FLAGS } from "../lib/config/monitor_flags.ts";
import { defineTask } from "../lib/config/task_spec.ts";
import { LockHeldError, LockLostError } from "../lib/monitor/cycle_lock.ts";
import { cycleLine, lockHeldLine } from "../lib/pipeline/cycle_line.ts";
import { CYCLE_EXIT_CODES } from "../lib/pipeline/cycle_outcome.ts";
import { monitorCycle } from "../lib/pipeline/monitor.ts";
import { LOG_OPTIONS } from "../lib/config/log_flags.ts";
import { runTask } from "./_main.ts";
import { stderrLogger } from "./_logger.ts";

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "monitor",
  summary: "One continuous-learning cycle: drift and triggers, then retrain and promote if needed.",
  usage: ["deno task monitor [--name fraud_detection] [--scenario new_fraud_pattern] [flags]"],
  config: true,
  options: z.strictObject(LOG_OPTIONS),
  flags: MONITOR_FLAGS,
  notes: [EXIT_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const log = stderrLogger(options);
    try {
      const outcome = await monitorCycle(config, { log });
      console.log(JSON.stringify(cycleLine(outcome)));
      return CYCLE_EXIT_CODES[outcome.decision];
    } catch (error) {
      if (!(error instanceof LockHeldError || error instanceof LockLostError)) throw error;
      console.error(`monitor: ${error.message}`);
      console.log(JSON.stringify(lockHeldLine(error)));
      return CYCLE_EXIT_CODES.lock_held;
    }
  });
}
