import assert from "node:assert/strict";
import { alertCost, type CostModel, minimumCostThreshold } from "../lib/evaluate/alert_cost.ts";
import {
  cardPrecisionTopK,
  fraudMetrics,
  type ScoredTransactions,
} from "../lib/evaluate/fraud_metrics.ts";
import { Rng } from "../lib/util/rng.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { runPython } from "./helpers/python.ts";

/**
 * A seeded scored period: `days` days of uneven size (the last two days hold 3 and 1 rows, fewer
 * than any k tested), cards that return across days, frauds concentrated on compromised cards, and
 * scores on a coarse grid so that transactions and cards tie.
 */
function scoredPeriod(seed: number, rows: number, days: number): Required<ScoredTransactions> {
  const rng = new Rng(seed);
  const compromised = new Set(Array.from({ length: 25 }, () => rng.int(200)));
  const scores: number[] = [], labels: number[] = [], dayOf: number[] = [], cards: number[] = [];
  const amounts: number[] = [];
  const push = (day: number) => {
    const card = rng.int(200);
    const fraud = compromised.has(card) && rng.next() < 0.6 ? 1 : rng.next() < 0.01 ? 1 : 0;
    const s = 1 / (1 + Math.exp(-(rng.normal() + 2 * fraud - 1.5)));
    scores.push(Math.round(s * 20) / 20);
    labels.push(fraud);
    dayOf.push(day);
    cards.push(card);
    amounts.push(Math.round(rng.next() * 50_000) / 100);
  };
  for (let i = 0; i < rows; i++) push(100 + rng.int(days - 2));
  for (const [day, count] of [[100 + days - 2, 3], [100 + days - 1, 1]]) {
    for (let i = 0; i < count!; i++) push(day!);
  }
  // Rows out of day order, as a test set concatenated from several sources may be.
  const perm = Array.from({ length: scores.length }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const take = (a: number[]) => perm.map((i) => a[i]!);
  return {
    scores: take(scores),
    labels: take(labels),
    days: take(dayOf),
    cards: take(cards),
    amounts: take(amounts),
  };
}

/**
 * The handbook's `precision_top_k_day`, `card_precision_top_k_day` and `card_precision_top_k`
 * (chapter 4, "Precision top-k metrics"; `shared_functions.py`) in pandas, with two changes: the
 * sorts are stable (`kind="stable"`: the handbook's default quicksort leaves ties in no defined
 * order), and each day also gives the recall of its top k (detected / remaining compromised cards).
 */
const HANDBOOK = `
import numpy as np, pandas as pd

def precision_top_k_day(df_day, top_k):
    df_day = df_day.sort_values(by="predictions", ascending=False, kind="stable").reset_index(drop=False)
    df_day_top_k = df_day.head(top_k)
    return len(df_day_top_k[df_day_top_k.TX_FRAUD == 1]) / top_k

def card_precision_top_k_day(df_day, top_k):
    df_day = df_day.groupby('CUSTOMER_ID').max().sort_values(
        by="predictions", ascending=False, kind="stable").reset_index(drop=False)
    df_day_top_k = df_day.head(top_k)
    detected = list(df_day_top_k[df_day_top_k.TX_FRAUD == 1].CUSTOMER_ID)
    return detected, len(detected) / top_k

def metrics(predictions_df, top_k, remove_detected_compromised_cards):
    list_days = sorted(predictions_df['TX_TIME_DAYS'].unique())
    detected_cards = []
    p, cp, frauds, fraud_cards, detected_per_day, recall = [], [], [], [], [], []
    for day in list_days:
        df_day = predictions_df[predictions_df['TX_TIME_DAYS'] == day]
        p.append(precision_top_k_day(df_day[['predictions', 'TX_FRAUD']], top_k))
        frauds.append(int(df_day.TX_FRAUD.sum()))
        df_day = df_day[['predictions', 'CUSTOMER_ID', 'TX_FRAUD']]
        df_day = df_day[df_day.CUSTOMER_ID.isin(detected_cards) == False]
        n_compromised = len(df_day[df_day.TX_FRAUD == 1].CUSTOMER_ID.unique())
        detected, cp_day = card_precision_top_k_day(df_day, top_k)
        cp.append(cp_day)
        fraud_cards.append(n_compromised)
        detected_per_day.append(len(detected))
        recall.append(len(detected) / n_compromised if n_compromised else None)
        if remove_detected_compromised_cards:
            detected_cards.extend(detected)
    defined = [r for r in recall if r is not None]
    return dict(days=[int(d) for d in list_days], p=p, mean_p=float(np.array(p).mean()),
                frauds=frauds, cp=cp, mean_cp=float(np.array(cp).mean()),
                fraud_cards=fraud_cards, detected=detected_per_day, recall=recall,
                mean_recall=float(np.array(defined).mean()) if defined else None)

out = []
for case in data:
    s = case["scored"]
    df = pd.DataFrame({"predictions": s["scores"], "TX_FRAUD": s["labels"],
                       "TX_TIME_DAYS": s["days"], "CUSTOMER_ID": s["cards"]})
    out.append(metrics(df, case["k"], case["remove"]))
`;

interface HandbookDay {
  days: number[];
  p: number[];
  mean_p: number;
  frauds: number[];
  cp: number[];
  mean_cp: number;
  fraud_cards: number[];
  detected: number[];
  recall: Array<number | null>;
  mean_recall: number | null;
}

Deno.test("P@k, CP@k and card recall equal the handbook's pandas code (stable sorts) to 1e-12, with ties and short days", async () => {
  const cases = [
    { scored: scoredPeriod(1, 3000, 12), k: 5, remove: true },
    { scored: scoredPeriod(1, 3000, 12), k: 40, remove: true },
    { scored: scoredPeriod(2, 800, 9), k: 100, remove: true },
    { scored: scoredPeriod(3, 2000, 10), k: 12, remove: false },
  ];
  const ref = await runPython<HandbookDay[]>(HANDBOOK, cases);
  cases.forEach(({ scored, k, remove }, c) => {
    const r = ref[c]!, what = `case ${c} (k=${k})`;
    const m = fraudMetrics(scored, { k, removeDetectedCards: remove });
    assert.deepEqual(Array.from(m.days), r.days, what);
    assert.deepEqual(Array.from(m.fraudTransactions), r.frauds, what);
    assert.deepEqual(Array.from(m.fraudCards), r.fraud_cards, what);
    assert.deepEqual(Array.from(m.detectedCards), r.detected, what);
    r.p.forEach((v, d) => assertClose(m.precisionAtK[d]!, v, 1e-12, 0, `${what} P@k day ${d}`));
    r.cp.forEach((v, d) => assertClose(m.cardPrecisionAtK[d]!, v, 1e-12, 0, `${what} CP@k ${d}`));
    r.recall.forEach((v, d) =>
      assertClose(m.cardRecallAtK[d]!, v ?? NaN, 1e-12, 0, `${what} recall day ${d}`)
    );
    assertClose(m.meanPrecisionAtK, r.mean_p, 1e-12, 0, `${what} mean P@k`);
    assertClose(m.meanCardPrecisionAtK, r.mean_cp, 1e-12, 0, `${what} mean CP@k`);
    assertClose(m.meanCardRecallAtK, r.mean_recall ?? NaN, 1e-12, 0, `${what} mean recall`);
    // The fixture exercises what it claims: ties in the top k, short days, removed cards.
    assert.ok(r.p.at(-1)! <= 1 / k && r.days.length >= 9, what);
  });
  const removed = ref[0]!.fraud_cards.reduce((a, b) => a + b, 0);
  const kept = (await runPython<HandbookDay[]>(HANDBOOK, [{ ...cases[0], remove: false }]))[0]!
    .fraud_cards.reduce((a, b) => a + b, 0);
  assert.ok(removed < kept, `caught cards leave later days: ${removed} vs ${kept}`);
});

Deno.test("ties: equal transaction scores keep row order, equal card scores go by card code", () => {
  // Day 0: three cards at the same highest score; only card 2 (the middle code) is a fraud.
  const scored = {
    scores: [0.5, 0.5, 0.5, 0.1],
    labels: [0, 1, 0, 0],
    days: [0, 0, 0, 0],
    cards: [9, 2, 1, 4],
  };
  // k = 1: card 1 comes first (code order), not card 9 (row order); card 2 is not reached.
  assert.deepEqual(Array.from(cardPrecisionTopK(scored, { k: 1 }).precision), [0]);
  assert.deepEqual(Array.from(cardPrecisionTopK(scored, { k: 2 }).precision), [0.5]);
  // By transaction, row order: row 0 (genuine), then row 1 (the fraud).
  assert.deepEqual(Array.from(fraudMetrics(scored, { k: 1 }).precisionAtK), [0]);
  assert.deepEqual(Array.from(fraudMetrics(scored, { k: 2 }).precisionAtK), [0.5]);
});

/** Every distinct score and Infinity as the threshold, costed the plain way (numpy). */
const BRUTE_FORCE = `
import numpy as np
out = []
for case in data:
    s = case["scored"]; m = case["model"]
    p = np.array(s["scores"], dtype=np.float64); y = np.array(s["labels"]) == 1
    miss = np.array(s["amounts"], dtype=np.float64) if m["missedFraudCost"] == "amount" \\
        else np.full(len(p), float(m["missedFraudCost"]))
    cost = lambda t: float(m["reviewCost"] * np.sum(p >= t) + np.sum(miss[y & (p < t)]))
    thresholds = sorted(set(p.tolist())) + [float("inf")]
    costs = [cost(t) for t in thresholds]
    out.append(dict(thresholds=[t if t != float("inf") else None for t in thresholds],
                    costs=costs, at_half=cost(0.5), at_half_alerts=int(np.sum(p >= 0.5))))
`;

Deno.test("the least-cost threshold is the brute-force scan's minimum (the highest on ties); the cost at 0.5 matches", async () => {
  const models: CostModel[] = [
    { reviewCost: 2, missedFraudCost: "amount" },
    { reviewCost: 5, missedFraudCost: 60 },
    { reviewCost: 0, missedFraudCost: 1 }, // many thresholds tie at cost 0
    { reviewCost: 1e6, missedFraudCost: 1 }, // alerting nothing is best
  ];
  const cases = models.map((model, c) => ({ scored: scoredPeriod(10 + c, 1500, 8), model }));
  const ref = await runPython<
    Array<{ thresholds: Array<number | null>; costs: number[]; at_half: number }>
  >(BRUTE_FORCE, cases);
  cases.forEach(({ scored, model }, c) => {
    const r = ref[c]!, what = `model ${JSON.stringify(model)}`;
    const least = Math.min(...r.costs);
    const best = minimumCostThreshold(scored, model);
    assertClose(best.cost, least, 1e-12, 1e-9, what);
    const ties = r.thresholds.filter((_, i) => r.costs[i]! <= least + 1e-9 * Math.max(1, least));
    assert.equal(best.threshold, ties.at(-1) ?? Infinity, what);
    const at = alertCost(scored, best.threshold, model);
    assertClose(at.cost, best.cost, 1e-12, 1e-9, what);
    assert.equal(at.alerts, best.alerts, what);
    assert.equal(at.missedFrauds, best.missedFrauds, what);
    assertClose(alertCost(scored, 0.5, model).cost, r.at_half, 1e-12, 0, what);
    const m = fraudMetrics(scored, { k: 10, cost: model });
    assert.deepEqual(m.minimumCost, best, what);
    assertClose(m.costAtThreshold!.meanCost, r.at_half / scored.scores.length, 1e-12, 0, what);
  });
  assert.equal(minimumCostThreshold(cases[3]!.scored, models[3]!).threshold, Infinity);
  assert.equal(minimumCostThreshold(cases[3]!.scored, models[3]!).alerts, 0);
});

Deno.test("bad input is refused with the value found", () => {
  const scored = { scores: [0.1, 0.2], labels: [0, 1], days: [0, 0], cards: [1, 2] };
  assert.throws(
    () => fraudMetrics(scored, { k: 0 }),
    /k to be an integer greater than 0 but found 0/,
  );
  assert.throws(
    () => fraudMetrics({ ...scored, cards: [1] }),
    /Expected 2 cards \(one per score\) but found 1/,
  );
  assert.throws(
    () => fraudMetrics({ ...scored, scores: [0.1, NaN] }),
    /found NaN at row 1/,
  );
  assert.throws(
    () => minimumCostThreshold(scored, { reviewCost: 1, missedFraudCost: "amount" }),
    (e: Error) => e instanceof TypeError && /amounts for missedFraudCost "amount"/.test(e.message),
  );
  assert.throws(
    () => alertCost(scored, 0.5, { reviewCost: -1, missedFraudCost: 3 }),
    /reviewCost to be a finite number ≥ 0 but found -1/,
  );
});
