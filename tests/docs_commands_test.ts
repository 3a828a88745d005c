/**
 * The docs are a walkthrough that runs: every shell block of README.md and then of the pages of
 * docs/ (in the order the README's "Documentation" list names them) runs as written, in order, in
 * one bash session, in a fresh clone of the committed HEAD (`.venv` linked from this checkout).
 * The test picks free loopback ports for REDIS_PORT, MLFLOW_PORT, SERVE_PORT and SCHEDULE_PORT;
 * the blocks start and stop the services themselves. A `ts` block runs as a file at the clone's
 * root. Conventions (norun, `# exit N`): docs/contributing.md.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "./helpers/redis_server.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SHELL = new Set(["sh", "bash", "shell"]);
const TS = new Set(["ts", "typescript"]);

/** A fenced block of a Markdown file. */
interface Block {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string (its language), "" when none. */
  readonly lang: string;
  /** The reason given by a `<!-- norun: … -->` comment just before the fence, if any. */
  readonly norun?: string;
  readonly text: string;
}

/** One command of a shell block (or a whole `ts` block), with the exit codes it may end with. */
interface Step {
  readonly where: string;
  readonly text: string;
  readonly expect: readonly number[];
  readonly ts?: boolean;
}

/** What a step did. */
interface Outcome {
  readonly step: Step;
  readonly code: number | null;
  readonly seconds: number;
  readonly output: string;
}

/** The fenced blocks of `markdown`, the indentation of their fence taken off their lines. */
function codeBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n"), blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trim().startsWith(fence); j++) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
    }
    let k = i - 1;
    while (k >= 0 && !lines[k]!.trim()) k--;
    const norun = /^<!--\s*norun\b:?\s*(.*?)\s*-->$/.exec(lines[k]?.trim() ?? "")?.[1];
    blocks.push({
      file,
      line: i + 1,
      lang,
      ...(norun !== undefined ? { norun } : {}),
      text: body.join("\n"),
    });
    i = j;
  }
  return blocks;
}

/**
 * The commands of a shell block: a command ends at a newline outside quotes and not after `\`.
 * Its trailing comment may start with the exit codes it ends with (`# exit 3`, `# exit 10 or 11`).
 */
function shellSteps(block: Block): Step[] {
  const steps: Step[] = [];
  let text = "", comment = "", quote = "", line = block.line + 1, start = line;
  const end = () => {
    const codes = /^#\s*exit\s+(\d+(?:\s*(?:,|or)\s*\d+)*)/.exec(comment)?.[1];
    if (text.trim()) {
      const expect = codes ? codes.split(/\s*(?:,|or)\s*/).map(Number) : [0];
      steps.push({ where: `${block.file}:${start}`, text: text.trim(), expect });
    }
    text = comment = "";
    start = line;
  };
  const src = block.text + "\n";
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!, next = src[i + 1] ?? "";
    if (c === "\n") line++;
    if (comment) {
      if (c === "\n") end();
      else comment += c;
    } else if (c === "\\" && next === "\n" && quote !== "'") {
      text += " "; // a line continuation
      i++;
      line++;
    } else if (quote) {
      text += c;
      if (c === "\\" && quote === '"') text += src[++i] ?? "";
      else if (c === quote) quote = "";
    } else if (c === "#" && (!text || /\s$/.test(text))) {
      comment = "#";
    } else if (c === "\n") {
      end();
    } else {
      if (c === "'" || c === '"') quote = c;
      text += c;
    }
  }
  end();
  return steps;
}

/** README.md, then the docs pages in the order its links name them (pages it omits last). */
async function docFiles(): Promise<string[]> {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const linked = [...readme.matchAll(/\]\((docs\/[\w.-]+\.md)\)/g)].map((m) => m[1]!);
  const pages = [...Deno.readDirSync(join(ROOT, "docs"))].map((e) => `docs/${e.name}`)
    .filter((f) => f.endsWith(".md")).sort();
  return ["README.md", ...new Set([...linked, ...pages])];
}

/** Every step of the given Markdown files, in order: shell commands, and `ts` blocks as files. */
function stepsOf(files: readonly { file: string; text: string }[]): Step[] {
  const steps: Step[] = [];
  for (const { file, text } of files) {
    for (const b of codeBlocks(file, text)) {
      if (b.norun !== undefined) continue;
      if (SHELL.has(b.lang)) steps.push(...shellSteps(b));
      if (TS.has(b.lang)) {
        steps.push({ where: `${file}:${b.line}`, text: b.text, expect: [0], ts: true });
      }
    }
  }
  return steps;
}

