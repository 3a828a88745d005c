import assert from "node:assert/strict";
import { join } from "node:path";
import { PYTHON } from "./helpers/python.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const NOTEBOOKS = ["01_features", "02_training", "03_drift"];

interface Cell {
  cell_type: string;
  source: string | string[];
}

Deno.test("the committed notebooks are what make_notebooks.py writes, byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  const r = await new Deno.Command(PYTHON, {
    args: ["tasks/notebooks/make_notebooks.py", "--out", dir],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  for (const nb of NOTEBOOKS) {
    const made = await Deno.readTextFile(join(dir, `${nb}.ipynb`));
    const committed = await Deno.readTextFile(join(ROOT, "notebooks", `${nb}.ipynb`));
    assert.equal(committed, made, `${nb}.ipynb differs: run tasks/notebooks/make_notebooks.py`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every notebook code cell is as deno fmt leaves it (notebooks are not in deno fmt)", async () => {
  for (const nb of NOTEBOOKS) {
    const cells = JSON.parse(await Deno.readTextFile(join(ROOT, "notebooks", `${nb}.ipynb`)))
      .cells as Cell[];
    for (const [i, c] of cells.entries()) {
      if (c.cell_type !== "code") continue;
      const source = Array.isArray(c.source) ? c.source.join("") : c.source;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["fmt", "--ext=ts", "-"],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(source));
      await w.close();
      const out = await child.output();
      assert.equal(out.code, 0, `${nb} cell ${i}: ${new TextDecoder().decode(out.stderr)}`);
      assert.equal(new TextDecoder().decode(out.stdout), source + "\n", `${nb} cell ${i}`);
    }
  }
});

Deno.test("the notebooks import only from the entry module, lib/mod.ts", async () => {
  for (const nb of NOTEBOOKS) {
    const cells = JSON.parse(await Deno.readTextFile(join(ROOT, "notebooks", `${nb}.ipynb`)))
      .cells as Cell[];
    const sources = cells.filter((c) => c.cell_type === "code")
      .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
    const from = sources.flatMap((s) => [...s.matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1]!));
    assert.ok(from.length >= 3, `${nb}: imports ${from}`);
    assert.deepEqual([...new Set(from)], ["../lib/mod.ts"], `${nb} imports`);
  }
});
