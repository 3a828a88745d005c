/**
 * Command-line flags of `deno task train`, parsed into a config layer and run options.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ConfigError } from "../errors.ts";
import { type ConfigLayer, flagLayer } from "./load.ts";

/** Flags that set a config path, with the path they set. */
export const TRAIN_FLAGS: Readonly<Record<string, string>> = {
  "model-type": "model.type",
  "experiment-name": "mlflow.experimentName",
  "run-name": "mlflow.runName",
  "fraud-rate": "data.fraudRateTarget",
  "cv-folds": "data.cvFolds",
  "test-size": "data.testSize",
  "seed": "seed",
  "source": "data.source",
  "max-samples": "data.maxSamples",
  "redis-cluster": "data.redis.clusterNodes",
  "redis-layout": "data.redis.layout",
};

/** What the train command was asked for. */
export interface TrainArgs {
  /** `--config path.json`, if given. */
  readonly configPath?: string;
  /** The config layer the flags form. */
  readonly layer: ConfigLayer;
  /** `--verbose`: debug logging. */
  readonly verbose: boolean;
  /** `--log-format human|json`. */
  readonly logFormat: "human" | "json";
  /** `--help`. */
  readonly help: boolean;
}

/**
 * Parses the train command's flags. `--param name=value` (repeatable) sets a model parameter.
 *
 * @throws {ConfigError} for an unknown flag, a missing value, or a bad `--param`/`--log-format`.
 * @example
 * ```ts
 * const args = parseTrainArgs(["--model-type", "logistic_regression", "--seed", "7"]);
 * ```
 */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const options = {
    config: { type: "string" },
    verbose: { type: "boolean", short: "v" },
    "log-format": { type: "string" },
    help: { type: "boolean", short: "h" },
    param: { type: "string", multiple: true },
    ...Object.fromEntries(Object.keys(TRAIN_FLAGS).map((k) => [k, { type: "string" }])),
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (cause) {
    throw new ConfigError([`arguments: ${(cause as Error).message}`], { cause });
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const problems: string[] = [];
  const settings: Array<readonly [string, unknown, string]> = [];
  for (const [flag, path] of Object.entries(TRAIN_FLAGS)) {
    const v = values[flag];
    if (typeof v === "string") {
      const value = flag === "redis-cluster"
        ? v.split(",").map((s) => s.trim()).filter(Boolean)
        : v;
      settings.push([path, value, `--${flag}`]);
    }
  }
  for (const p of (values.param as string[] | undefined) ?? []) {
    const m = /^([A-Za-z_][\w.]*)=(.*)$/.exec(p);
    if (!m) {
      problems.push(`--param: expected name=value, got ${JSON.stringify(p)}`);
      continue;
    }
    settings.push([`model.params.${m[1]}`, paramValue(m[2]!), `--param ${m[1]}`]);
  }
  const logFormat = values["log-format"] ?? "human";
  if (logFormat !== "human" && logFormat !== "json") {
    problems.push(`--log-format: must be one of human, json, got ${JSON.stringify(logFormat)}`);
  }
  if (problems.length) throw new ConfigError(problems);
  const configPath = values.config as string | undefined;
  return {
    ...(configPath !== undefined ? { configPath } : {}),
    layer: flagLayer(settings),
    verbose: values.verbose === true,
    logFormat: logFormat as "human" | "json",
    help: values.help === true,
  };
}

function paramValue(raw: string): number | string | boolean {
  if (raw === "true" || raw === "false") return raw === "true";
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
}
