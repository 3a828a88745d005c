import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** The deno.json task → script pairs (tasks that run one script of tasks/). */
async function declaredTasks(): Promise<Array<[string, string]>> {
  const json = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  return Object.entries(json.tasks as Record<string, { command: string }>).flatMap(([name, t]) => {
    if (/deno (test|task) /.test(t.command)) return []; // gates and groups, not scripts
    const m = /\btasks\/(\w+)\.ts\b/.exec(t.command);
    return m ? [[name, m[1]!] as [string, string]] : [];
  });
}

Deno.test("every task answers --help with its usage, flags and exit 0", async () => {
  const tasks = await declaredTasks();
  assert.ok(tasks.length >= 13, `tasks: ${tasks.map(([n]) => n)}`);
  await Promise.all(tasks.map(async ([name, script]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "tasks", `${script}.ts`), "--help"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `${name}: ${new TextDecoder().decode(out.stderr)}`);
    assert.match(text, /\nUsage:\n {2}deno task /, `${name} shows its usage`);
    assert.match(text, /--help, -h/, name);
    for (const line of text.split("\n")) {
      assert.doesNotMatch(line, /\(default [^)]*\).*\(default /, `${name}: a default said twice`);
    }
    const { TASK } = await import(join(ROOT, "tasks", `${script}.ts`));
    assert.equal(TASK.name, name, `tasks/${script}.ts declares the deno.json task ${name}`);
    for (const f of TASK.flags) {
      assert.ok(text.includes(`--${f.flag}`), `${name}: --${f.flag} in help`);
    }
    if (TASK.config) assert.match(text, /MLFLOW_TRACKING_URI/, `${name} lists the environment`);
    if (["predict", "explain", "export-onnx", "serve"].includes(name)) {
      assert.match(text, /models:\/<name>@<alias>/, `${name} says it takes a registered model`);
    }
  }));
});

Deno.test("every deno.json entry answers `deno task <name> --help` with its own text and runs nothing else", async () => {
  const json = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const entries = Object.entries(json.tasks as Record<string, { command: string }>);
  for (const [name, t] of entries) {
    // One script per entry: `deno task x --help` hands --help to it, and to nothing before it.
    assert.match(t.command, /^deno run [^&|;]* tasks\/\w+\.ts$/, `${name}: ${t.command}`);
  }
  const help = async (name: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", name, "--help"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const [stdout, stderr] = [
      new TextDecoder().decode(out.stdout),
      new TextDecoder().decode(out.stderr),
    ];
    assert.equal(out.code, 0, `${name}: ${stderr}`);
    assert.match(stdout, new RegExp(`\\nUsage:\\n {2}deno task ${name}\\b`), `${name}: ${stdout}`);
    assert.equal(stderr.trim(), "", `${name} --help printed only its help`);
  };
  for (let i = 0; i < entries.length; i += 6) {
    await Promise.all(entries.slice(i, i + 6).map(([name]) => help(name)));
  }
});
