/**
 * Runs the reference Python (the project's `.venv`) with JSON in and JSON out.
 *
 * @module
 */

/** Path of the reference interpreter (`FRAUD_PYTHON` overrides). */
export const PYTHON = Deno.env.get("FRAUD_PYTHON") ??
  `${new URL("../../.venv/bin/python", import.meta.url).pathname}`;

/**
 * Runs `code` with `input` as JSON on stdin (available as `data`); the code must assign the
 * result to `out`, which is printed as JSON and returned.
 */
export async function runPython<T = unknown>(
  code: string,
  input: unknown = null,
  env: Record<string, string> = {},
): Promise<T> {
  const script = `import json, sys\ndata = json.load(sys.stdin)\n${code}\nprint(json.dumps(out))\n`;
  const child = new Deno.Command(PYTHON, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const { code: rc, stdout, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr);
  if (rc !== 0) throw new Error(`python failed (${rc}):\n${err}`);
  const text = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
  return JSON.parse(text) as T;
}
