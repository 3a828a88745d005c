/**
 * Builds the training configuration from its layers, each overriding the one before:
 * defaults < config file < environment < command-line flags.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { formatIssues } from "../util/format_issues.ts";
import { LOG_COLUMNS, type TrainingConfig, TrainingConfigSchema } from "./schema.ts";
import { USE_CASES } from "./use_cases.ts";
import { redactUri } from "../util/redact_uri.ts";
import type { z } from "zod";

/** A partial config tree (as read from JSON, env or flags). */
export type ConfigTree = { [key: string]: unknown };

/** One layer of settings and the name of where it came from. */
export interface ConfigLayer {
  /** Partial config tree. */
  readonly values: ConfigTree;
  /** Origin of every leaf, keyed by dotted path (e.g. `data.cvFolds` → `--cv-folds`). */
  readonly origins: ReadonlyMap<string, string>;
}

/** Environment variables read, and the config path each sets. */
export const ENV_PATHS: Readonly<Record<string, string>> = {
  REDIS_HOST: "data.redis.host",
  REDIS_PORT: "data.redis.port",
  REDIS_PASSWORD: "data.redis.password",
  REDIS_CLUSTER_NODES: "data.redis.clusterNodes",
  MLFLOW_TRACKING_URI: "mlflow.trackingUri",
  MLFLOW_TRACKING_TOKEN: "mlflow.token",
  MLFLOW_TRACKING_USERNAME: "mlflow.username",
  MLFLOW_TRACKING_PASSWORD: "mlflow.password",
  MODEL_TYPE: "model.type",
  POSITIVE_RATE: "data.positiveRate",
  USE_CASE: "useCase",
  DATA_SOURCE: "data.source",
  MODEL_NAME: "monitor.modelName",
  MONITOR_LOCK_FILE: "monitor.lockFile",
  DASK_SCHEDULER_ADDRESS: "model.dask.scheduler",
};

const NUMERIC_PATHS = new Set([
  "data.redis.port",
  "data.redis.db",
  "data.positiveRate",
  "data.cvFolds",
  "data.testSize",
  "data.maxSamples",
  "data.labelNoise",
  "evaluation.missedFraudCost",
  "seed",
]);

/** Config paths whose values are secrets: redacted in errors, logs and snapshots. */
export const SECRET_PATHS: readonly string[] = [
  "data.redis.password",
  "mlflow.token",
  "mlflow.password",
];

/**
 * Layer from environment variables (see {@link ENV_PATHS}); numeric settings are converted
 * when they look like numbers and otherwise left as strings for validation to report.
 */
export function envLayer(env: Readonly<Record<string, string | undefined>>): ConfigLayer {
  const values: ConfigTree = {};
  const origins = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_PATHS)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = path === "data.redis.clusterNodes"
      ? raw.split(",").map((s) => s.trim()).filter(Boolean)
      : NUMERIC_PATHS.has(path)
      ? toNumber(raw)
      : raw;
    setPath(values, path, value);
    origins.set(path, `env ${name}`);
  }
  return { values, origins };
}

/** Layer from a parsed config file; every leaf's origin is the file name. */
export function fileLayer(values: ConfigTree, fileName: string): ConfigLayer {
  const origins = new Map<string, string>();
  for (const path of leafPaths(values)) origins.set(path, fileName);
  return { values, origins };
}

/** Layer from command-line settings given as dotted path → raw value, with the flag names. */
export function flagLayer(
  settings: ReadonlyArray<readonly [path: string, value: unknown, flag: string]>,
): ConfigLayer {
  const values: ConfigTree = {};
  const origins = new Map<string, string>();
  for (const [path, value, flag] of settings) {
    const v = typeof value === "string" && NUMERIC_PATHS.has(path) ? toNumber(value) : value;
    setPath(values, path, v);
    origins.set(path, flag);
  }
  return { values, origins };
}

/**
 * Merges layers in order (later wins) and validates the result.
 *
 * @throws {ConfigError} with one line per problem, naming the path, the value found and where
 *   it came from (secrets redacted).
 * @example Flags over the environment over the defaults
 * ```ts
 * import { envLayer, flagLayer, resolveConfig } from "./load.ts";
 * const env = envLayer({ MODEL_TYPE: "xgboost", POSITIVE_RATE: "0.05" });
 * const flags = flagLayer([["data.positiveRate", "0.02", "--positive-rate"]]);
 * const config = resolveConfig([env, flags]); // later layers win
 * config.model.type; // "xgboost"
 * config.data.positiveRate; // 0.02
 * ```
 */