/** The bash script that runs the steps in `dir`, each bracketed by markers with its exit code. */
async function script(steps: readonly Step[], dir: string): Promise<string> {
  const out = ["exec 2>&1", `cd '${dir}'`];
  for (const [i, s] of steps.entries()) {
    let command = s.text;
    if (s.ts) {
      await Deno.writeTextFile(join(dir, `.docs_step_${i}.ts`), s.text);
      command = `deno run -A .docs_step_${i}.ts`;
    }
    out.push(`printf '\\n@@docs-step ${i}\\n'`, command, `printf '\\n@@docs-rc ${i} %s\\n' "$?"`);
  }
  return out.join("\n") + "\n";
}

/** Splits the session's output into each step's exit code, time and output. */
function outcomes(steps: readonly Step[], output: string, times: Map<number, number>): Outcome[] {
  const parts = output.split(/\n@@docs-step (\d+)\n/);
  const byStep = new Map<number, string>();
  for (let i = 1; i < parts.length; i += 2) byStep.set(Number(parts[i]), parts[i + 1] ?? "");
  return steps.map((step, i) => {
    const text = byStep.get(i) ?? "";
    const rc = /\n@@docs-rc \d+ (\d+)\n/.exec(text + "\n");
    return {
      step,
      code: rc ? Number(rc[1]) : null,
      seconds: times.get(i) ?? 0,
      output: text.replace(/\n@@docs-rc[^\n]*\n?/, ""),
    };
  });
}

/** Runs the steps as one bash session in `dir` (its own process group, killed after `timeoutMs`). */
async function runSteps(
  steps: readonly Step[],
  o: { dir: string; env: Record<string, string>; timeoutMs: number },
): Promise<Outcome[]> {
  const path = join(o.dir, ".docs_steps.sh");
  await Deno.writeTextFile(path, await script(steps, o.dir));
  const child = new Deno.Command("setsid", {
    args: ["bash", path],
    cwd: o.dir,
    env: o.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const timer = setTimeout(() => killGroup(child.pid), o.timeoutMs);
  let output = "", last = performance.now();
  const times = new Map<number, number>();
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    output += chunk;
    for (const m of chunk.matchAll(/@@docs-rc (\d+)/g)) {
      times.set(Number(m[1]), (performance.now() - last) / 1000);
      last = performance.now();
    }
  }
  await child.status;
  clearTimeout(timer);
  killGroup(child.pid); // anything a step left running in the background
  return outcomes(steps, output, times);
}

function killGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch { /* gone */ }
}

/** One line per failed step: where, the command, its exit code, and the end of its output. */
function failures(results: readonly Outcome[]): string[] {
  return results.filter((r) => r.code === null || !r.step.expect.includes(r.code)).map((r) => {
    const ended = r.code === null ? "never ended (timeout or an earlier exit)" : `exit ${r.code}`;
    const tail = r.output.trim().split("\n").slice(-12).map((l) => `    ${l}`).join("\n");
    return `${r.step.where}: ${r.step.text.slice(0, 160)}\n  → ${ended}, expected ${
      r.step.expect.join(" or ")
    }\n${tail}`;
  });
}

/** This environment without anything that would steer the tasks, plus the walkthrough's ports. */
function sessionEnv(ports: Record<string, number>): Record<string, string> {
  const env = Deno.env.toObject();
  const steering = /^(REDIS_|MLFLOW_|MODEL_|MONITOR_|USE_CASE|POSITIVE_RATE|DATA_SOURCE|NB_)/;
  for (const k of Object.keys(env)) if (steering.test(k)) delete env[k];
  for (const [k, v] of Object.entries(ports)) env[k] = String(v);
  return { ...env, NO_COLOR: "1" };
}

/** Copies the work tree's README.md, docs/ and data/ over the clone's (trying docs not committed). */
async function copyDocs(clone: string): Promise<void> {
  const cp = await new Deno.Command("cp", {
    args: ["-r", "README.md", "docs", "data", clone],
    cwd: ROOT,
  }).output();
  assert.ok(cp.success, new TextDecoder().decode(cp.stderr));
}

async function readDocs(): Promise<{ file: string; text: string }[]> {
  return await Promise.all(
    (await docFiles()).map(async (file) => ({
      file,
      text: await Deno.readTextFile(join(ROOT, file)),
    })),
  );
}

