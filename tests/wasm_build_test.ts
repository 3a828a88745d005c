import assert from "node:assert/strict";
import { join } from "node:path";

Deno.test("the committed kernels.wasm, kernels_unshared.wasm and pages.wasm are exactly what their AssemblyScript sources build to", async () => {
  const dir = await Deno.makeTempDir();
  const root = new URL("..", import.meta.url).pathname;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/build_wasm.ts", "--out", dir],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const committedFiles = [
    "lib/models/gbt/kernel/kernels.wasm",
    "lib/models/gbt/kernel/kernels_unshared.wasm",
    "lib/data/kernel/pages.wasm",
  ];
  for (const committed of committedFiles) {
    const name = committed.split("/").at(-1)!;
    const built = await Deno.readFile(join(dir, name));
    const want = await Deno.readFile(join(root, committed));
    assert.ok(
      built.length === want.length && built.every((b, i) => b === want[i]),
      `${name} is stale: run \`deno task build:wasm\` and commit the result`,
    );
  }
  await Deno.remove(dir, { recursive: true });
});
