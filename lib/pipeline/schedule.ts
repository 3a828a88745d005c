/**
 * Monitoring cycles on a schedule, in one long-lived process (`deno task schedule`): one cycle at
 * a time, each outcome logged as one line and recorded for `/healthz` and `/metrics`. A cycle
 * that fails is logged and counted, and the next one still runs at its time.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { isUserError } from "../errors.ts";
import { LockHeldError, LockLostError } from "../monitor/cycle_lock.ts";
import { CycleMetrics } from "../monitor/cycle_metrics.ts";
import { serveHealth } from "../monitor/health_server.ts";
import { nextStart, runSchedule, type ScheduleSpec } from "../monitor/schedule.ts";
import type { Logger } from "../util/logger.ts";
import { cycleLine } from "./cycle_line.ts";
import { monitorCycle } from "./monitor.ts";

/** Options of {@link scheduleCycles}. */
export interface ScheduleCyclesOptions {
  readonly spec: ScheduleSpec;
  readonly log: Logger;
  /** Where outcomes are recorded (served by the health server). */
  readonly metrics: CycleMetrics;
  /** Stops the schedule: no cycle starts after it fires. */
  readonly signal: AbortSignal;
  /** Stop after this many cycles. */
  readonly maxCycles?: number;
}

/**
 * Runs cycles until `signal` fires (or `maxCycles`); resolves with the number run.
 *
 * @throws {ConfigError} for a bad cron expression or schedule.
 */
export function scheduleCycles(
  config: TrainingConfig,
  options: ScheduleCyclesOptions,
): Promise<number> {
  const cycle = async () => {
    const t0 = performance.now();
    options.metrics.started();
    try {
      const outcome = await monitorCycle(config, { log: options.log });
      options.metrics.record(outcome, performance.now() - t0);
      options.log.info("cycle", cycleLine(outcome));
    } catch (error) {
      const lockHeld = error instanceof LockHeldError || error instanceof LockLostError;
      options.metrics.record(
        { decision: lockHeld ? "lock_held" : "failed" },
        performance.now() - t0,
      );
      const message = error instanceof Error ? error.message : String(error);
      if (lockHeld) options.log.warn("cycle skipped", { reason: message });
      else if (isUserError(error)) options.log.error("cycle failed", { reason: message });
      else {
        options.log.error("cycle failed", {
          reason: message,
          stack: error instanceof Error ? error.stack ?? "" : "",
        });
      }
    }
  };
  return runSchedule({
    spec: options.spec,
    cycle,
    signal: options.signal,
    ...(options.maxCycles !== undefined ? { maxCycles: options.maxCycles } : {}),
  });
}

/** Options of {@link serveSchedule}. */
export interface ServeScheduleOptions {
  readonly spec: ScheduleSpec;
  readonly log: Logger;
  /** Where `/healthz` and `/metrics` listen (port 0 = any free one). */
  readonly hostname: string;
  readonly port: number;
  /** Fires on SIGTERM/SIGINT: no new cycle starts. */
  readonly stop: AbortSignal;
  /** After `stop`, how long a running cycle may take to finish before it is abandoned. */
  readonly stopTimeoutSeconds: number;
  /** A cycle running longer makes `/healthz` answer 503. */
  readonly stuckAfterSeconds: number;
  readonly maxCycles?: number;
}

/**
 * The scheduler process: the health server, the cycles, and a bounded stop. Resolves when the
 * schedule ended (by `stop` or `maxCycles`) and the server is closed; a cycle still running after
 * the bound is abandoned (the process may exit under it: a cycle is safe to kill).
 *
 * @throws {ConfigError} for a bad cron expression or schedule (before anything starts).
 */
export async function serveSchedule(
  config: TrainingConfig,
  options: ServeScheduleOptions,
): Promise<{ cycles: number; abandoned: boolean }> {
  nextStart(options.spec); // a bad expression fails before the server starts
  const metrics = new CycleMetrics({ stuckAfterMs: options.stuckAfterSeconds * 1000 });
  const server = serveHealth(metrics, { hostname: options.hostname, port: options.port });
  options.log.info("schedule started", {
    ...options.spec,
    health: `http://${options.hostname}:${server.port}/healthz`,
  });
  const loop = scheduleCycles(config, {
    spec: options.spec,
    log: options.log,
    metrics,
    signal: options.stop,
    ...(options.maxCycles !== undefined ? { maxCycles: options.maxCycles } : {}),
  });
  const stopped = new Promise<void>((r) => options.stop.addEventListener("abort", () => r()));
  let abandoned = false;
  if (await Promise.race([loop.then(() => false), stopped.then(() => true)])) {
    options.log.info("stopping", { running: metrics.health().running });
    const bound = new Promise((r) =>
      Deno.unrefTimer(setTimeout(r, options.stopTimeoutSeconds * 1000))
    );
    abandoned = !(await Promise.race([loop.then(() => true), bound.then(() => false)]));
    if (abandoned) {
      options.log.warn("cycle abandoned", { after_seconds: options.stopTimeoutSeconds });
    }
  }
  await server.shutdown();
  options.log.info("schedule stopped", { cycles: metrics.cycles, abandoned });
  return { cycles: metrics.cycles, abandoned };
}
