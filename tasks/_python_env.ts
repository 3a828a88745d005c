/**
 * The project's Python environment (`.venv` from `requirements-dev.txt`) and the Deno Jupyter
 * kernelspec, prepared idempotently by the tasks that need them (`setup:python`, `test`,
 * `notebooks`), so each is one command on a fresh clone.
 *
 * @module
 */

import { resolve } from "node:path";
import { EnvironmentError } from "../lib/errors.ts";

/** The environment's folder, relative to the repository root. */
export const VENV = ".venv";
const REQUIREMENTS = "requirements-dev.txt";
/** Installed with `--no-deps` after the others (see the file). */
const NO_DEPS = "requirements-nannyml.txt";
const STAMP = `${VENV}/.requirements.sha256`;

async function run(cmd: string, args: string[]): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" })
    .output()
    .catch((cause) => {
      throw new EnvironmentError(`cannot run ${cmd}: ${(cause as Error).message}`, { cause });
    });
  if (code !== 0) {
    throw new EnvironmentError(`${cmd} ${args.join(" ")} failed with exit code ${code}`);
  }
}

/**
 * Creates `.venv` from `requirements-dev.txt` (then `requirements-nannyml.txt` without its
 * dependencies) when it is missing or the requirements changed (a hash stamp in
 * `.venv/.requirements.sha256`); fast when current. `PYTHON` names the interpreter
 * that makes the environment (default `python3`).
 *
 * @returns The environment's interpreter.
 */
export async function ensurePythonEnv(
  log: (line: string) => void,
  root = ".",
): Promise<string> {
  const at = (path: string) => (root === "." ? path : `${root}/${path}`);
  const [venv, requirements, noDeps, stamp] = [VENV, REQUIREMENTS, NO_DEPS, STAMP].map(at);
  const python = `${venv}/bin/python`;
  const text = await Deno.readTextFile(requirements!) + await Deno.readTextFile(noDeps!);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  const current = await Deno.readTextFile(stamp!).catch(() => "");
  if (current.trim() === hash) return python;
  log(`installing ${REQUIREMENTS} into ${VENV} (once)…`);
  await run(Deno.env.get("PYTHON") ?? "python3", ["-m", "venv", venv!]);
  await run(python, ["-m", "pip", "install", "-q", "--upgrade", "pip"]);
  await run(python, ["-m", "pip", "install", "-q", "-r", requirements!]);
  await run(python, ["-m", "pip", "install", "-q", "--no-deps", "-r", noDeps!]);
  await Deno.writeTextFile(stamp!, hash + "\n");
  return python;
}

/**
 * Writes the Deno kernelspec into the environment (`.venv/share/jupyter/kernels/deno`, pointing
 * at the Deno running now) and returns the `JUPYTER_PATH` that puts it first. Idempotent, and it
 * leaves the user's own kernelspecs (`deno jupyter --install`) alone.
 */
export async function ensureDenoKernelspec(): Promise<string> {
  const root = resolve(`${VENV}/share/jupyter`);
  const dir = `${root}/kernels/deno`;
  await Deno.mkdir(dir, { recursive: true });
  const spec = {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
  };
  await Deno.writeTextFile(`${dir}/kernel.json`, JSON.stringify(spec, null, 2) + "\n");
  return root;
}
