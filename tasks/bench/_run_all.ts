/**
 * How `deno task bench` runs the benchmarks: each as its own `deno task`, in order, stopping at
 * the first that fails.
 *
 * @module
 */

/**
 * Runs `names` in order with `run`, stopping at the first non-zero exit code.
 *
 * @returns That code, or 0 when every one passed.
 */
export async function runBenchmarks(
  names: readonly string[],
  run: (name: string) => Promise<number>,
): Promise<number> {
  for (const [i, name] of names.entries()) {
    const code = await run(name);
    if (code === 0) continue;
    const rest = names.slice(i + 1);
    console.error(
      `bench: ${name} failed (exit code ${code})${
        rest.length ? `; not run: ${rest.join(", ")}` : ""
      }`,
    );
    return code;
  }
  return 0;
}

/** `deno task <name>` from the repository root, sharing this terminal; its exit code. */
export async function denoTask(name: string): Promise<number> {
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["task", name],
    cwd: new URL("../..", import.meta.url).pathname,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  return status.success ? 0 : status.code || 1;
}
