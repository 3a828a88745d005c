/**
 * Every `deno task <name> …` in README.md and docs/*.md — in a shell block (run or not) or an
 * inline code span — names a task of deno.json, and every `--flag` it passes appears in that
 * task's `deno task <name> --help` (run once per task). A task whose command is not one
 * `deno run … tasks/<file>.ts` (a chain of other tasks, or `deno test`) cannot be asked for its
 * help: a doc that gives it flags is a problem too.
 */

import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const SHELL = /^(\s*)(`{3,})\s*(sh|bash|shell)\s*$/;

/** A `deno task` command found in a doc. */
interface TaskUse {
  readonly where: string;
  readonly task: string;
  readonly flags: readonly string[];
}

/** The `deno task` commands of one piece of shell text: the task and the `--flags` after it. */
function usesIn(text: string, where: string): TaskUse[] {
  const uses: TaskUse[] = [];
  for (const m of text.matchAll(/\bdeno task ([\w:-]+)([^\n]*)/g)) {
    // The task's own words end at a shell operator or a comment.
    const args = m[2]!.split(/\s(?:#|\||&&|;|>|&$)|\)/)[0]!;
    const flags = args.split(/\s+/).filter((w) => /^--[a-z]/.test(w)).map((w) => w.split("=")[0]!);
    uses.push({ where, task: m[1]!, flags });
  }
  return uses;
}

/** Every `deno task` use in a Markdown file: shell blocks, then inline code spans elsewhere. */
function taskUses(file: string, markdown: string): TaskUse[] {
  const lines = markdown.split("\n"), uses: TaskUse[] = [], prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*(`{3,}|~{3,})/.exec(lines[i]!);
    if (!fence) {
      prose.push(lines[i]!);
      continue;
    }
    const shell = SHELL.test(lines[i]!);
    let command = "", start = 0;
    while (++i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) {
      if (!command) start = i + 1;
      command += lines[i]!;
      if (command.endsWith("\\")) {
        command = command.slice(0, -1) + " "; // continued on the next line
        continue;
      }
      if (shell) uses.push(...usesIn(command, `${file}:${start}`));
      command = "";
    }
    prose.push("");
  }
  // Inline spans may wrap: read each paragraph as one line.
  for (const paragraph of prose.join("\n").split(/\n\s*\n/)) {
    for (const span of paragraph.replace(/\n/g, " ").matchAll(/`([^`]+)`/g)) {
      if (span[1]!.startsWith("deno task ")) uses.push(...usesIn(span[1]!, `${file} (inline)`));
    }
  }
  return uses;
}

/** The deno.json tasks: name → command. */
async function denoTasks(): Promise<Map<string, string>> {
  const json = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const tasks = json.tasks as Record<string, string | { command: string }>;
  return new Map(
    Object.entries(tasks).map(([k, v]) => [k, typeof v === "string" ? v : v.command]),
  );
}

/** Whether a task's command is one task file (after `deno install`), which answers --help. */
function answersHelp(command: string): boolean {
  const parts = command.split("&&").map((p) => p.trim()).filter((p) => !/^deno install\b/.test(p));
  return parts.length === 1 && /^deno run\b.*\btasks\/[\w/]+\.ts$/.test(parts[0]!);
}

const helpCache = new Map<string, Promise<string>>();

/** `deno task <name> --help`, once per task. */
function helpOf(task: string): Promise<string> {
  if (!helpCache.has(task)) {
    helpCache.set(
      task,
      (async () => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["task", "-q", task, "--help"],
          cwd: ROOT,
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
          signal: AbortSignal.timeout(120_000),
        }).output();
        const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
        if (out.code !== 0) throw new Error(`deno task ${task} --help: exit ${out.code}\n${text}`);
        return text;
      })(),
    );
  }
  return helpCache.get(task)!;
}

/** One line per use that names no task, or a flag its task's --help does not list. */
async function problems(uses: readonly TaskUse[]): Promise<string[]> {
  const tasks = await denoTasks(), out: string[] = [];
  for (const use of uses) {
    const command = tasks.get(use.task);
    if (command === undefined) {
      out.push(`${use.where}: deno task ${use.task}: no such task in deno.json`);
    } else if (use.flags.length && !answersHelp(command)) {
      out.push(`${use.where}: deno task ${use.task} ${use.flags.join(" ")}: no --help to check`);
    } else if (use.flags.length) {
      const help = await helpOf(use.task);
      const listed = new Set(help.match(/--[a-z][\w-]*/g) ?? []);
      for (const f of use.flags) {
        if (!listed.has(f)) out.push(`${use.where}: deno task ${use.task}: ${f} is not in --help`);
      }
    }
  }
  return out;
}

/** README.md and every docs/*.md, with their text. */
async function docs(): Promise<{ file: string; text: string }[]> {
  const files = ["README.md"];
  for (const e of Deno.readDirSync(join(ROOT, "docs"))) {
    if (e.name.endsWith(".md")) files.push(`docs/${e.name}`);
  }
  return await Promise.all(
    files.sort().map(async (file) => ({ file, text: await Deno.readTextFile(join(ROOT, file)) })),
  );
}

Deno.test("every deno task in README.md and docs/ exists and passes only flags its --help lists", async () => {
  const uses = (await docs()).flatMap(({ file, text }) => taskUses(file, text));
  assert.ok(uses.length > 50, `only ${uses.length} deno task commands found`);
  // Ask for every help first, in parallel, so the check does not wait task by task.
  const tasks = await denoTasks();
  await Promise.all(
    [...new Set(uses.filter((u) => u.flags.length).map((u) => u.task))]
      .filter((t) => answersHelp(tasks.get(t) ?? "")).map(helpOf),
  );
  assert.deepEqual(await problems(uses), []);
});

Deno.test("a doc naming a missing task, or a flag --help does not list, is a problem", async () => {
  const doc = [
    "Run `deno task train --max-samples 10 --no-such-flag`, then:",
    "",
    "```sh",
    "deno task drift --scenario amount_shift \\",
    "  --html output/d.html --colour red   # --ignored-in-a-comment",
    "deno task nonesuch --x",
    "```",
    "",
    "```text",
    "deno task train --not-run-not-checked",
    "```",
  ].join("\n");
  assert.deepEqual(await problems(taskUses("x.md", doc)), [
    "x.md:4: deno task drift: --colour is not in --help",
    "x.md:6: deno task nonesuch: no such task in deno.json",
    "x.md (inline): deno task train: --no-such-flag is not in --help",
  ]);
});
