import assert from "node:assert/strict";
import { readConfigFile } from "../lib/config/config_file.ts";
import { envLayer, fileLayer, redact, resolveConfig } from "../lib/config/load.ts";
import { defaultConfig } from "../lib/config/schema.ts";
import { parseTaskArgs, resolveTask } from "../lib/config/resolve_task.ts";
import { TASK as TRAIN } from "../tasks/train.ts";
import { ConfigError } from "../lib/errors.ts";

const parseTrainArgs = (argv: string[]) => parseTaskArgs(TRAIN, argv);

async function taskProblems(argv: string[]): Promise<string[]> {
  try {
    await resolveTask(TRAIN, argv, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return [...error.problems];
  }
  assert.fail("expected a ConfigError");
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return [...error.problems];
  }
  assert.fail("expected a ConfigError");
}

Deno.test("defaults: embedded source, xgboost, 10k samples, 5 folds, 2% fraud", () => {
  const c = defaultConfig();
  assert.equal(c.data.source, "embedded");
  assert.equal(c.model.type, "xgboost");
  assert.equal(c.data.maxSamples, 10_000);
  assert.equal(c.data.cvFolds, 5);
  assert.equal(c.data.positiveRate, 0.02);
  assert.equal(c.seed, 42);
  assert.deepEqual(c.featureViews, ["transaction"]);
});

Deno.test("precedence: defaults < config file < env < CLI flags", () => {
  const file = fileLayer(
    { seed: 1, data: { cvFolds: 3, testSize: 0.3, positiveRate: 0.05 } },
    "c.json",
  );
  const env = envLayer({
    POSITIVE_RATE: "0.04",
    REDIS_PORT: "6380",
    MODEL_TYPE: "logistic_regression",
  });
  const cli = parseTrainArgs(["--cv-folds", "4", "--seed", "9"]).layer;
  const c = resolveConfig([file, env, cli]);
  assert.equal(c.seed, 9); // flag beats file
  assert.equal(c.data.cvFolds, 4); // flag beats file
  assert.equal(c.data.testSize, 0.3); // file beats default
  assert.equal(c.data.positiveRate, 0.04); // env beats file
  assert.equal(c.data.redis.port, 6380); // env, converted to a number
  assert.equal(c.data.maxSamples, 10_000); // default stays
  const cli2 = parseTrainArgs(["--positive-rate", "0.03"]).layer;
  assert.equal(resolveConfig([file, env, cli2]).data.positiveRate, 0.03); // flag beats env
});

Deno.test("a bad value gives one line naming the path, the value found and its origin", () => {
  const lines = problems(() =>
    resolveConfig([
      envLayer({ REDIS_PORT: "abc" }),
      parseTrainArgs(["--cv-folds", "1", "--test-size", "1.5", "--model-type", "svm"]).layer,
    ])
  );
  assert.equal(lines.length, 4, lines.join("\n"));
  assert.ok(
    lines.includes('data.redis.port: must be a number, got "abc" (from env REDIS_PORT)'),
    lines.join("\n"),
  );
  assert.ok(
    lines.includes("data.cvFolds: must be 0 (no CV) or ≥ 2, got 1 (from --cv-folds)"),
    lines.join("\n"),
  );
  assert.ok(
    lines.includes("data.testSize: must be < 1, got 1.5 (from --test-size)"),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) =>
      l.startsWith(
        "model.type: must be one of xgboost, lightgbm, random_forest, logistic_regression",
      ) && l.includes('got "svm"')
    ),
    lines.join("\n"),
  );
});

Deno.test("unknown config-file keys and unknown feature views are reported by path", () => {
  const lines = problems(() =>
    resolveConfig([fileLayer({ data: { maxSample: 5 }, featureViews: ["nope"] }, "cfg.json")])
  );
  assert.deepEqual(
    lines.sort(),
    [
      'featureViews.0: must be a known feature view (transaction, clickstream), got "nope" (from cfg.json)',
      "data.maxSample: unknown setting (from cfg.json)",
    ].sort(),
  );
});

Deno.test("secrets never appear in config errors or redacted snapshots", () => {
  const lines = problems(() =>
    resolveConfig([fileLayer({ data: { redis: { password: 12345678 } } }, "c.json")])
  );
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes("12345678"), String(lines[0]));
  const c = resolveConfig([envLayer({ REDIS_PASSWORD: "hunter2-secret" })]);
  assert.equal(c.data.redis.password, "hunter2-secret");
  assert.ok(!JSON.stringify(redact(c)).includes("hunter2-secret"));
});

Deno.test("unknown flags, a malformed --param and a bad --log-format are config errors", async () => {
  assert.ok(problems(() => parseTrainArgs(["--nope"]))[0]!.includes("nope"));
  assert.deepEqual(await taskProblems(["--param", "C"]), [
    '--param: expected <name>=<value>, got "C"',
  ]);
  assert.deepEqual(await taskProblems(["--log-format", "xml"]), [
    '--log-format: must be one of human, json, got "xml"',
  ]);
});

Deno.test("--param sets model parameters with numbers and booleans typed", () => {
  const c = resolveConfig([
    parseTrainArgs(["--param", "C=0.5", "--param", "classWeight=balanced"]).layer,
  ]);
  assert.deepEqual(c.model.params, { C: 0.5, classWeight: "balanced" });
});

Deno.test("readConfigFile reports a missing file and invalid JSON as one line each", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(readConfigFile(`${dir}/none.json`), (e: ConfigError) => {
    assert.match(e.problems[0]!, /^config file: cannot read ".*none.json": no such file$/);
    return true;
  });
  await Deno.writeTextFile(`${dir}/bad.json`, "{ nope");
  await assert.rejects(readConfigFile(`${dir}/bad.json`), (e: ConfigError) => {
    assert.match(e.problems[0]!, /is not valid JSON/);
    return true;
  });
  await Deno.writeTextFile(`${dir}/ok.json`, JSON.stringify({ data: { maxSamples: 500 } }));
  const layer = await readConfigFile(`${dir}/ok.json`);
  assert.equal(resolveConfig([layer]).data.maxSamples, 500);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the example config in data/ is valid and equals the defaults", async () => {
  const path = new URL("../data/config.example.json", import.meta.url).pathname;
  const c = resolveConfig([await readConfigFile(path)]);
  const d = defaultConfig();
  assert.deepEqual({ ...c, model: { ...c.model, params: {} } }, d);
  assert.deepEqual(c.model.params, { max_depth: 6, eta: 0.3, num_boost_round: 100 });
});
