/**
 * The parts of a monitoring cycle, in-process: the retraining triggers on known shifts of the
 * embedded stream, the data trigger's test against statsmodels, schedules (croner), the cycle
 * metrics as Prometheus text (read back by prometheus_client's parser), and the cycle locks — a
 * file, and a real redis-server.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig } from "../lib/config/schema.ts";
import type { Frame } from "../lib/data/frame.ts";
import { detectDataDrift, type FeatureColumn } from "../lib/drift/data_drift.ts";
import { performanceDrift } from "../lib/drift/model_drift.ts";
import { ConfigError } from "../lib/errors.ts";
import { featuresOf } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { connectRedis } from "../lib/features/redis/client.ts";
import { redisSettings } from "../lib/features/redis/source.ts";
import type { DriftScenario } from "../lib/features/transactions.ts";
import { FRAUD_RULE_SET } from "../lib/labels/fraud_rules.ts";
import { LockHeldError, LockLostError } from "../lib/monitor/cycle_lock.ts";
import { CycleMetrics } from "../lib/monitor/cycle_metrics.ts";
import { acquireFileLock } from "../lib/monitor/file_lock.ts";
import { patternShiftTrigger } from "../lib/monitor/pattern_shift.ts";
import { acquireRedisLock } from "../lib/monitor/redis_lock.ts";
import { nextStart, runSchedule } from "../lib/monitor/schedule.ts";
import { ageTrigger, driftTrigger, performanceTrigger } from "../lib/monitor/triggers.ts";
import { runPython } from "./helpers/python.ts";
import { RedisServer } from "./helpers/redis_server.ts";

const SNAPSHOT = "2024-06-03T03:00:00Z";
const SPECS = featuresOf(["transaction"]);

function sample(seed: number, scenario: DriftScenario = "none", samples = 1000): Frame {
  return embeddedFeatures({ samples, seed, snapshotTime: SNAPSHOT, scenario }).frame;
}

const RULES = { band: 2, minDifference: 0.01, alpha: 0.01, targetRate: 0.02 };

Deno.test("the data trigger names the rule a new fraud pattern sets off, and is quiet on 20 unshifted pairs", () => {
  const shifted = patternShiftTrigger(
    { reference: sample(1), current: sample(2, "new_fraud_pattern") },
    FRAUD_RULE_SET,
    RULES,
  );
  assert.equal(shifted.fired, true, shifted.detail);
  assert.match(shifted.detail, /high_velocity \d[\d.]*% → \d[\d.]*%/);
  assert.ok(shifted.value > 2, `ratio ${shifted.value}`);
  let alarms = 0;
  for (let s = 0; s < 20; s++) {
    const t = patternShiftTrigger(
      { reference: sample(100 + s, "none", 600), current: sample(300 + s) },
      FRAUD_RULE_SET,
      RULES,
    );
    alarms += t.fired ? 1 : 0;
  }
  assert.ok(alarms <= 1, `${alarms} false alarms in 20`);
  // Other shifts leave the rules' rates alone: no "new pattern" for a price change.
  const amounts = patternShiftTrigger(
    { reference: sample(1), current: sample(2, "amount_shift") },
    FRAUD_RULE_SET,
    RULES,
  );
  assert.equal(amounts.fired, false, amounts.detail);
});

Deno.test("the data trigger's p-values equal statsmodels' pooled two-proportion z-test (1e-9)", async () => {
  const reference = sample(5, "none", 700), current = sample(6, "new_fraud_pattern", 900);
  const t = patternShiftTrigger({ reference, current }, FRAUD_RULE_SET, RULES);
  const counts = t.rates.map((r) => [
    Math.round(r.reference * reference.rows),
    Math.round(r.current * current.rows),
  ]);
  const py = await runPython<number[]>(
    `from statsmodels.stats.proportion import proportions_ztest
out = [float(proportions_ztest([a, b], [data["n1"], data["n2"]])[1]) if a + b > 0 else 1.0
       for a, b in data["counts"]]`,
    { counts, n1: reference.rows, n2: current.rows },
  );
  t.rates.forEach((r, i) =>
    assert.ok(Math.abs(r.pValue - py[i]!) < 1e-9, `${r.name}: ${r.pValue} vs ${py[i]}`)
  );
});

Deno.test("the drift trigger fires on features the model leans on, and not on the same stream", () => {
  const columns = (f: Frame): FeatureColumn[] =>
    SPECS.map((s) => ({ name: s.name, kind: s.kind, values: f.column(s.name) }));
  const importance = Object.fromEntries(SPECS.map((s) => [s.name, 1 / SPECS.length]));
  const rules = { severity: "medium", importanceShare: 0.3 } as const;
  const shifted = driftTrigger(
    detectDataDrift(columns(sample(11)), columns(sample(12, "new_fraud_pattern")), { importance }),
    rules,
  );
  assert.equal(shifted.fired, true, shifted.detail);
  assert.match(shifted.detail, /txn_count_5m \(high\)/);
  const same = driftTrigger(
    detectDataDrift(columns(sample(11)), columns(sample(13)), { importance }),
    rules,
  );
  assert.equal(same.fired, false, same.detail);
  assert.ok(same.value < 0.3);
  // Only unimportant features moved: the amounts shift moves amounts; weigh them at zero.
  const noAmounts = Object.fromEntries(
    SPECS.map((s) => [s.name, s.name.startsWith("amount") ? 0 : 1 / SPECS.length]),
  );
  const ignored = driftTrigger(
    detectDataDrift(columns(sample(11)), columns(sample(12, "amount_shift")), {
      importance: noAmounts,
    }),
    rules,
  );
  assert.equal(ignored.fired, false, ignored.detail);
});

Deno.test("the performance and age triggers fire at their thresholds, inclusive", () => {
  const labels = [0, 0, 1, 1], good = [0.1, 0.2, 0.8, 0.9], bad = [0.9, 0.2, 0.8, 0.1];
  const reference = { roc_auc: 0.9, precision: 1, recall: 1, f1: 1 };
  const perf = (scores: number[]) =>
    performanceTrigger(performanceDrift(reference, { labels, scores }, { threshold: 0.5 }), {
      metric: "roc_auc",
      margin: 0.05,
    });
  assert.equal(perf(good).fired, false);
  assert.equal(perf(bad).fired, true);
  assert.equal(perf(bad).value, 0.25);
  assert.ok(Math.abs(perf(bad).threshold - 0.85) < 1e-12);
  const now = Date.UTC(2026, 0, 8);
  assert.equal(ageTrigger(now - 168 * 3_600_000, 168, now).fired, true);
  assert.equal(ageTrigger(now - 167 * 3_600_000, 168, now).fired, false);
  assert.equal(ageTrigger(0, 0, now).fired, false, "0 turns it off");
});

Deno.test("a cron expression gives the next start (croner), an interval adds seconds, a bad one is one config line", () => {
  const cron = nextStart({ cron: "*/15 * * * *" });
  assert.equal(cron(new Date("2026-11-29T10:07:30Z"))!.getTime() % (15 * 60_000), 0);
  assert.ok(cron(new Date("2026-11-29T10:07:30Z"))!.getTime() > Date.parse("2026-11-29T10:07:30Z"));
  assert.equal(nextStart({ intervalSeconds: 2 })(new Date(1000))?.getTime(), 3000);
  assert.throws(() => nextStart({ cron: "every tuesday" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.problems.length, 1);
    assert.match(e.problems[0]!, /^--cron: .*every tuesday/);
    return true;
  });
  assert.throws(() => nextStart({}), ConfigError);
});

