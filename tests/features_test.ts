import assert from "node:assert/strict";
import { TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { generateTransactions, type TransactionEvents } from "../lib/features/transactions.ts";
import {
  featuresAtEvent,
  snapshotFeatures,
  transactionStream,
} from "../lib/features/window_processor.ts";

const SNAPSHOT = "2024-06-03T03:00:00Z";
const names = TRANSACTION_VIEW.features.map((f) => f.name);

function events(
  rows: Array<[minutes: number, amount: number, country: number, mcc: number]>,
): TransactionEvents {
  const t0 = Date.UTC(2024, 5, 1, 2, 0); // Saturday 02:00 UTC
  const n = rows.length;
  return {
    card: new Int32Array(n),
    ts: Float64Array.from(rows, (r) => t0 + r[0] * 60_000),
    amount: Float64Array.from(rows, (r) => r[1]),
    country: Uint16Array.from(rows, (r) => r[2]),
    mcc: Uint16Array.from(rows, (r) => r[3]),
    merchant: new Int32Array(n),
    cardStart: Int32Array.of(0, n),
    pattern: new Uint8Array(1),
    cards: 1,
  };
}

function row(ev: TransactionEvents, at: number): Record<string, number> {
  const out = new Float64Array(names.length);
  featuresAtEvent(ev, 0, at, out);
  return Object.fromEntries(names.map((n, i) => [n, out[i]!]));
}

Deno.test("the embedded source gives the same rows for the same seed and different rows for another", () => {
  const a = embeddedFeatures({ samples: 2000, seed: 7, snapshotTime: SNAPSHOT });
  const b = embeddedFeatures({ samples: 2000, seed: 7, snapshotTime: SNAPSHOT });
  const c = embeddedFeatures({ samples: 2000, seed: 8, snapshotTime: SNAPSHOT });
  assert.deepEqual(a.entityIds, b.entityIds);
  assert.deepEqual(a.timestamps, b.timestamps);
  a.frame.columns.forEach((col, j) => assert.deepEqual(col, b.frame.columns[j]));
  assert.notDeepEqual(a.frame.column("amount_sum_5m"), c.frame.column("amount_sum_5m"));
});

Deno.test("the embedded source makes one row per card, every event at or before the snapshot", () => {
  const snapshot = Date.parse(SNAPSHOT);
  const ev = generateTransactions({ cards: 3000, seed: 3, snapshotTime: snapshot });
  for (let i = 0; i < ev.ts.length; i++) assert.ok(ev.ts[i]! <= snapshot);
  for (let c = 0; c < ev.cards; c++) {
    for (let i = ev.cardStart[c]! + 1; i < ev.cardStart[c + 1]!; i++) {
      assert.ok(ev.ts[i - 1]! <= ev.ts[i]!, "events of a card are in time order");
    }
  }
  const { frame, entityIds } = snapshotFeatures(transactionStream(ev));
  assert.equal(frame.rows, 3000);
  assert.equal(new Set(entityIds).size, 3000);
  assert.deepEqual(frame.names, names);
  const patterns = new Set(ev.pattern);
  assert.ok(patterns.size >= 5, `fraud patterns injected: ${[...patterns]}`);
});

Deno.test("windows are (t − w, t]: events exactly 5 minutes before the latest fall outside the 5m window", () => {
  const ev = events([[0, 10, 1, 5411], [25, 20, 1, 5411], [30, 30, 2, 5411], [32, 40, 3, 6011]]);
  const r = row(ev, 3);
  assert.equal(r.txn_count_5m, 2); // 30 and 32; 25 is 7 min before
  assert.equal(r.txn_count_30m, 3); // 0 is exactly 32 min before → out; 25, 30, 32 in
  assert.equal(r.txn_count_24h, 4);
  assert.equal(r.amount_sum_5m, 70);
  assert.equal(r.amount_avg_5m, 35);
  assert.equal(r.amount_max_5m, 40);
  assert.equal(r.amount_std_5m, 5); // population std of {30, 40}
  assert.equal(r.unique_countries_5m, 2);
  assert.equal(r.geo_diversity_score, 2 / 3);
  assert.equal(r.is_geo_diverse, 1);
  assert.equal(r.time_since_last_txn_min, 2);
  assert.equal(r.has_high_risk_mcc, 1);
  assert.equal(r.high_risk_txn_ratio, 0.25);
  assert.equal(r.is_weekend, 1); // Saturday
  assert.equal(r.hour_of_day, 2);
  assert.equal(r.velocity_score, Math.min((3 * 2) / 10, 1));
  assert.equal(r.is_high_velocity, 0); // 0.6 is not > 0.7
  const five = events([[0, 1, 1, 5411], [5, 1, 1, 5411]]);
  assert.equal(row(five, 1).txn_count_5m, 1);
});

Deno.test("a first transaction has no time since the last one; scores saturate at 1", () => {
  const burst = events(
    Array.from(
      { length: 8 },
      (_, i) => [i * 0.5, 100, i % 4, 5411] as [number, number, number, number],
    ),
  );
  const r = row(burst, 7);
  assert.equal(r.velocity_score, 1); // 16 per hour / 10 capped at 1
  assert.equal(r.is_high_velocity, 1);
  assert.equal(r.geo_diversity_score, 1); // 4 countries / 3 capped at 1
  assert.ok(Number.isNaN(row(burst, 0).time_since_last_txn_min));
});
