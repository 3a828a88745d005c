/**
 * The public face: deno.json exports lib/mod.ts, the package name resolves to it, and the entry
 * module holds only docs and re-exports (every line is a comment, an `export … from`, or blank).
 */

import assert from "node:assert/strict";
import * as byName from "@fraud/pipeline";
import * as byPath from "../lib/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("deno.json exports lib/mod.ts, which holds only docs and re-exports", async () => {
  const json = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  assert.equal(json.exports, "./lib/mod.ts");
  assert.equal(byName, byPath, "the package name is the entry module");
  for (const name of ["config", "train", "loadModel", "driftBetween", "driftFromRun", "explain"]) {
    assert.equal(typeof (byPath as Record<string, unknown>)[name], "function", name);
  }
  const text = await Deno.readTextFile(`${ROOT}lib/mod.ts`);
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const statements = code.split(";").map((s) => s.trim()).filter(Boolean);
  for (const s of statements) {
    assert.match(s, /^export (type )?\{[^}]*\} from "\.\/[\w/]+\.ts"$/s, `not a re-export: ${s}`);
  }
});
