import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { FRAUD_RULE_SET, FRAUD_RULES } from "../lib/labels/fraud_rules.ts";
import { labelByRules } from "../lib/labels/rule_labeler.ts";
import { scoreRules } from "../lib/labels/rules.ts";

const names = TRANSACTION_VIEW.features.map((f) => f.name);
const BASE: Record<string, number> = {
  txn_count_5m: 1,
  txn_count_30m: 1,
  txn_count_24h: 3,
  amount_sum_5m: 40,
  amount_avg_5m: 40,
  amount_max_5m: 40,
  amount_std_5m: 0,
  unique_countries_5m: 1,
  geo_diversity_score: 1 / 3,
  time_since_last_txn_min: 60,
  is_weekend: 0,
  hour_of_day: 14,
  velocity_score: 0.2,
  high_risk_txn_ratio: 0,
  is_high_velocity: 0,
  is_geo_diverse: 0,
  has_high_risk_mcc: 0,
};

function frameOf(rows: Array<Record<string, number>>): Frame {
  return new Frame(names, names.map((n) => Float64Array.from(rows, (r) => r[n] ?? BASE[n]!)));
}

Deno.test("each rule fires on its own condition with its weight, and only there", () => {
  const rows = [
    {}, // nothing fires
    { velocity_score: 0.9, txn_count_5m: 6 }, // high_velocity 0.4
    { velocity_score: 0.9, txn_count_5m: 5 }, // txn_count_5m not > 5
    { geo_diversity_score: 1, unique_countries_5m: 3 }, // geo 0.3
    { geo_diversity_score: 0.7, unique_countries_5m: 3 }, // 0.7 not > 0.7
    { has_high_risk_mcc: 1, amount_avg_5m: 501 }, // risky 0.2
    { has_high_risk_mcc: 1, amount_avg_5m: 500 }, // not > 500
    { is_weekend: 1, hour_of_day: 5 }, // weekend night 0.1
    { is_weekend: 1, hour_of_day: 6 }, // 6 is not < 6
    { amount_max_5m: 1000.01, txn_count_5m: 1 }, // large single 0.3
    { amount_max_5m: 1500, txn_count_5m: 2 }, // not a single txn
    {
      velocity_score: 1,
      txn_count_5m: 8,
      geo_diversity_score: 1,
      unique_countries_5m: 4,
      is_weekend: 1,
      hour_of_day: 1,
    },
    { velocity_score: NaN, txn_count_5m: 9 }, // missing never fires
  ];
  const { scores, fired } = scoreRules(frameOf(rows), FRAUD_RULES);
  assert.deepEqual(Array.from(scores), [0, 0.4, 0, 0.3, 0, 0.2, 0, 0.1, 0, 0.3, 0, 0.8, 0]);
  assert.deepEqual(fired, [2, 2, 1, 2, 1]);
  assert.deepEqual(FRAUD_RULES.map((r) => r.weight), [0.4, 0.3, 0.2, 0.1, 0.3]);
});

Deno.test("the rule labeler reaches the target rate exactly when enough rows score", () => {
  const { frame } = embeddedFeatures({
    samples: 20_000,
    seed: 11,
    snapshotTime: "2024-06-03T03:00:00Z",
  });
  for (const rate of [0.01, 0.02, 0.05]) {
    const l = labelByRules(frame, FRAUD_RULE_SET, { targetRate: rate, seed: 1 });
    assert.equal(l.labels.reduce((a, b) => a + b, 0), Math.round(rate * frame.rows));
    assert.equal(l.achievedRate, Math.round(rate * frame.rows) / frame.rows);
    assert.deepEqual(l.warnings, []);
    // Every labeled row scores at least the threshold, every unlabeled row at most.
    for (let i = 0; i < frame.rows; i++) {
      if (l.labels[i]) assert.ok(l.scores[i]! >= l.threshold && l.scores[i]! > 0);
      else assert.ok(l.scores[i]! <= l.threshold);
    }
  }
});

Deno.test("with too few scoring rows, only those are labeled, with a warning giving the achieved rate", () => {
  const rows = Array.from(
    { length: 100 },
    (_, i) => (i < 3 ? { is_weekend: 1, hour_of_day: 2 } : {}),
  );
  const l = labelByRules(frameOf(rows), FRAUD_RULE_SET, { targetRate: 0.2, seed: 5 });
  assert.equal(l.labels.reduce((a, b) => a + b, 0), 3);
  assert.equal(l.achievedRate, 0.03);
  assert.equal(l.warnings.length, 1);
  assert.match(l.warnings[0]!, /only 3 of 100 rows score above zero.*achieved rate 0\.0300/);
});

Deno.test("ties at the threshold are broken by the seed, reproducibly", () => {
  const rows = Array.from({ length: 200 }, () => ({ is_weekend: 1, hour_of_day: 3 }));
  const a = labelByRules(frameOf(rows), FRAUD_RULE_SET, { targetRate: 0.1, seed: 1 });
  const b = labelByRules(frameOf(rows), FRAUD_RULE_SET, { targetRate: 0.1, seed: 1 });
  const c = labelByRules(frameOf(rows), FRAUD_RULE_SET, { targetRate: 0.1, seed: 2 });
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.labels, c.labels);
  assert.equal(c.labels.reduce((x, y) => x + y, 0), 20);
});

Deno.test("label noise flips about the given share of labels, seeded", () => {
  const rows = Array.from({ length: 10_000 }, () => ({}));
  const l = labelByRules(frameOf(rows), FRAUD_RULE_SET, { targetRate: 0.02, noise: 0.1, seed: 3 });
  assert.ok(l.flipped > 900 && l.flipped < 1100, `flipped ${l.flipped}`);
  assert.equal(l.achievedRate, l.flipped / 10_000); // nothing scored, so every positive is a flip
  assert.deepEqual(
    labelByRules(frameOf(rows), FRAUD_RULE_SET, { targetRate: 0.02, noise: 0.1, seed: 3 }).labels,
    l.labels,
  );
});
