/**
 * The cost of alerting at a threshold, from a cost model (the handbook's cost matrix with the
 * review of an alert as the cost of a positive prediction), and the threshold that minimizes it.
 *
 * The rule, everywhere here: a transaction is an alert when `score ≥ threshold`. Every alert is
 * reviewed (a fraud caught and a false alarm cost the same review); every fraud below the threshold
 * is missed and costs its amount or a fixed value; a genuine transaction without alert costs 0.
 *
 * @module
 */

/** What alerts and missed frauds cost. */
export interface CostModel {
  /** The cost of reviewing one alert, whether it is a fraud or a false alarm (finite, ≥ 0). */
  readonly reviewCost: number;
  /**
   * The cost of a missed fraud: a fixed value (finite, ≥ 0), or `"amount"`: the transaction's
   * amount (then {@link CostInput.amounts} is required).
   */
  readonly missedFraudCost: number | "amount";
}

/** Scored transactions, parallel arrays of one entry per row. */
export interface CostInput {
  /** Fraud scores (no NaN): higher is more suspicious. */
  readonly scores: ArrayLike<number>;
  /** 1 for a fraud, anything else for a genuine transaction. */
  readonly labels: ArrayLike<number>;
  /** Transaction amounts; read only when a missed fraud costs its amount. */
  readonly amounts?: ArrayLike<number> | undefined;
}

/** The cost of alerting at one threshold. */
export interface AlertCost {
  /** Alerts are the rows with `score ≥ threshold` (`Infinity`: no alert at all). */
  readonly threshold: number;
  /** Rows alerted. */
  readonly alerts: number;
  /** Frauds below the threshold. */
  readonly missedFrauds: number;
  /** `reviewCost × alerts + the missed frauds' costs`. */
  readonly cost: number;
  /** The expected cost per transaction: `cost / rows` (NaN without rows). */
  readonly meanCost: number;
}

/**
 * The cost of alerting on every row with `score ≥ threshold`.
 *
 * @param input Scores, labels and (for an amount-based model) amounts.
 * @param threshold The alert threshold.
 * @param model What an alert and a missed fraud cost.
 * @returns The alerts, missed frauds and total and mean cost.
 * @throws {RangeError} for arrays of different lengths, a NaN score or a cost that is not finite
 *   and ≥ 0; {TypeError} for an amount-based model without amounts.
 * @example Two alerts of three rows, one fraud missed
 * ```ts
 * import { alertCost } from "./alert_cost.ts";
 * const scored = { scores: [0.9, 0.6, 0.2], labels: [1, 0, 1], amounts: [120, 40, 75] };
 * const c = alertCost(scored, 0.5, { reviewCost: 5, missedFraudCost: "amount" });
 * c.alerts; // 2
 * c.cost; // 2 × 5 + 75 = 85
 * ```
 */
export function alertCost(input: CostInput, threshold: number, model: CostModel): AlertCost {
  const missCost = missedCosts(input, model);
  const rows = input.scores.length;
  let alerts = 0, missedFrauds = 0, missed = 0;
  for (let i = 0; i < rows; i++) {
    if (input.scores[i]! >= threshold) alerts++;
    else if (input.labels[i] === 1) {
      missedFrauds++;
      missed += missCost[i]!;
    }
  }
  const cost = model.reviewCost * alerts + missed;
  return { threshold, alerts, missedFrauds, cost, meanCost: cost / rows };
}

/**
 * The threshold of least cost. The candidates are the distinct scores (alert on every row at or
 * above it) and `Infinity` (no alert); among thresholds of equal cost, the highest (fewest alerts).
 *
 * @param input Scores, labels and (for an amount-based model) amounts.
 * @param model What an alert and a missed fraud cost.
 * @returns The cost at the best threshold.
 * @throws {RangeError} for arrays of different lengths, a NaN score or a cost that is not finite
 *   and ≥ 0; {TypeError} for an amount-based model without amounts.
 * @example Reviews cost less than the frauds they catch
 * ```ts
 * import { minimumCostThreshold } from "./alert_cost.ts";
 * const scored = { scores: [0.9, 0.6, 0.2, 0.1], labels: [1, 0, 1, 0] };
 * const best = minimumCostThreshold(scored, { reviewCost: 1, missedFraudCost: 10 });
 * best.threshold; // 0.2: three alerts catch both frauds, cost 3
 * ```
 */
export function minimumCostThreshold(input: CostInput, model: CostModel): AlertCost {
  const missCost = missedCosts(input, model);
  const { scores, labels } = input, rows = scores.length;
  const order = Int32Array.from({ length: rows }, (_, i) => i)
    .sort((a, b) => scores[a]! - scores[b]!);
  // Ascending thresholds: at the p-th row's score, rows [p, rows) alert and rows [0, p) are missed.
  let best = { threshold: Infinity, alerts: 0, missedFrauds: 0, cost: Infinity };
  let missed = 0, missedFrauds = 0;
  for (let p = 0; p <= rows; p++) {
    const threshold = p < rows ? scores[order[p]!]! : Infinity;
    if (p > 0 && threshold === scores[order[p - 1]!]!) continue;
    const cost = model.reviewCost * (rows - p) + missed;
    if (cost <= best.cost) best = { threshold, alerts: rows - p, missedFrauds, cost };
    // Rows of this score are missed from the next threshold on.
    for (let q = p; q < rows && scores[order[q]!]! === threshold; q++) {
      if (labels[order[q]!] === 1) {
        missedFrauds++;
        missed += missCost[order[q]!]!;
      }
    }
  }
  return { ...best, meanCost: best.cost / rows };
}

/** Each row's cost if it is a fraud and missed, after checking the input and the model. */
function missedCosts(input: CostInput, model: CostModel): Float64Array {
  const { scores, labels, amounts } = input, rows = scores.length;
  if (labels.length !== rows) {
    throw new RangeError(`Expected ${rows} labels (one per score) but found ${labels.length}`);
  }
  for (let i = 0; i < rows; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`Expected scores but found NaN at row ${i}`);
  }
  checkCost("reviewCost", model.reviewCost);
  if (model.missedFraudCost !== "amount") {
    checkCost("missedFraudCost", model.missedFraudCost);
    return new Float64Array(rows).fill(model.missedFraudCost);
  }
  if (!amounts) throw new TypeError(`Expected amounts for missedFraudCost "amount" but found none`);
  if (amounts.length !== rows) {
    throw new RangeError(`Expected ${rows} amounts (one per score) but found ${amounts.length}`);
  }
  return Float64Array.from(amounts);
}

function checkCost(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`Expected ${name} to be a finite number ≥ 0 but found ${value}`);
  }
}
