/**
 * What a fraud team measures: the precision of each day's alert budget of `k`, by transaction
 * (P@k) and by card (CP@k), the share of the day's compromised cards the budget finds, and the
 * cost of alerting at a threshold — as the *Reproducible Machine Learning for Credit Card Fraud
 * Detection* handbook (Le Borgne, Siblini, Lebichot, Bontempi), chapter 4, "Precision top-k
 * metrics", and its `shared_functions.py` (`precision_top_k_day`, `card_precision_top_k_day`,
 * `card_precision_top_k`).
 *
 * Ties: the handbook sorts with pandas' default (unstable) sort, so the order of equal scores is
 * not defined there; here it is the handbook's order under a stable sort. Transactions of equal
 * score keep their row order; cards of equal score go by card code ascending (the order of the
 * handbook's `groupby('CUSTOMER_ID')`; a log's codes are first-seen order).
 *
 * @module
 */

import {
  type AlertCost,
  alertCost,
  type CostInput,
  type CostModel,
  minimumCostThreshold,
} from "./alert_cost.ts";

/** Scored transactions: parallel arrays, one entry per row. */
export interface ScoredTransactions extends CostInput {
  /** The day of each row (an integer, e.g. `dayOf(time)` of the transaction log). */
  readonly days: ArrayLike<number>;
  /** The card (entity) of each row, as an integer code. */
  readonly cards: ArrayLike<number>;
}

/** How to measure. */
export interface FraudMetricsOptions {
  /** Alerts the investigators can check per day. @default 100 */
  readonly k?: number;
  /** Drop a card from later days once it is caught in a day's top k (the handbook's default). @default true */
  readonly removeDetectedCards?: boolean;
  /** With a cost model, the result holds the cost at {@link threshold} and at the least-cost threshold. */
  readonly cost?: CostModel;
  /** The alert threshold of {@link FraudMetrics.costAtThreshold} (alert when score ≥ it). @default 0.5 */
  readonly threshold?: number;
}

/**
 * The fraud team's metrics of one scored period. Per-day arrays run over the distinct days of the
 * input, ascending; each mean is over those days (a day with fewer than `k` transactions or cards
 * still divides by `k`, as the handbook does).
 */
export interface FraudMetrics {
  /** The daily alert budget. */
  readonly k: number;
  /** The distinct days, ascending. */
  readonly days: Float64Array;
  /** P@k(d): frauds among the day's `k` highest-scored transactions, divided by `k`. */
  readonly precisionAtK: Float64Array;
  /** P@k: the mean of {@link precisionAtK}. */
  readonly meanPrecisionAtK: number;
  /** Fraudulent transactions per day. */
  readonly fraudTransactions: Int32Array;
  /**
   * CP@k(d): each card scored by its highest score that day (and fraudulent if any of its
   * transactions that day is), the `k` highest cards, compromised cards among them divided by `k`;
   * cards caught on an earlier day are left out (when `removeDetectedCards`).
   */
  readonly cardPrecisionAtK: Float64Array;
  /** CP@k: the mean of {@link cardPrecisionAtK}. */
  readonly meanCardPrecisionAtK: number;
  /** Compromised cards per day, after leaving out cards caught earlier (the handbook's "remaining"). */
  readonly fraudCards: Int32Array;
  /** Compromised cards in the day's top `k` cards. */
  readonly detectedCards: Int32Array;
  /** `detectedCards / fraudCards` per day; NaN on a day without a compromised card. */
  readonly cardRecallAtK: Float64Array;
  /** The mean of {@link cardRecallAtK} over the days where it is defined (NaN if none). */
  readonly meanCardRecallAtK: number;
  /** The cost at the option's threshold, when a cost model is given. */
  readonly costAtThreshold?: AlertCost;
  /** The cost at the least-cost threshold, when a cost model is given. */
  readonly minimumCost?: AlertCost;
}

/** P@k per day (the handbook's `precision_top_k`). */
export interface DailyPrecision {
  /** The distinct days, ascending. */
  readonly days: Float64Array;
  /** Frauds among the day's top `k` transactions, divided by `k`. */
  readonly precision: Float64Array;
  /** Fraudulent transactions per day. */
  readonly frauds: Int32Array;
  /** The mean of {@link precision}. */
  readonly mean: number;
}

/** CP@k per day (the handbook's `card_precision_top_k`), with the budget's card recall. */
export interface DailyCardPrecision {
  /** The distinct days, ascending. */
  readonly days: Float64Array;
  /** Compromised cards among the day's top `k` cards, divided by `k`. */
  readonly precision: Float64Array;
  /** Compromised cards per day, cards caught on earlier days left out. */
  readonly fraudCards: Int32Array;
  /** Compromised cards in the day's top `k`. */
  readonly detectedCards: Int32Array;
  /** `detectedCards / fraudCards`; NaN on a day without a compromised card. */
  readonly recall: Float64Array;
  /** The mean of {@link precision}. */
  readonly meanPrecision: number;
  /** The mean of the defined values of {@link recall} (NaN if none). */
  readonly meanRecall: number;
}

