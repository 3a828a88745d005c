/**
 * `deno task schedule` as a process: cycles on a 1-second interval on the embedded stream (MLflow's
 * SQLite store in a temp folder), `/healthz` and `/metrics` while it runs, a clean stop on
 * SIGTERM — also in the middle of a retrain — and bad schedules as one line, exit 2.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { probeHealth } from "../lib/monitor/health_probe.ts";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import { runPython } from "./helpers/python.ts";
import { runTask, startTask, trainChampion } from "./helpers/tasks.ts";

const SMALL = ["--samples", "2000", "--cv-folds", "0", "--current-samples", "500"];

async function champion(dir: string): Promise<string> {
  const store = await openTrackingStore({ trackingUri: `sqlite:///${join(dir, "mlflow.db")}` });
  const v = await store.registry!.getModelVersionByAlias("fraud_detection", "champion");
  await store.close();
  return v.version;
}

Deno.test("schedule: a 1-second interval runs cycles, answers /healthz and /metrics, and stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  await trainChampion({ cwd: dir });
  const args = ["--interval", "1", "--port", "0", "--log-format", "json", ...SMALL];
  const s = startTask("schedule", args, { cwd: dir });
  try {
    const started = await s.waitFor(/"message":"schedule started"/);
    const health = /"health":"(http:\/\/[^"]+)\/healthz"/.exec(started)![1]!;
    let text = "";
    for (let i = 0; i < 300; i++) {
      text = await (await fetch(`${health}/metrics`)).text();
      const done = [...text.matchAll(/^monitor_cycles_total\{[^}]*\} (\d+)$/gm)]
        .reduce((n, m) => n + Number(m[1]), 0);
      if (done >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const parsed = await runPython<Record<string, number>>(
      `from prometheus_client.parser import text_string_to_metric_families
out = {}
for fam in text_string_to_metric_families(data["text"]):
    for s in fam.samples:
        out[s.name + "".join(f"[{v}]" for v in s.labels.values())] = s.value`,
      { text },
    );
    assert.ok(parsed["monitor_cycles_total[nothing_to_do]"]! >= 2, text);
    assert.equal(parsed["monitor_champion_version"], Number(await champion(dir)));
    assert.ok(parsed["monitor_champion_roc_auc"]! > 0.9, text);
    assert.equal(parsed["monitor_trigger_fired[drift]"], 0);
    const h = await fetch(`${health}/healthz`);
    assert.equal(h.status, 200);
    const body = await h.json();
    assert.equal(body.status, "ok");
    assert.ok(body.cycles >= 2);
    assert.equal((await fetch(`${health}/nope`)).status, 404);
    const port = Number(new URL(health).port);
    assert.equal((await probeHealth("deno\0task\0schedule", port)).healthy, true);
    assert.match((await probeHealth("deno\0task\0train", 1)).detail, /not the scheduler/);
    const t0 = Date.now();
    s.kill("SIGTERM");
    const end = await s.done;
    assert.equal(end.code, 0, end.stderr);
    assert.ok(Date.now() - t0 < 35_000, "within the 30 s stop bound");
    const lines = end.stderr.trim().split("\n").map((l) => JSON.parse(l));
    const cycles = lines.filter((l) => l.message === "cycle");
    assert.ok(cycles.length >= 2);
    assert.ok(cycles.every((c) => c.decision === "nothing_to_do" && c.exit_code === 0));
    assert.equal(lines.at(-1).message, "schedule stopped");
    assert.equal((await probeHealth("deno\0task\0schedule", port)).healthy, false);
  } finally {
    s.kill();
    await s.done;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("schedule: SIGTERM in the middle of a retrain abandons it within the bound; the champion is as it was and the next cycle runs", async () => {
  const dir = await Deno.makeTempDir();
  await trainChampion({ cwd: dir });
  const before = await champion(dir);
  const busy = [
    "--scenario",
    "new_fraud_pattern",
    "--samples",
    "200000",
    "--current-samples",
    "500",
  ];
  const s = startTask("schedule", [
    "--interval",
    "60",
    "--port",
    "0",
    "--stop-timeout",
    "0.5",
    ...busy,
  ], {
    cwd: dir,
  });
  await s.waitFor(/step step=training/);
  const t0 = Date.now();
  s.kill("SIGTERM");
  const end = await s.done;
  assert.equal(end.code, 0, end.stderr);
  // The bound: --stop-timeout, after the synchronous step the signal arrived in (here the
  // embedded sample of 200k cards, a few seconds on a loaded machine) has ended.
  assert.ok(Date.now() - t0 < 20_000, `stopped in ${Date.now() - t0} ms`);
  assert.match(end.stderr, /WARN {2}cycle abandoned after_seconds=0.5/);
  assert.equal(await champion(dir), before);
  // The abandoned cycle's file lock names a dead process: the next cycle takes it over.
  const next = await runTask("monitor", ["--scenario", "new_fraud_pattern", ...SMALL], {
    cwd: dir,
  });
  assert.ok([10, 11].includes(next.code), next.stderr);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
});

Deno.test("schedule: a bad cron expression, or no schedule at all, is one line and exit 2", async () => {
  const bad = await runTask("schedule", ["--cron", "every tuesday"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.trim(), /^schedule: --cron: .*"every tuesday"/);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  const none = await runTask("schedule", []);
  assert.equal(none.code, 2);
  assert.equal(
    none.stderr.trim(),
    "schedule: --cron: give --cron <expression> or --interval <seconds>, one of them, got nothing",
  );
});
