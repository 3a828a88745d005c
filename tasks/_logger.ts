/**
 * The task's logger, as `--log-format` and `--verbose` ask (see `lib/config/log_flags.ts`).
 *
 * @module
 */

import type { LogOptions } from "../lib/config/log_flags.ts";
import { Logger } from "../lib/util/logger.ts";

/** A logger whose lines go to stderr, in the format and at the level the flags ask. */
export function stderrLogger(options: LogOptions): Logger {
  const log = new Logger({ format: options.logFormat, level: options.verbose ? "debug" : "info" });
  log.addSink((line) => console.error(line));
  return log;
}