Deno.test("the schedule runs one cycle at a time, catches up after an overrun, and stops on abort", async () => {
  let running = 0, overlap = 0, cycles = 0;
  const stop = new AbortController();
  const ran = await runSchedule({
    spec: { intervalSeconds: 0.02 },
    signal: stop.signal,
    cycle: async () => {
      running++;
      overlap = Math.max(overlap, running);
      await new Promise((r) => setTimeout(r, 50)); // longer than the interval
      running--;
      if (++cycles === 4) stop.abort();
    },
  });
  assert.equal(ran, 4);
  assert.equal(overlap, 1);
  const capped = await runSchedule({
    spec: { intervalSeconds: 0.01 },
    signal: new AbortController().signal,
    maxCycles: 3,
    cycle: () => Promise.resolve(),
  });
  assert.equal(capped, 3);
});

Deno.test("the cycle metrics are Prometheus text that prometheus_client parses, with the last cycle's values", async () => {
  const m = new CycleMetrics();
  m.record({
    decision: "promoted",
    championAfter: "7",
    driftedShare: 0.25,
    championCurrentAuc: 0.93,
    triggers: [{ name: "drift", fired: true }, { name: "age", fired: false }],
  }, 1500);
  m.record({ decision: "failed" }, 10);
  const parsed = await runPython<Record<string, number>>(
    `from prometheus_client.parser import text_string_to_metric_families
out = {}
for fam in text_string_to_metric_families(data["text"]):
    for s in fam.samples:
        key = s.name + "".join(f"[{k}={v}]" for k, v in sorted(s.labels.items()))
        out[key] = s.value`,
    { text: m.toPrometheus() },
  );
  assert.equal(parsed["monitor_cycles_total[decision=promoted]"], 1);
  assert.equal(parsed["monitor_cycles_total[decision=failed]"], 1);
  assert.equal(parsed["monitor_last_decision[decision=failed]"], 1);
  assert.equal(parsed["monitor_up"], 1);
  assert.equal(m.health().healthy, true);
  m.record({ decision: "failed" }, 10);
  m.record({ decision: "failed" }, 10);
  assert.equal(m.health().healthy, false, "three failures in a row");
  const ok = new CycleMetrics();
  ok.record({
    decision: "promoted",
    championAfter: "7",
    driftedShare: 0.25,
    championCurrentAuc: 0.93,
  }, 1);
  const last = await runPython<Record<string, number>>(
    `from prometheus_client.parser import text_string_to_metric_families
out = {s.name: s.value for fam in text_string_to_metric_families(data["text"]) for s in fam.samples}`,
    { text: ok.toPrometheus() },
  );
  assert.equal(last["monitor_champion_version"], 7);
  assert.equal(last["monitor_drifted_share"], 0.25);
  assert.equal(last["monitor_champion_roc_auc"], 0.93);
});

