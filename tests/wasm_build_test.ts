import assert from "node:assert/strict";
import { join } from "node:path";

Deno.test("the committed kernels.wasm is exactly what its AssemblyScript source builds to", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "kernels.wasm");
  const root = new URL("..", import.meta.url).pathname;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/build_wasm.ts", "--out", out],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const built = await Deno.readFile(out);
  const committed = await Deno.readFile(join(root, "lib/models/gbt/kernel/kernels.wasm"));
  assert.ok(
    built.length === committed.length && built.every((b, i) => b === committed[i]),
    "kernels.wasm is stale: run `deno task build:wasm` and commit the result",
  );
  await Deno.remove(dir, { recursive: true });
});
