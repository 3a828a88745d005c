/**
 * Examples are code (issue 29): every `@example` in `lib/`'s JSDoc and every TypeScript block of
 * its Markdown type-checks, and imports what it uses, so a reader can paste it. Checked, not run:
 * some examples need a tracking server, Redis or a model file.
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * `lib/`'s TypeScript and Markdown files, found at run time so new files are checked too (the
 * AssemblyScript kernel source is not TypeScript for Deno).
 */
async function libFiles(dir = "lib"): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const p = join(dir, e.name);
    if (e.isDirectory && e.name !== "assembly") out.push(...(await libFiles(p)));
    else if (e.isFile && /\.(ts|md)$/.test(p)) out.push(p);
  }
  return out.sort();
}

/** Runs deno with `args` in the repository; its exit code and everything it printed. */
async function deno(args: string[]): Promise<{ code: number; output: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const output = (text(r.stdout) + text(r.stderr)).split("\n").filter((l) =>
    !l.startsWith("Check ")
  );
  return { code: r.code, output: output.join("\n").trim() };
}

/** One TypeScript block: the file it is in, the line its code starts on, and the code. */
interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

const FENCE = /^```\s*(ts|typescript|tsx|js|javascript|jsx|mts)?\b([^\n]*)$/;

/** A file's TypeScript blocks: fenced in its JSDoc comments (`.ts`) or in its text (`.md`). */
function examplesOf(file: string, text: string): Example[] {
  const lines = text.split("\n");
  const jsdoc = file.endsWith(".ts");
  const out: Example[] = [];
  let inComment = !jsdoc, block: { line: number; code: string[] } | undefined;
  for (const [i, raw] of lines.entries()) {
    if (jsdoc && !inComment) {
      inComment = /^\s*\/\*\*/.test(raw) && !raw.includes("*/");
      continue;
    }
    if (jsdoc && raw.includes("*/")) inComment = false;
    const line = jsdoc ? raw.replace(/^\s*\*(?: |$)/, "") : raw;
    const fence = FENCE.exec(line.trim());
    if (!block && fence?.[1] && !/\bignore\b/.test(fence[2]!)) block = { line: i + 2, code: [] };
    else if (block && line.trim() === "```") {
      out.push({ file, line: block.line, code: block.code.join("\n") });
      block = undefined;
    } else block?.code.push(line);
  }
  return out;
}

/** `code` with its relative imports made absolute, as if it sat beside `file`. */
function anchored(code: string, file: string): string {
  const base = pathToFileURL(join(ROOT, file));
  return code.replace(
    /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']+)\2/g,
    (_, head, quote, spec) => `${head}${quote}${new URL(spec, base).href}${quote}`,
  );
}

/** The `file#from-to` names of the blocks a `deno check --doc-only` run reported errors in. */
function failingBlocks(output: string): string[] {
  const names = [...output.matchAll(/file:\/\/(\/[^\s:]+?#\d+-\d+\.\w+)/g)]
    .map((m) => relative(ROOT, m[1]!));
  return [...new Set(names)];
}

Deno.test("every example in lib/ type-checks: deno check --doc-only over lib/**/*.ts and lib/**/*.md", async () => {
  const files = await libFiles();
  assert.ok(files.length > 100, `lib/ files found: ${files.length}`);
  const { code, output } = await deno(["check", "--doc-only", ...files]);
  assert.equal(
    code,
    0,
    `examples that do not compile: ${failingBlocks(output).join(", ") || "(see below)"}\n${output}`,
  );
});

Deno.test("every example in lib/ imports what it uses: it type-checks pasted into a file of its own", async () => {
  const examples: Example[] = [];
  for (const file of await libFiles()) {
    examples.push(...examplesOf(file, await Deno.readTextFile(join(ROOT, file))));
  }
  assert.ok(examples.length > 50, `examples found: ${examples.length}`);
  const dir = await Deno.makeTempDir({ prefix: "doc_examples_" });
  try {
    const source = new Map<string, Example>();
    for (const [i, e] of examples.entries()) {
      const path = join(dir, `example-${i}.ts`);
      source.set(pathToFileURL(path).href, e);
      // `export {}`: a block without imports is still a module (its own scope, top-level await).
      await Deno.writeTextFile(path, `${anchored(e.code, e.file)}\nexport {};\n`);
    }
    const files = [...source.keys()].map((url) => new URL(url).pathname);
    const { code, output } = await deno(["check", "--config", "deno.json", ...files]);
    const failing = new Set<string>();
    // Each error's place in a pasted block, as the place in lib/ it was pasted from.
    const shown = output.replace(/(file:\/\/\S+?\.ts):(\d+)(?=:\d+)/g, (at, url, line) => {
      const e = source.get(url);
      if (!e) return at;
      failing.add(`${e.file}:${e.line}`);
      return `${e.file}:${e.line + Number(line) - 1}`;
    });
    assert.equal(
      code,
      0,
      `examples that do not compile on their own: ${
        [...failing].join(", ") || "none (the errors below are in lib/ itself)"
      }\n${shown}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
