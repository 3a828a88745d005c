/**
 * Typed errors that the tasks map to exit codes. Library code throws these (with `cause`
 * where there is one) and never exits or prints.
 *
 * @module
 */

/**
 * Bad configuration: each entry of `problems` is one line `path: message, got value`.
 * Tasks print the lines and exit with code 2.
 *
 * @example Every problem of a config, one line each
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const error = new ConfigError([
 *   'model.type: must be one of logistic_regression, xgboost, lightgbm, random_forest, got "svm"',
 *   "data.cvFolds: must be at least 2, got 1",
 * ]);
 * error.message; // the two lines; a task prints them and exits 2
 * ```
 */
export class ConfigError extends Error {
  /** One line per problem, each naming the config path and the value found. */
  readonly problems: readonly string[];

  /**
   * @param problems One line per problem.
   * @param options Standard error options (`cause`).
   */
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(problems.join("\n"), options);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Bad or unusable data (empty set, one class only, too few rows per fold, missing features).
 * Tasks print the message and exit with code 2.
 */
export class DataError extends Error {
  /**
   * @param message What is wrong with the data, with the counts found.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DataError";
  }
}

/**
 * Something asked for by name that a tracking store or model registry does not hold: a run, an
 * experiment, an artifact, a registered model's version or alias. A {@link DataError} (tasks exit
 * 2); callers that treat "absent" as an answer (no champion yet) catch this class and nothing
 * else, so a network failure is never mistaken for absence.
 *
 * @example Absent is an answer; anything else is not
 * ```ts
 * import { NotFoundError } from "./errors.ts";
 * async function championOrNone(read: () => Promise<string>): Promise<string | undefined> {
 *   try {
 *     return await read();
 *   } catch (error) {
 *     if (error instanceof NotFoundError) return undefined;
 *     throw error;
 *   }
 * }
 * ```
 */
export class NotFoundError extends DataError {
  /**
   * @param message What was asked for and where it was looked up.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/**
 * What `read` resolves to, or `undefined` when it rejects with a {@link NotFoundError}; any other
 * failure (a lost server, a refused login) propagates.
 *
 * @example Absent is undefined; any other failure is thrown
 * ```ts
 * import { ifFound, NotFoundError } from "./errors.ts";
 * await ifFound(Promise.reject(new NotFoundError("no alias champion"))); // undefined
 * ```
 */
export async function ifFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** A model file or JSON payload that cannot be loaded (wrong format tag, missing fields). */
export class ModelFormatError extends Error {
  /**
   * @param message What is wrong with the model payload.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelFormatError";
  }
}

/**
 * A path or service the run needs cannot be used (an unwritable folder, an unreachable server, a
 * missing tool). The message names it, without secrets. Tasks print it and exit with code 2.
 */
export class EnvironmentError extends Error {
  /**
   * @param message What could not be used and why, e.g. `cannot write "out/x.csv": permission denied`.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EnvironmentError";
  }
}

/**
 * A server that stopped answering (after the client's retries): the one environment problem a
 * caller catches, to keep what it made elsewhere (a training run written to the embedded store).
 */
export class ServiceUnreachableError extends EnvironmentError {
  /**
   * @param message What could not be reached, without secrets, and the last failure.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServiceUnreachableError";
  }
}

/**
 * True for an error the operating system raised (file system, network: `Deno.errors.*`, or an
 * error with an errno code such as `EROFS`, `ENOSPC`), or SQLite failing to use its file (cannot
 * open it, read-only, disk full, I/O error, locked).
 */
export function isSystemError(error: unknown): error is Error {
  if (Object.values(Deno.errors).some((C) => error instanceof C)) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return true;
  return code === "ERR_SQLITE_ERROR" && SQLITE_FILE_ERRORS.test(error.message);
}

/** SQLite messages that say its file cannot be used (not that a statement is wrong). */
const SQLITE_FILE_ERRORS =
  /unable to open database|readonly database|disk I\/O error|database or disk is full|database is locked|not a database/i;

/**
 * Runs `fn`; an operating-system error (a path that cannot be written, a refused connection)
 * becomes an {@link EnvironmentError} `"${what}: ${message}"`. Other errors pass through.
 */
export async function orEnvironmentError<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isSystemError(error)) {
      throw new EnvironmentError(`${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** True for the errors that are the user's to fix (config, data, model file, environment). */
export function isUserError(
  error: unknown,
): error is ConfigError | DataError | ModelFormatError | EnvironmentError {
  return error instanceof ConfigError || error instanceof DataError ||
    error instanceof ModelFormatError || error instanceof EnvironmentError;
}
