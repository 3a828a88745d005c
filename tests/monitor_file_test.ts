/**
 * A monitoring cycle over labeled files (real labels, no labeler): a champion trained on one file,
 * a current file from the same stream (nothing to do) and one with a new fraud pattern (drift and
 * data fire, a challenger is trained on it) — with the embedded default store in a temp folder.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { toCsv } from "../lib/data/csv.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import type { DriftScenario } from "../lib/features/transactions.ts";
import { FRAUD_RULE_SET } from "../lib/labels/fraud_rules.ts";
import { labelByRules } from "../lib/labels/rule_labeler.ts";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import { runTask, startTask, trainChampion } from "./helpers/tasks.ts";

async function labeledFile(path: string, seed: number, scenario: DriftScenario): Promise<void> {
  const f = embeddedFeatures({
    samples: 4000,
    seed,
    snapshotTime: "2024-06-03T03:00:00Z",
    scenario,
  });
  const y = labelByRules(f.frame, FRAUD_RULE_SET, { targetRate: 0.02, seed }).labels;
  const cols: [string, ArrayLike<number>][] = f.frame.names.map((n) => [n, f.frame.column(n)]);
  await Deno.writeTextFile(path, toCsv([...cols, ["label", Float64Array.from(y)]]));
}

Deno.test("monitor over labeled files: the same stream is nothing to do; a new fraud pattern fires drift and data and trains a challenger", async () => {
  const dir = await Deno.makeTempDir();
  await labeledFile(join(dir, "june.csv"), 1, "none");
  await labeledFile(join(dir, "july.csv"), 2, "new_fraud_pattern");
  const file = (name: string) => ["--source", "file", "--input", name, "--label", "label"];
  const trained = await runTask("train", [
    ...file("june.csv"),
    "--cv-folds",
    "0",
    "--register",
    "fraud_detection",
    "--alias",
    "champion",
  ], { cwd: dir });
  assert.equal(trained.code, 0, trained.stderr);
  const same = await runTask("monitor", [...file("june.csv"), "--cv-folds", "0"], { cwd: dir });
  assert.equal(same.code, 0, same.stderr);
  const shifted = await runTask("monitor", [...file("july.csv"), "--cv-folds", "0"], { cwd: dir });
  assert.ok([10, 11].includes(shifted.code), shifted.stderr);
  const line = JSON.parse(shifted.stdout.trim());
  const fired = line.triggers.filter((t: { fired: boolean }) => t.fired).map((
    t: { name: string },
  ) => t.name);
  assert.deepEqual(fired, ["drift", "data"]);
  assert.equal(line.challenger, "2");
  assert.match(line.reason, /high_velocity/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the file lock between processes: of two cycles at once one exits 12 naming the other; a champion fenced by a newer cycle's token does not move", async () => {
  const dir = await Deno.makeTempDir();
  await trainChampion({ cwd: dir });
  const cycle = ["--scenario", "new_fraud_pattern", "--samples", "20000", "--cv-folds", "0"];
  const [a, b] = [
    startTask("monitor", cycle, { cwd: dir }),
    startTask("monitor", cycle, { cwd: dir }),
  ];
  const [ra, rb] = await Promise.all([a.done, b.done]);
  const [winner, loser] = ra.code === 12 ? [b, ra] : [a, rb];
  assert.equal(loser.code, 12, `${ra.stderr}\n${rb.stderr}`);
  assert.match(JSON.parse(loser.stdout).holder, new RegExp(`:${winner.pid} since `));
  assert.match(loser.stderr, /^monitor: another cycle holds the lock output\/monitor\.lock: /m);
  await Deno.stat(join(dir, "output", "monitor.lock")); // under the ignored output folder
  // A newer cycle's token on the champion (as after a lost lock): this cycle must not promote.
  const reset = await runTask("promote", ["--name", "fraud_detection", "--version", "1"], {
    cwd: dir,
  });
  assert.equal(reset.code, 0, reset.stderr);
  const store = await openTrackingStore({ trackingUri: `sqlite:///${join(dir, "mlflow.db")}` });
  const before = await store.registry!.getModelVersionByAlias("fraud_detection", "champion");
  await store.registry!.setModelVersionTags("fraud_detection", before.version, {
    "monitor.lock": "file:999",
  });
  const fenced = await runTask("monitor", [...cycle, "--samples", "3000"], { cwd: dir });
  assert.equal(fenced.code, 12, fenced.stderr);
  assert.match(JSON.parse(fenced.stdout).reason, /a newer cycle promoted/);
  const after = await store.registry!.getModelVersionByAlias("fraud_detection", "champion");
  assert.equal(after.version, before.version);
  await store.close();
  await Deno.remove(dir, { recursive: true });
});
