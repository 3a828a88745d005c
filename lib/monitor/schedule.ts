/**
 * When cycles run: a cron expression (parsed by `croner`, five or six fields) or a fixed interval
 * between cycle starts; and the loop that runs one cycle at a time until stopped.
 *
 * @module
 */

import { Cron } from "croner";
import { ConfigError } from "../errors.ts";

/** A cron expression or an interval, one of them. */
export interface ScheduleSpec {
  readonly cron?: string;
  readonly intervalSeconds?: number;
}

/**
 * A function giving the next start after a moment.
 *
 * @throws {ConfigError} for an invalid cron expression, or neither or both of cron and interval.
 */
export function nextStart(spec: ScheduleSpec): (after: Date) => Date | null {
  if ((spec.cron === undefined) === (spec.intervalSeconds === undefined)) {
    throw new ConfigError([
      "schedule: give --cron <expression> or --interval <seconds>, one of them",
    ]);
  }
  if (spec.intervalSeconds !== undefined) {
    const ms = spec.intervalSeconds * 1000;
    return (after) => new Date(after.getTime() + ms);
  }
  let cron: Cron;
  try {
    cron = new Cron(spec.cron!, { paused: true });
  } catch (error) {
    throw new ConfigError([
      `--cron: ${error instanceof Error ? error.message : error} (got "${spec.cron}")`,
    ]);
  }
  return (after) => cron.nextRun(after);
}

/** Options of {@link runSchedule}. */
export interface RunScheduleOptions {
  readonly spec: ScheduleSpec;
  /** One cycle; it must not throw (the caller records failures). */
  readonly cycle: () => Promise<void>;
  /** Stops the loop: no new cycle starts; a running one is awaited by the caller's bound. */
  readonly signal: AbortSignal;
  /** Stop after this many cycles (tests, one-off runs). */
  readonly maxCycles?: number;
  /** Run the first cycle at once (not at the first scheduled time). @default true */
  readonly runAtStart?: boolean;
}

/**
 * Runs cycles one at a time: the first at once (by default), then at each next start; a cycle
 * that overruns its slot is followed at once by the next. Resolves when stopped.
 */
export async function runSchedule(options: RunScheduleOptions): Promise<number> {
  const next = nextStart(options.spec);
  let cycles = 0;
  let at = options.runAtStart === false ? next(new Date()) : new Date();
  while (
    at && !options.signal.aborted && (options.maxCycles === undefined || cycles < options.maxCycles)
  ) {
    await sleepUntil(at, options.signal);
    if (options.signal.aborted) break;
    const started = new Date();
    await options.cycle();
    cycles++;
    const following = next(started);
    at = following && following.getTime() < Date.now() ? new Date() : following;
  }
  return cycles;
}

/** Timers overflow past 2³¹ − 1 ms (~24.8 days): longer waits go in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

async function sleepUntil(at: Date, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && at.getTime() - Date.now() > 0) {
    await sleep(Math.min(at.getTime() - Date.now(), MAX_TIMER_MS), signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