export function resolveConfig(layers: readonly ConfigLayer[]): TrainingConfig {
  const given: ConfigTree = {};
  const origins = new Map<string, string>();
  for (const layer of layers) {
    deepMerge(given, layer.values);
    for (const [k, v] of layer.origins) origins.set(k, v);
  }
  // The use case's defaults go under everything the user gave, and a log's column names too.
  const useCase = USE_CASES.get(typeof given.useCase === "string" ? given.useCase : "fraud");
  const merged: ConfigTree = structuredClone(useCase?.defaults ?? {});
  const data = given.data as ConfigTree | undefined;
  if (data?.source === "transactions") deepMerge(merged, { data: { file: { ...LOG_COLUMNS } } });
  deepMerge(merged, given);
  const result = TrainingConfigSchema.safeParse(merged);
  if (result.success) return result.data;
  throw new ConfigError(formatIssues(result.error.issues, redact(merged), { origins }));
}

/** A deep copy of a config tree with secrets replaced by `"***"`. */
export function redact<T>(config: T): T {
  const copy = structuredClone(config) as unknown as ConfigTree;
  const mlflow = copy.mlflow as ConfigTree | undefined;
  if (typeof mlflow?.trackingUri === "string") mlflow.trackingUri = redactUri(mlflow.trackingUri);
  for (const path of SECRET_PATHS) {
    const parts = path.split(".");
    let node: unknown = copy;
    for (const p of parts.slice(0, -1)) {
      node = node && typeof node === "object" ? (node as ConfigTree)[p] : undefined;
    }
    const last = parts[parts.length - 1]!;
    if (node && typeof node === "object" && (node as ConfigTree)[last] !== undefined) {
      (node as ConfigTree)[last] = "***";
    }
  }
  return copy as T;
}

/** `"12"` → 12, `"1e-3"` → 0.001; anything else is returned unchanged. */
export function toNumber(raw: string): number | string {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : raw;
}

function setPath(tree: ConfigTree, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== "object" || node[p] === null) node[p] = {};
    node = node[p] as ConfigTree;
  }
  node[parts[parts.length - 1]!] = value;
}

function deepMerge(target: ConfigTree, source: ConfigTree): void {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    if (isPlainObject(v) && isPlainObject(t)) deepMerge(t, v);
    else target[k] = isPlainObject(v) ? structuredClone(v) : v;
  }
}

function leafPaths(tree: ConfigTree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return isPlainObject(v) ? leafPaths(v, path) : [path];
  });
}

function isPlainObject(v: unknown): v is ConfigTree {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A deep partial of what the config file accepts: any subset of settings, nested by section. */
export type ConfigOverrides = DeepPartial<z.input<typeof TrainingConfigSchema>>;

type DeepPartial<T> = T extends readonly unknown[] ? T
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T;

/** Options of {@link config}. */
export interface ConfigOptions {
  /**
   * Environment variables read under the overrides (see {@link ENV_PATHS}), as the tasks read
   * them. @default the process environment (none without `--allow-env`)
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A validated config in one call: the use case's defaults, then the environment, then
 * `overrides` (what a notebook or a program sets).
 *
 * @throws {ConfigError} with one line per problem, naming the path and the value found.
 * @example Train on 5,000 rows with logistic regression
 * ```ts
 * import { config } from "./load.ts";
 * const settings = config({ data: { maxSamples: 5000 }, model: { type: "logistic_regression" } });
 * settings.data.cvFolds; // the default, 5
 * ```
 */
export function config(
  overrides: ConfigOverrides = {},
  options: ConfigOptions = {},
): TrainingConfig {
  const env = options.env ?? processEnv();
  return resolveConfig([envLayer(env), fileLayer(overrides as ConfigTree, "overrides")]);
}

/** The process environment, or none when reading it is not permitted. */
function processEnv(): Record<string, string> {
  try {
    return Deno.env.toObject();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return {};
    throw error;
  }
}