/**
 * Every fraud-team metric of a scored period: P@k, CP@k and card recall per day and their means,
 * and, with a cost model, the cost at a threshold and the least-cost threshold.
 *
 * @param scored Scores, labels, days and cards (and amounts for an amount-based cost).
 * @param options The budget `k`, whether caught cards leave later days, the cost model.
 * @returns Per-day arrays over the distinct days, ascending, and their means.
 * @throws {RangeError} for arrays of different lengths, a NaN score or day, `k` not a positive
 *   integer, a cost not finite and ≥ 0; {TypeError} for an amount-based cost without amounts.
 * @example Two days, a budget of two alerts a day
 * ```ts
 * import { fraudMetrics } from "./fraud_metrics.ts";
 * const m = fraudMetrics({
 *   scores: [0.9, 0.8, 0.1, 0.7, 0.6, 0.2],
 *   labels: [1, 1, 0, 1, 0, 0],
 *   days: [0, 0, 0, 1, 1, 1],
 *   cards: [7, 7, 3, 7, 4, 5],
 * }, { k: 2, cost: { reviewCost: 1, missedFraudCost: 50 } });
 * m.precisionAtK; // [1, 0.5]: by transaction, card 7's frauds count one by one
 * m.cardPrecisionAtK; // [0.5, 0]: card 7 is caught on day 0 and left out of day 1
 * m.minimumCost?.threshold; // 0.7: the three frauds alerted, at a cost of 3 reviews
 * ```
 */
export function fraudMetrics(
  scored: ScoredTransactions,
  options: FraudMetricsOptions = {},
): FraudMetrics {
  const k = options.k ?? 100;
  const p = precisionTopK(scored, k);
  const cp = cardPrecisionTopK(scored, { k, removeDetectedCards: options.removeDetectedCards });
  const metrics: FraudMetrics = {
    k,
    days: p.days,
    precisionAtK: p.precision,
    meanPrecisionAtK: p.mean,
    fraudTransactions: p.frauds,
    cardPrecisionAtK: cp.precision,
    meanCardPrecisionAtK: cp.meanPrecision,
    fraudCards: cp.fraudCards,
    detectedCards: cp.detectedCards,
    cardRecallAtK: cp.recall,
    meanCardRecallAtK: cp.meanRecall,
  };
  if (!options.cost) return metrics;
  return {
    ...metrics,
    costAtThreshold: alertCost(scored, options.threshold ?? 0.5, options.cost),
    minimumCost: minimumCostThreshold(scored, options.cost),
  };
}

/**
 * P@k per day, as the handbook's `precision_top_k`: each day's transactions by score, highest
 * first (equal scores in row order), frauds among the first `k` divided by `k`; the mean over days.
 *
 * @param scored Scores, labels, days and cards.
 * @param k Alerts per day.
 * @returns P@k(d) per distinct day, ascending, and the mean.
 * @throws {RangeError} for arrays of different lengths, a NaN score or day, `k` not a positive integer.
 * @example A day with fewer transactions than the budget
 * ```ts
 * import { precisionTopK } from "./fraud_metrics.ts";
 * const p = precisionTopK({ scores: [0.9, 0.2], labels: [1, 0], days: [3, 3], cards: [1, 2] }, 4);
 * p.mean; // 0.25: one fraud, divided by k = 4
 * ```
 */
export function precisionTopK(scored: ScoredTransactions, k: number): DailyPrecision {
  const groups = dayGroups(scored, k);
  const { scores, labels } = scored;
  const precision = new Float64Array(groups.days.length);
  const frauds = new Int32Array(groups.days.length);
  groups.each((rows, d) => {
    for (const i of rows) frauds[d]! += labels[i] === 1 ? 1 : 0;
    const top = rows.sort((a, b) => scores[b]! - scores[a]! || a - b).subarray(0, k);
    let hits = 0;
    for (const i of top) hits += labels[i] === 1 ? 1 : 0;
    precision[d] = hits / k;
  });
  return { days: groups.days, precision, frauds, mean: mean(precision) };
}

