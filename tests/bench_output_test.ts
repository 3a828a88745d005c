import assert from "node:assert/strict";
import { join } from "node:path";
import ts from "typescript";
import {
  atLeast,
  below,
  formatSpeed,
  goalCheck,
  goalOutcome,
  goalSummary,
  speedFromRates,
  speedFromSeconds,
  speedHeader,
  speedLegend,
  speedSentence,
} from "../tasks/bench/_ratio.ts";
import { BENCHMARKS, TASK as BENCH } from "../tasks/bench.ts";
import { runBenchmarks } from "../tasks/bench/_run_all.ts";
import { formatTrainBench, type TrainBenchRow } from "../tasks/bench/train_bench.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("a speed is the peer's time over ours, or our rate over the peer's: > 1 = ours faster", () => {
  assert.equal(speedFromSeconds(2, 4), 2, "ours 2 s, the peer 4 s: ours twice as fast");
  assert.equal(speedFromSeconds(4, 2), 0.5);
  assert.equal(speedFromRates(300, 100), 3, "ours 300/s, the peer 100/s");
  assert.ok(Number.isNaN(speedFromSeconds(0, 1)) && Number.isNaN(speedFromRates(NaN, 1)));
  assert.equal(formatSpeed(2.7), "2.70×");
  assert.equal(formatSpeed(NaN), "-");
  // Cut, not rounded: a speed just under a goal never prints at it.
  assert.equal(formatSpeed(0.41 / 0.3285), "1.24×", "1.2481…: under the goal of 1.25×");
  assert.equal(formatSpeed(1.25), "1.25×");
  assert.equal(formatSpeed(0.29), "0.29×", "0.29 is stored as 0.28999…");
  assert.equal(formatSpeed(1.999), "1.99×");
  assert.equal(
    speedSentence("scipy", 2.7),
    "speed vs scipy: 2.70× (higher is better; > 1 = ours faster)",
  );
  assert.equal(speedHeader("xgboost"), "speed vs xgboost (higher is better)");
  assert.equal(
    speedLegend("pyarrow"),
    "speed vs pyarrow = pyarrow's time / ours (higher is better; > 1 = ours faster)",
  );
});

Deno.test("a goal prints what it asks and met, MISSED or not measured", () => {
  const goal = atLeast(1.2);
  assert.equal(goalCheck(1.2, goal), "goal ≥ 1.20×: met");
  assert.equal(goalCheck(1.19, goal), "goal ≥ 1.20×: MISSED");
  assert.equal(goalCheck(NaN, goal), "goal ≥ 1.20×: not measured");
  const seconds = below(0.05, { format: (s) => `${s.toFixed(3)} s` });
  assert.equal(goalCheck(0.04, seconds), "goal < 0.050 s: met");
  assert.equal(goalOutcome(0.05, seconds), "MISSED");
  assert.equal(goalSummary([{ what: "a", value: 2, goal }]), "goals: 1 of 1 met");
  assert.equal(
    goalSummary([
      { what: "1 thread", value: 2, goal },
      { what: "2 threads", value: 1.1, goal },
      { what: "cluster", value: NaN, goal },
    ]),
    "goals: 1 of 3 met — MISSED: 2 threads — not measured: cluster",
  );
});

Deno.test("bench:train's table states speed vs the fastest peer and marks a missed goal", () => {
  const t = (seconds: number, auc = 0.9) => ({ seconds, mb: 100, auc });
  const rows: TrainBenchRow[] = [
    {
      rows: 1000,
      data: "plain",
      mode: "depthwise",
      threads: 1,
      ours: t(1),
      peers: { xgboost: t(2) },
      dataMb: 50,
    },
    {
      rows: 1000,
      data: "weighted",
      mode: "leafwise",
      threads: 2,
      ours: t(2),
      peers: { lightgbm: t(1), xgboost: t(3) },
      dataMb: 50,
    },
  ];
  const measured = new Date("2026-12-07T03:04:05Z");
  const text = formatTrainBench(rows, { features: 30, rounds: 10, repeats: 1, measured });
  assert.match(text, /^bench:train, measured 2026-12-07 03:04 UTC\n/, "the table's date");
  assert.match(text, /speed vs fastest peer \(higher is better\)/);
  assert.match(text, /2\.00×\s+goal ≥ 1\.25×: met/, "ours twice as fast as xgboost");
  assert.match(text, /0\.50×\s+goal ≥ 1\.25×: MISSED/, "ours half LightGBM's speed");
  assert.match(text, /goals: 1 of 2 met — MISSED: 1000 rows weighted, leafwise, 2 thread\(s\)/);
  assert.match(text, /lower is better/, "the memory ratio states its direction");
  assert.doesNotMatch(text, /ours \//);
});

/** The benchmark sources: tasks/bench*.ts and tasks/bench/*.ts. */
async function benchSources(): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, "tasks"))) {
    if (e.isFile && /^bench.*\.ts$/.test(e.name)) out.push(`tasks/${e.name}`);
  }
  for await (const e of Deno.readDir(join(ROOT, "tasks/bench"))) {
    if (e.isFile && e.name.endsWith(".ts")) out.push(`tasks/bench/${e.name}`);
  }
  return out.sort();
}