Deno.test("every fence in README.md and docs/ names its language, every norun says why, every page is linked", async () => {
  const docs = await readDocs();
  const problems: string[] = [];
  const readme = docs[0]!.text;
  for (const { file, text } of docs) {
    if (file !== "README.md" && !readme.includes(`](${file})`)) {
      problems.push(`${file}: not in README.md's Documentation list`);
    }
    for (const b of codeBlocks(file, text)) {
      if (!b.lang) problems.push(`${file}:${b.line}: a fence without a language (sh, ts, text…)`);
      if (b.norun === "") problems.push(`${file}:${b.line}: <!-- norun --> without a reason`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("the runner reports a failing command with its file and line, and honours # exit N", async () => {
  const dir = await Deno.makeTempDir();
  const md = [
    "```sh",
    "export A=1",
    'sh -c "exit $((A + 2))"   # exit 3: expected',
    "echo 'two # not a comment' \\",
    "  | grep -q two",
    "false",
    "```",
    "<!-- norun: not run -->",
    "```sh",
    "false",
    "```",
  ].join("\n");
  const steps = stepsOf([{ file: "x.md", text: md }]);
  assert.deepEqual(steps.map((s) => [s.where, s.expect]), [
    ["x.md:2", [0]],
    ["x.md:3", [3]],
    ["x.md:4", [0]],
    ["x.md:6", [0]],
  ]);
  const results = await runSteps(steps, { dir, env: sessionEnv({}), timeoutMs: 30_000 });
  const failed = failures(results);
  assert.equal(failed.length, 1, failed.join("\n"));
  assert.match(failed[0]!, /^x\.md:6: false\n {2}→ exit 1, expected 0/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every shell block of README.md and docs/ runs, in order, as written, from a fresh clone", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "docs_commands_" });
  const clone = join(tmp, "clone");
  const ports = {
    REDIS_PORT: freePort(),
    MLFLOW_PORT: freePort(),
    SERVE_PORT: freePort(),
    SCHEDULE_PORT: freePort(),
  };
  try {
    const git = await new Deno.Command("git", { args: ["clone", "-q", ROOT, clone] }).output();
    assert.ok(git.success, new TextDecoder().decode(git.stderr));
    await Deno.symlink(join(ROOT, ".venv"), join(clone, ".venv"));
    if (Deno.env.get("DOCS_TEST_WORKTREE")) await copyDocs(clone);
    const docs = await Promise.all((await docFiles()).map(async (file) => ({
      file,
      text: await Deno.readTextFile(join(clone, file)),
    })));
    const steps = stepsOf(docs);
    const results = await runSteps(steps, {
      dir: clone,
      env: sessionEnv(ports),
      timeoutMs: 480_000,
    });
    if (Deno.env.get("DOCS_TEST_VERBOSE")) {
      report(results, Deno.makeTempFileSync({ prefix: "docs_session_", suffix: ".log" }));
    }
    const failed = failures(results);
    assert.equal(
      failed.length,
      0,
      `${failed.length} of ${steps.length} steps failed:\n\n${failed.join("\n\n")}`,
    );
    // What the commands wrote is ignored (output/, mlflow.db, mlruns/): the work tree is as
    // cloned, so the gate (which checks only the sources) stays green after following the docs.
    const status = await new Deno.Command("git", {
      args: ["status", "--porcelain"],
      cwd: clone,
      stdout: "piped",
    }).output();
    const left = new TextDecoder().decode(status.stdout).split("\n")
      // The linked .venv (a symlink, not the ignored dir) and the runner's own script files.
      .filter((l) => l && l !== "?? .venv" && !l.startsWith("?? .docs_"));
    assert.deepEqual(left, [], "files the docs' commands left in the work tree");
  } finally {
    // A daemonized Redis leaves the session's process group: stop it by its port.
    await new Deno.Command("redis-cli", {
      args: ["-p", String(ports.REDIS_PORT), "shutdown", "nosave"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!Deno.env.get("DOCS_TEST_KEEP")) await Deno.remove(tmp, { recursive: true });
  }
});

/** Each step's time, exit code and place on the console; every step's output into `log`. */
function report(results: readonly Outcome[], log: string): void {
  let total = 0;
  for (const r of results) {
    total += r.seconds;
    const text = r.step.text.split("\n")[0]!.slice(0, 90);
    console.log(`${r.seconds.toFixed(1).padStart(6)} s  ${r.code}  ${r.step.where}  ${text}`);
  }
  console.log(`${results.length} steps in ${total.toFixed(0)} s; their output: ${log}`);
  Deno.writeTextFileSync(
    log,
    results.map((r) => `### ${r.step.where} (exit ${r.code})\n${r.step.text}\n${r.output}`)
      .join("\n"),
  );
}
