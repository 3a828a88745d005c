import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** The repository's files as a clone would have them (tracked and new, ignored ones left out). */
async function copyCheckout(to: string): Promise<void> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
  for (const f of files) {
    const stat = await Deno.stat(join(ROOT, f)).catch(() => null);
    if (!stat?.isFile) continue; // deleted in the work tree
    await Deno.mkdir(join(to, f, ".."), { recursive: true });
    await Deno.copyFile(join(ROOT, f), join(to, f));
  }
}

Deno.test("deno task notebooks passes on a fresh clone: no .venv, no kernelspec, no home", async () => {
  const dir = await Deno.makeTempDir();
  const clone = join(dir, "clone"), home = join(dir, "home");
  await copyCheckout(clone);
  await Deno.mkdir(home);
  const denoDir = JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
        .output()).stdout,
    ),
  ).denoDir as string;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "notebooks"],
    cwd: clone,
    env: {
      // A machine that never ran Jupyter: an empty home (no ~/.local/share/jupyter kernelspec).
      HOME: home,
      // Caches only, so the test does not download what this machine already fetched.
      DENO_DIR: denoDir,
      PIP_CACHE_DIR: Deno.env.get("PIP_CACHE_DIR") ?? join(Deno.env.get("HOME")!, ".cache/pip"),
      NB_SAMPLES: "2000",
      NB_CURRENT_SAMPLES: "500",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, stderr.slice(-3000));
  assert.match(stderr, /installing requirements-dev\.txt into \.venv/);
  for (const nb of ["01_features", "02_training", "03_drift"]) {
    const executed = JSON.parse(
      await Deno.readTextFile(join(clone, "output/notebooks", `${nb}.ipynb`)),
    );
    assert.ok(executed.cells.some((c: { outputs?: unknown[] }) => (c.outputs ?? []).length > 0));
  }
  await Deno.remove(dir, { recursive: true });
});
