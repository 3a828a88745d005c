/**
 * Runs a task script as its own process, as a user would, and collects its exit code and output.
 *
 * @module
 */

const ROOT = new URL("../..", import.meta.url).pathname;

/** What a task printed and returned. */
export interface TaskRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `tasks/<name>.ts` with the given flags (from the repository root unless `cwd` is given),
 * with the permissions the deno.json tasks grant.
 */
export async function runTask(
  name: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; clearEnv?: boolean } = {},
): Promise<TaskRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      "--allow-net",
      `${ROOT}tasks/${name}.ts`,
      ...args,
    ],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: options.clearEnv ?? false,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