/**
 * CP@k per day, as the handbook's `card_precision_top_k` (with `card_precision_top_k_day`): each
 * day, cards caught on earlier days are dropped (when `removeDetectedCards`); each remaining card
 * takes its highest score and its highest label of the day; cards by that score, highest first
 * (equal scores by card code ascending); compromised cards among the first `k` are the day's
 * detected cards, divided by `k`. The recall is detected over the day's remaining compromised cards.
 *
 * @param scored Scores, labels, days and cards.
 * @param options `k`, alerts per day; `removeDetectedCards` (default true).
 * @returns CP@k(d), the day's compromised and detected cards and the recall, and the means.
 * @throws {RangeError} for arrays of different lengths, a NaN score or day, `k` not a positive integer.
 * @example A card caught on day 0 is left out of day 1
 * ```ts
 * import { cardPrecisionTopK } from "./fraud_metrics.ts";
 * const cp = cardPrecisionTopK(
 *   { scores: [0.9, 0.1, 0.8, 0.3], labels: [1, 0, 1, 1], days: [0, 0, 1, 1], cards: [5, 6, 5, 6] },
 *   { k: 1 },
 * );
 * cp.precision; // [1, 1]: card 5 on day 0, then card 6 (card 5 is gone)
 * ```
 */
export function cardPrecisionTopK(
  scored: ScoredTransactions,
  options: { readonly k: number; readonly removeDetectedCards?: boolean | undefined },
): DailyCardPrecision {
  const { k } = options, groups = dayGroups(scored, k), n = groups.days.length;
  const precision = new Float64Array(n), recall = new Float64Array(n);
  const fraudCards = new Int32Array(n), detectedCards = new Int32Array(n);
  const caught = new Set<number>();
  groups.each((rows, d) => {
    const day = cardsOfDay(scored, rows, caught);
    const top = day.order.subarray(0, k);
    const detected = Array.from(top).filter((c) => day.fraud[c]).map((c) => day.cards[c]!);
    fraudCards[d] = day.fraud.reduce((s, f) => s + f, 0);
    detectedCards[d] = detected.length;
    precision[d] = detected.length / k;
    recall[d] = fraudCards[d] ? detected.length / fraudCards[d]! : NaN;
    if (options.removeDetectedCards ?? true) { for (const c of detected) caught.add(c); }
  });
  const defined = recall.filter((r) => !Number.isNaN(r));
  return {
    days: groups.days,
    precision,
    fraudCards,
    detectedCards,
    recall,
    meanPrecision: mean(precision),
    meanRecall: mean(defined),
  };
}

/** A day's cards (those not caught before): each card's highest score and label, and their order. */
function cardsOfDay(scored: ScoredTransactions, rows: Int32Array, caught: ReadonlySet<number>) {
  const slot = new Map<number, number>();
  const cards: number[] = [], best: number[] = [], fraud: number[] = [];
  for (const i of rows) {
    const card = scored.cards[i]!;
    if (caught.has(card)) continue;
    const isFraud = scored.labels[i] === 1 ? 1 : 0;
    const s = slot.get(card);
    if (s === undefined) {
      slot.set(card, cards.length);
      cards.push(card);
      best.push(scored.scores[i]!);
      fraud.push(isFraud);
    } else {
      best[s] = Math.max(best[s]!, scored.scores[i]!);
      fraud[s] = Math.max(fraud[s]!, isFraud);
    }
  }
  const order = Int32Array.from(cards, (_, j) => j)
    .sort((a, b) => best[b]! - best[a]! || cards[a]! - cards[b]!);
  return { cards, fraud, order };
}

/** The rows of each distinct day (ascending), in row order, after checking the input. */
function dayGroups(scored: ScoredTransactions, k: number) {
  const { scores, labels, days, cards } = scored, rows = scores.length;
  if (!(Number.isInteger(k) && k > 0)) {
    throw new RangeError(`Expected k to be an integer greater than 0 but found ${k}`);
  }
  for (const [name, a] of [["labels", labels], ["days", days], ["cards", cards]] as const) {
    if (a.length !== rows) {
      throw new RangeError(`Expected ${rows} ${name} (one per score) but found ${a.length}`);
    }
  }
  for (let i = 0; i < rows; i++) {
    if (Number.isNaN(scores[i]) || Number.isNaN(days[i])) {
      throw new RangeError(`Expected a score and a day on every row but found NaN at row ${i}`);
    }
  }
  const order = Int32Array.from({ length: rows }, (_, i) => i)
    .sort((a, b) => days[a]! - days[b]! || a - b);
  const starts: number[] = [];
  for (let p = 0; p < rows; p++) {
    if (p === 0 || days[order[p]!] !== days[order[p - 1]!]) starts.push(p);
  }
  starts.push(rows);
  const dayList = Float64Array.from(starts.slice(0, -1), (p) => days[order[p]!]!);
  /** Calls `fn` with a fresh copy of each day's rows (free to reorder) and the day's position. */
  const each = (fn: (rows: Int32Array, d: number) => void) => {
    for (let d = 0; d < dayList.length; d++) fn(order.slice(starts[d]!, starts[d + 1]!), d);
  };
  return { days: dayList, each };
}

/** The arithmetic mean (NaN when empty). */
function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