Deno.test("the file lock: a live holder in another process is refused by name; its lock is free once it is killed; tokens grow; a replaced file is not ours", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "sub", "monitor.lock");
  const script = join(dir, "hold.ts");
  await Deno.writeTextFile(
    script,
    `import { acquireFileLock } from "${new URL("../lib/monitor/file_lock.ts", import.meta.url)}";
await acquireFileLock(${JSON.stringify(path)});
console.log("held");
await new Promise((r) => setTimeout(r, 60_000));`,
  );
  // The tasks' permissions (no --allow-run, no /proc): the OS lock needs neither.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "--allow-sys", script],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await reader.read()).value ?? "", /held/);
  await assert.rejects(acquireFileLock(path), (e: unknown) => {
    assert.ok(e instanceof LockHeldError);
    assert.match(e.message, new RegExp(`:${child.pid} since .*token 1`));
    return true;
  });
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  const b = await acquireFileLock(path);
  assert.equal(b.token, 2, "a killed holder frees the lock at once");
  await assert.rejects(acquireFileLock(path), LockHeldError, "one holder per process too");
  await b.renew();
  await b.release();
  await b.release(); // twice is a no-op
  const c = await acquireFileLock(path);
  assert.equal(c.token, 3);
  await Deno.remove(path); // someone deleted it: another cycle could lock a new file
  assert.equal(await c.stillHeld(), false);
  await assert.rejects(c.renew(), LockLostError);
  await c.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the Redis lock: refused while held (holder and token named), free after its TTL, never renewed or released by a loser", async () => {
  const server = await RedisServer.start();
  const config = defaultConfig();
  const redis = connectRedis(
    redisSettings({ ...config.data.redis, host: "127.0.0.1", port: server.port }),
  );
  try {
    const a = await acquireRedisLock(redis, "monitor:lock:m", 300);
    await assert.rejects(acquireRedisLock(redis, "monitor:lock:m", 300), (e: unknown) => {
      assert.ok(e instanceof LockHeldError);
      assert.match(
        e.message,
        new RegExp(`monitor:lock:m on Redis .*:${Deno.pid} since .*token ${a.token}`),
      );
      return true;
    });
    await a.renew();
    await new Promise((r) => setTimeout(r, 400)); // expires: its holder "crashed"
    const b = await acquireRedisLock(redis, "monitor:lock:m", 60_000);
    assert.ok(b.token > a.token, "fencing tokens grow");
    await assert.rejects(a.renew(), LockLostError);
    assert.equal(await a.stillHeld(), false);
    await a.release(); // must not free b's lock
    assert.equal(await b.stillHeld(), true);
    assert.match(await server.cli(["GET", "monitor:lock:m"]), new RegExp(`^${b.token}\\|`));
    await b.release();
    assert.equal(await server.cli(["EXISTS", "monitor:lock:m"]), "0");
  } finally {
    await redis.close();
    await server.stop();
  }
});
