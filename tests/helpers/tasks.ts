/**
 * Runs a task script as its own process, as a user would, and collects its exit code and output.
 *
 * @module
 */

const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * The Deno CLI's notice while another deno process (a test running in parallel) holds the
 * node_modules lock: printed before the task starts, not by the task, so left out of its stderr.
 */
const LOCK_WAIT = /^Blocking waiting for file lock on [^\n]*\n/gm;

/**
 * The permission flags `deno.json` grants the task that runs `tasks/<name>.ts`, so a test runs a
 * task with what a user's `deno task` gives it, no more (a missing `--allow-net` fails its test).
 */
function grantedPermissions(name: string): string[] {
  const tasks = (JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)) as {
    tasks: Record<string, string | { command: string }>;
  }).tasks;
  const script = `tasks/${name}.ts`;
  for (const entry of Object.values(tasks)) {
    const command = typeof entry === "string" ? entry : entry.command;
    const run = command.split("&&").map((c) => c.trim()).find((c) =>
      c.startsWith("deno run") && c.split(/\s+/).includes(script)
    );
    if (run) return run.split(/\s+/).filter((f) => f === "-A" || f.startsWith("--allow-"));
  }
  throw new Error(`no deno.json task runs ${script}`);
}

/** What a task printed and returned. */
export interface TaskRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `tasks/<name>.ts` with the given flags (from the repository root unless `cwd` is given),
 * with the permissions its deno.json task grants (see {@link grantedPermissions}). With `timeoutMs`, a task still running then is
 * killed and the call throws (a hang fails its test instead of the suite).
 */
export async function runTask(
  name: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; clearEnv?: boolean; timeoutMs?: number } =
    {},
): Promise<TaskRun> {
  const signal = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...grantedPermissions(name), `${ROOT}tasks/${name}.ts`, ...args],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: options.clearEnv ?? false,
    stdout: "piped",
    stderr: "piped",
    ...(signal ? { signal } : {}),
  }).output();
  if (signal?.aborted) {
    throw new Error(`${name} ${args.join(" ")}: no end within ${options.timeoutMs! / 1000} s`);
  }
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr).replace(LOCK_WAIT, ""),
  };
}

/** A task running in the background, whose output can be awaited line by line. */
export interface RunningTask {
  readonly pid: number;
  /** Resolves with the output so far once `pattern` matches stderr or stdout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: Deno.Signal): void;
  /** Exit code and whole output, once it ended. */
  readonly done: Promise<TaskRun>;
}

/** Starts `tasks/<name>.ts` (as {@link runTask}) without waiting for it. */
export function startTask(
  name: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): RunningTask {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...grantedPermissions(name), `${ROOT}tasks/${name}.ts`, ...args],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "", err = "";
  const drain = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) add(chunk);
  };
  const streams = Promise.all([
    drain(child.stdout, (t) => out += t),
    drain(child.stderr, (t) => err += t),
  ]);
  const done = Promise.all([child.status, streams]).then(([s]) => ({
    code: s.code,
    stdout: out,
    stderr: err.replace(LOCK_WAIT, ""),
  }));
  let ended = false;
  done.then(() => ended = true);
  return {
    pid: child.pid,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(err) && !pattern.test(out)) {
        if (ended || Date.now() > deadline) {
          throw new Error(
            `${name}: no ${pattern} (${ended ? "ended" : "timed out"}):\n${err}${out}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return err + out;
    },
    kill(signal: Deno.Signal = "SIGKILL") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    },
    done,
  };
}

/**
 * Trains a small model (no CV) in `cwd` and points `alias` (default `champion`) of
 * `fraud_detection` at it; fails the test when training fails. `extra` flags come first.
 */
export async function trainChampion(
  o: { cwd: string; env?: Record<string, string>; rows?: number; extra?: string[]; alias?: string },
): Promise<TaskRun> {
  const r = await runTask("train", [
    ...(o.extra ?? []),
    "--max-samples",
    String(o.rows ?? 2000),
    "--cv-folds",
    "0",
    "--register",
    "fraud_detection",
    "--alias",
    o.alias ?? "champion",
  ], { cwd: o.cwd, ...(o.env ? { env: o.env } : {}) });
  if (r.code !== 0) throw new Error(`train failed (${r.code}):\n${r.stderr}`);
  return r;
}
