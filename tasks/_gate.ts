/**
 * The steps of the gate (`deno task ok`) and of the test task, each a process of its own whose
 * output goes straight to the terminal.
 *
 * @module
 */

/** Runs `deno <args>` with this terminal's output; resolves with its exit code. */
export async function denoStep(args: readonly string[]): Promise<number> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

/** Runs the steps in order; the first that fails ends the run with its code. */
export async function inOrder(steps: ReadonlyArray<readonly string[]>): Promise<number> {
  for (const step of steps) {
    const code = await denoStep(step);
    if (code !== 0) return code;
  }
  return 0;
}
