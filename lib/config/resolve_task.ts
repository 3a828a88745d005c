/**
 * Turns a task's command line into its validated config and options, from its declaration:
 * flags parsed by `node:util` parseArgs, config flags layered over defaults, `--config` file and
 * environment, task options checked by the task's schema — every problem one line, all reported
 * together as one {@link ConfigError}.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { z } from "zod";
import { ConfigError } from "../errors.ts";
import { formatIssues } from "../util/format_issues.ts";
import { readConfigFile } from "./config_file.ts";
import { type ConfigLayer, envLayer, flagLayer, resolveConfig, toNumber } from "./load.ts";
import type { TrainingConfig } from "./schema.ts";
import { taskHelp } from "./task_help.ts";
import type { FlagSpec, TaskSpec } from "./task_spec.ts";

/** What a command line asked for. */
export type ResolvedTask<O> =
  | { readonly help: string }
  | {
    readonly help?: undefined;
    /** The layered, validated config (tasks that read it). */
    readonly config: TrainingConfig;
    /** The task's options, validated, defaults applied. */
    readonly options: O;
    readonly positionals: readonly string[];
  };

/**
 * Parses `argv` against `spec`.
 *
 * @param env The environment (config tasks read `ENV_PATHS` from it).
 * @throws {ConfigError} one line per problem: unknown flags, bad values (naming the setting, the
 *   value found and where it came from), missing required options.
 * @example A task with one option
 * ```ts
 * import { z } from "zod";
 * import { resolveTask } from "./resolve_task.ts";
 * import { defineTask } from "./task_spec.ts";
 * const task = defineTask({
 *   name: "score",
 *   summary: "Score a file.",
 *   usage: ["deno task score --input <file.csv>"],
 *   options: z.object({ input: z.string() }),
 *   flags: [{ flag: "input", option: "input", type: "string", arg: "<file>", help: "the rows" }],
 * });
 * const args = await resolveTask(task, ["--input", "rows.csv"], {});
 * if (args.help === undefined) args.options.input; // "rows.csv"
 * ```
 */
export async function resolveTask<O extends z.ZodType>(
  spec: TaskSpec<O>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<ResolvedTask<z.infer<O>>> {
  const args = parseTaskArgs(spec, argv);
  if (args.help) return { help: taskHelp(spec) };
  const problems = [...args.problems];
  let config = undefined as unknown as TrainingConfig;
  try {
    const layers: ConfigLayer[] = [];
    if (spec.config && args.configFile) layers.push(await readConfigFile(args.configFile));
    if (spec.config) layers.push(envLayer(env));
    config = resolveConfig([...layers, args.layer]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const options = spec.options?.safeParse(args.options);
  if (options && !options.success) {
    problems.push(...optionIssues(spec, options.error, args.options));
  }
  if (problems.length) throw new ConfigError(problems);
  return { config, options: (options?.data ?? {}) as z.infer<O>, positionals: args.positionals };
}

/** A command line read against a task's flags, before validation. */
export interface TaskArgs {
  /** `--help` was given. */
  readonly help: boolean;
  /** The config layer the config flags form (origins: the flags). */
  readonly layer: ConfigLayer;
  /** Task options as given (validated by the task's schema in {@link resolveTask}). */
  readonly options: Record<string, unknown>;
  /** `--config <file>`, for tasks that read the config. */
  readonly configFile?: string;
  readonly positionals: readonly string[];
  /** Malformed `key=value` items. */
  readonly problems: readonly string[];
}

/**
 * Reads `argv` against `spec`'s flags: config flags into a config layer, the rest into raw
 * options.
 *
 * @throws {ConfigError} for an unknown flag or a flag missing its value.
 */
export function parseTaskArgs(spec: TaskSpec, argv: readonly string[]): TaskArgs {
  const parsed = parse(spec, argv);
  const problems: string[] = [];
  const settings: Array<readonly [string, unknown, string]> = [];
  const options: Record<string, unknown> = {};
  for (const f of spec.flags) {
    const v = parsed.values[f.flag];
    if (v === undefined) continue;
    if (f.type === "pairs") settings.push(...pairs(f, v as string[], problems));
    else if (f.config) settings.push([f.config, flagValue(f, v), `--${f.flag}`]);
    else options[f.option!] = flagValue(f, v);
  }
  const file = parsed.values.config;
  return {
    help: parsed.values.help === true,
    layer: flagLayer(settings),
    options,
    ...(typeof file === "string" ? { configFile: file } : {}),
    positionals: parsed.positionals,
    problems,
  };
}

function parse(spec: TaskSpec, argv: readonly string[]) {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = { help: { type: "boolean", short: "h" } };
  if (spec.config) options.config = { type: "string" };
  for (const f of spec.flags) {
    options[f.flag] = {
      type: f.type === "boolean" ? "boolean" : "string",
      ...(f.short ? { short: f.short } : {}),
      ...(f.type === "pairs" ? { multiple: true } : {}),
    };
  }
  try {
    return parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: spec.positionals !== undefined,
    });
  } catch (cause) {
    throw new ConfigError([`arguments: ${(cause as Error).message}`], { cause });
  }
}

function flagValue(f: FlagSpec, v: unknown): unknown {
  if (f.type === "number") return toNumber(v as string);
  if (f.type === "list") return (v as string).split(",").map((s) => s.trim()).filter(Boolean);
  if (f.type === "numbers") return (flagValue({ ...f, type: "list" }, v) as string[]).map(toNumber);
  return v;
}

/** `key=value` items → settings of `<target>.<key>`; a malformed item is a problem line. */
function pairs(f: FlagSpec, items: readonly string[], problems: string[]) {
  const out: Array<readonly [string, unknown, string]> = [];
  for (const item of items) {
    const m = /^([^=\s]+)=(.*)$/.exec(item);
    if (!m) {
      problems.push(
        `--${f.flag}: expected ${f.arg ?? "<name>=<value>"}, got ${JSON.stringify(item)}`,
      );
      continue;
    }
    out.push([`${f.config}.${m[1]}`, pairValue(m[2]!), `--${f.flag} ${m[1]}`]);
  }
  return out;
}

function pairValue(raw: string): unknown {
  if (raw === "true" || raw === "false") return raw === "true";
  return toNumber(raw);
}

/** Option problems named by their flag: `--scenario: must be one of …, got "meteor"`. */
function optionIssues(spec: TaskSpec, error: z.ZodError, raw: Record<string, unknown>): string[] {
  const flagOf = new Map(spec.flags.filter((f) => f.option).map((f) => [f.option!, `--${f.flag}`]));
  return formatIssues(error.issues, raw).map((line) => {
    const key = line.slice(0, line.indexOf(":"));
    return flagOf.has(key) ? flagOf.get(key)! + line.slice(key.length) : line;
  });
}
