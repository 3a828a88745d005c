/**
 * `deno task setup:python`: creates `.venv` from `requirements-dev.txt` when it is missing or
 * the requirements changed (a hash stamp in `.venv/.requirements.sha256`). Fast when current.
 *
 * @module
 */

import { runMain } from "./_main.ts";

const VENV = ".venv";
const REQUIREMENTS = "requirements-dev.txt";
const STAMP = `${VENV}/.requirements.sha256`;

async function run(cmd: string, args: string[]): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${code}`);
}

await runMain("setup:python", async () => {
  const text = await Deno.readTextFile(REQUIREMENTS);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  const current = await Deno.readTextFile(STAMP).catch(() => "");
  if (current.trim() === hash) return 0;
  const python = Deno.env.get("PYTHON") ?? "python3";
  console.error(`setup:python: installing ${REQUIREMENTS} into ${VENV} (once)…`);
  await run(python, ["-m", "venv", VENV]);
  await run(`${VENV}/bin/python`, ["-m", "pip", "install", "-q", "--upgrade", "pip"]);
  await run(`${VENV}/bin/python`, ["-m", "pip", "install", "-q", "-r", REQUIREMENTS]);
  await Deno.writeTextFile(STAMP, hash + "\n");
  return 0;
});
