import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

const ROOT = new URL("..", import.meta.url).pathname;

/** TypeScript files below `dir` (the AssemblyScript kernel source is not TypeScript for Deno). */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const p = join(dir, e.name);
    if (e.isDirectory && e.name !== "assembly") out.push(...(await sources(p)));
    else if (e.isFile && p.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

/**
 * Relative imports (and re-exports) of a file, as repository paths; the imports of documented
 * examples (block comments) are the example's, not the file's.
 */
async function importsOf(file: string): Promise<string[]> {
  const text = (await Deno.readTextFile(join(ROOT, file))).replace(/\/\*[\s\S]*?\*\//g, "");
  return [...text.matchAll(/(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/g)]
    .map((m) => relative(ROOT, join(ROOT, dirname(file), m[1]!)));
}

/** The layer of a `lib/` file: its folder, or the file's own name at the top (`errors`). */
function layer(file: string): string {
  return file.split("/")[1]!.replace(/\.ts$/, "");
}

/** `lib/README.md`'s map: folder → folders it may import. */
async function layerMap(): Promise<Map<string, Set<string>>> {
  const text = await Deno.readTextFile(join(ROOT, "lib/README.md"));
  const map = new Map<string, Set<string>>();
  for (const m of text.matchAll(/^\| `(\w+)`\s*\|[^|]*\|\s*([^|]*?)\s*\|$/gm)) {
    map.set(m[1]!, new Set(m[2]!.split(",").map((s) => s.trim()).filter((s) => /^\w+$/.test(s))));
  }
  return map;
}

/** Strongly connected components with more than one file: the import cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

Deno.test("lib/ has no import cycle and every import follows the layer map of lib/README.md", async () => {
  const map = await layerMap();
  assert.ok(map.size >= 12, `layer map rows: ${[...map.keys()]}`);
  const graph = new Map<string, string[]>();
  const wrong: string[] = [];
  for (const file of await sources("lib")) {
    const deps = await importsOf(file);
    graph.set(file, deps);
    const from = layer(file);
    assert.ok(map.has(from), `${file}: folder ${from} is not in lib/README.md`);
    for (const dep of deps) {
      const to = layer(dep);
      if (to !== from && !map.get(from)!.has(to)) wrong.push(`${file} → ${dep} (${from} → ${to})`);
    }
  }
  assert.deepEqual(wrong, [], "imports the layer map does not allow");
  assert.deepEqual(cycles(graph), [], "import cycles between files");
  const folders = new Map([...map].map(([k, v]) => [k, [...v]]));
  assert.deepEqual(cycles(folders), [], "the layer map itself has a cycle");
});

/**
 * Functions called once per row or event on hot paths, where an options object would allocate per
 * call: they keep positional parameters.
 */
const HOT_PATH_POSITIONAL = new Set([
  "lib/features/transactions.ts:push",
  "lib/features/window_processor.ts:featuresAtEvent",
]);

interface FunctionShape {
  readonly where: string;
  readonly name: string;
  readonly lines: number;
  readonly params: number;
}

function functionShapes(file: string, text: string): FunctionShape[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: FunctionShape[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = sf.getLineAndCharacterOfPosition(fn.getStart()).line;
      const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
      const name = fn.name?.getText(sf) ??
        (ts.isConstructorDeclaration(fn) ? "constructor" : `(anonymous)`);
      out.push({
        where: `${file}:${start + 1}`,
        name,
        lines: end - start + 1,
        params: fn.parameters.length,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

Deno.test("no function in lib/ runs over 80 lines or takes more than three positional parameters", async () => {
  const long: string[] = [], wide: string[] = [];
  for (const file of await sources("lib")) {
    for (const f of functionShapes(file, await Deno.readTextFile(join(ROOT, file)))) {
      if (f.lines > 80) long.push(`${f.where} ${f.name}: ${f.lines} lines`);
      if (f.params > 3 && !HOT_PATH_POSITIONAL.has(`${file}:${f.name}`)) {
        wide.push(`${f.where} ${f.name}: ${f.params} parameters`);
      }
    }
  }
  assert.deepEqual(long, [], "functions over 80 lines");
  assert.deepEqual(wide, [], "more than three positional parameters (use an options object)");
});

Deno.test("every task file reads in under 80 lines", async () => {
  const long: string[] = [];
  for (const file of await sources("tasks")) {
    if (file.startsWith("tasks/bench/") || file.startsWith("tasks/notebooks/")) continue;
    const lines = (await Deno.readTextFile(join(ROOT, file))).trimEnd().split("\n").length;
    if (lines >= 80) long.push(`${file}: ${lines} lines`);
  }
  assert.deepEqual(long, []);
});
