/**
 * A small structured logger. Library code logs through one of these; the caller (a task or a
 * notebook) decides where lines go by adding sinks. The logger itself never prints.
 *
 * @module
 */

/** Log levels, least to most severe. */
export type Level = "debug" | "info" | "warn" | "error";

/** `human`: `2024-… INFO  message key=value`; `json`: one JSON object per line. */
export type LogFormat = "human" | "json";

/** Receives each formatted line (without a trailing newline). */
export type Sink = (line: string, level: Level) => void;

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Structured logger with pluggable sinks.
 *
 * @example JSON lines on stderr
 * ```ts
 * import { Logger } from "./logger.ts";
 * const log = new Logger({ format: "json", level: "info" });
 * log.addSink((line) => console.error(line));
 * log.info("trained", { rows: 10000 }); // one JSON object: time, level, message, rows
 * ```
 */
export class Logger {
  /** Line format. */
  readonly format: LogFormat;
  /** Lowest level written. */
  readonly level: Level;
  readonly #sinks: Sink[] = [];
  /** This logger's own lines, kept by child loggers only (a job's lines, for replay). */
  #history: Array<[string, Level]> | undefined;
  /** Where a child's lines also go. */
  #parent: Logger | undefined;

  /** @param options Format (default `human`) and lowest level (default `info`). */
  constructor(options: { format?: LogFormat; level?: Level } = {}) {
    this.format = options.format ?? "human";
    this.level = options.level ?? "info";
  }

  /**
   * A logger for one job (a training run): its lines go to its own sinks and to this logger's;
   * it remembers only its own lines (to replay into a sink added later, such as the run's log
   * file), and its sinks go away with it — a logger reused across runs never writes one run's
   * lines into another run's file, and keeps no history of its own.
   */
  child(): Logger {
    const c = new Logger({ format: this.format, level: this.level });
    c.#history = [];
    c.#parent = this;
    return c;
  }

  /**
   * Adds a sink; with `replay`, it first receives every line this child logger has logged.
   *
   * @returns A function that removes the sink.
   */
  addSink(sink: Sink, replay = false): () => void {
    if (replay) { for (const [line, level] of this.#history ?? []) sink(line, level); }
    this.#sinks.push(sink);
    return () => {
      const i = this.#sinks.indexOf(sink);
      if (i >= 0) this.#sinks.splice(i, 1);
    };
  }

  /** Logs at debug level. */
  debug(message: string, fields?: Record<string, unknown>): void {
    this.#log("debug", message, fields);
  }

  /** Logs at info level. */
  info(message: string, fields?: Record<string, unknown>): void {
    this.#log("info", message, fields);
  }

  /** Logs at warn level. */
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#log("warn", message, fields);
  }

  /** Logs at error level. */
  error(message: string, fields?: Record<string, unknown>): void {
    this.#log("error", message, fields);
  }

  #log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const time = new Date().toISOString();
    const line = this.format === "json"
      ? JSON.stringify({ time, level, message, ...fields })
      : `${time} ${level.toUpperCase().padEnd(5)} ${message}${formatFields(fields)}`;
    this.#write(line, level);
  }

  #write(line: string, level: Level): void {
    this.#history?.push([line, level]);
    for (const sink of this.#sinks) sink(line, level);
    if (this.#parent) this.#parent.#write(line, level);
  }
}

function formatFields(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([k, v]) => {
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return `${k}=${s !== undefined && /\s/.test(s) ? JSON.stringify(s) : s}`;
  });
  return parts.length ? " " + parts.join(" ") : "";
}