/** The text of every string literal and template part of a file (what it can print). */
function printedText(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) out.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `(a / b).toFixed(…)` where neither side is a constant: a ratio printed by hand. */
function handRatios(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const constant = (n: ts.Expression): boolean =>
    ts.isNumericLiteral(n) || (ts.isBinaryExpression(n) && constant(n.left) && constant(n.right));
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isPropertyAccessExpression(node) && node.name.text === "toFixed" &&
      ts.isParenthesizedExpression(node.expression) &&
      ts.isBinaryExpression(node.expression.expression) &&
      node.expression.expression.operatorToken.kind === ts.SyntaxKind.SlashToken &&
      !constant(node.expression.expression.right)
    ) {
      out.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

Deno.test("every benchmark states speeds and goals through tasks/bench/_ratio.ts, none by hand", async () => {
  const files = await benchSources();
  const reports = files.filter((f) => /^tasks\/bench\/\w+_bench\.ts$/.test(f));
  assert.equal(reports.length, 10, `benchmark modules: ${reports}`);
  const problems: string[] = [];
  for (const file of files) {
    if (file === "tasks/bench/_ratio.ts") continue;
    const text = await Deno.readTextFile(join(ROOT, file));
    const uses = /from "\.\.?\/(bench\/)?_ratio\.ts"/.test(text);
    if ((reports.includes(file) || /^tasks\/bench_\w+\.ts$/.test(file)) && !uses) {
      problems.push(`${file}: does not use tasks/bench/_ratio.ts`);
    }
    for (const s of printedText(file, text)) {
      // "ours / peer" wording, a ratio named as such, a goal sign or outcome written by hand.
      const m = /ours\s*\/|\bratios?\b|[≥≤]|MISSED|\bis the goal\b/i.exec(s);
      if (m) problems.push(`${file}: prints "${m[0]}" by hand in ${JSON.stringify(s)}`);
    }
    problems.push(...handRatios(file, text).map((at) => `${at}: (a / b).toFixed — a raw ratio`));
  }
  assert.deepEqual(problems, []);
});

Deno.test("tasks/bench.ts runs every bench:* task of deno.json, in the old chain's order (bench:features before bench:load)", async () => {
  const names = BENCHMARKS.map((b) => b.name);
  const tasks = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks as Record<
    string,
    { command: string }
  >;
  assert.deepEqual(
    [...names].sort(),
    Object.keys(tasks).filter((n) => n.startsWith("bench:")).sort(),
  );
  assert.deepEqual(names, [
    "bench:train",
    "bench:predict",
    "bench:explain",
    "bench:tune",
    "bench:drift",
    "bench:redis",
    "bench:serve",
    "bench:features",
    "bench:load",
    "bench:dask",
  ]);
  const chain = [...tasks.bench!.command.matchAll(/deno task (bench:[\w-]+)/g)].map((m) => m[1]);
  if (chain.length) {
    assert.deepEqual(chain, names, "deno.json's chain, until it runs tasks/bench.ts");
  } else assert.match(tasks.bench!.command, /tasks\/bench\.ts/);
});

Deno.test("deno task bench stops at the first failing benchmark and exits with its code", async () => {
  const ran: string[] = [];
  const codes: Record<string, number> = { b: 3 };
  const error = console.error;
  const said: string[] = [];
  console.error = (line: string) => said.push(line);
  try {
    const run = (n: string) => (ran.push(n), Promise.resolve(codes[n] ?? 0));
    assert.equal(await runBenchmarks(["a", "b", "c"], run), 3);
    assert.deepEqual(ran, ["a", "b"]);
    assert.deepEqual(said, ["bench: b failed (exit code 3); not run: c"]);
    ran.length = 0;
    assert.equal(await runBenchmarks(["a", "c"], run), 0);
    assert.deepEqual(ran, ["a", "c"]);
  } finally {
    console.error = error;
  }
});

Deno.test("every tasks/bench*.ts answers --help quickly, exit 0, starting nothing", async () => {
  const scripts = (await benchSources()).filter((f) => /^tasks\/bench[^/]*\.ts$/.test(f));
  assert.equal(scripts.length, 11, `scripts: ${scripts}`);
  await Promise.all(scripts.map(async (script) => {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, script), "--help"],
      cwd: ROOT,
      // No python, redis-server, wrk or redis-benchmark on the PATH: a service started fails.
      env: { NO_COLOR: "1", PATH: "/nonexistent" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    const text = new TextDecoder().decode(out.stdout), err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `${script}: ${err}`);
    assert.equal(err, "", `${script} wrote to stderr (a benchmark or task started?)`);
    assert.ok(seconds < 30, `${script} --help took ${seconds.toFixed(1)} s`);
    const { TASK } = await import(join(ROOT, script));
    assert.ok(text.startsWith(`${TASK.summary}\n\nUsage:\n  deno task ${TASK.name}`), script);
    assert.match(text, /--help, -h/, script);
    if (TASK.name !== "bench:tune") {
      assert.match(text, /speed vs <peer>/, `${script}: the direction`);
    }
  }));
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "tasks/bench.ts"), "--help"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const help = new TextDecoder().decode(stdout);
  for (const b of BENCHMARKS) {
    const escaped = b.summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    assert.match(help, new RegExp(`^  ${b.name} +${escaped}`, "m"));
  }
  assert.equal(BENCH.flags.length, 0);
});
