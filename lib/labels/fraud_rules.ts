/**
 * The weighted fraud rules the labeler scores rows with.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";

/** One weighted rule over a feature row. */
export interface FraudRule {
  /** Short name used in reports. */
  readonly name: string;
  /** Human-readable condition. */
  readonly condition: string;
  /** Score added when the rule fires. */
  readonly weight: number;
  /** The features the rule reads. */
  readonly features: readonly string[];
  /** True when the rule fires for row values `v` (ordered as `features`). */
  readonly fires: (v: readonly number[]) => boolean;
}

/** The five rules, in order, with their weights. */
export const FRAUD_RULES: readonly FraudRule[] = [
  {
    name: "high_velocity",
    condition: "velocity_score > 0.8 and txn_count_5m > 5",
    weight: 0.4,
    features: ["velocity_score", "txn_count_5m"],
    fires: ([v, c]) => v! > 0.8 && c! > 5,
  },
  {
    name: "geo_diverse",
    condition: "geo_diversity_score > 0.7 and unique_countries_5m > 2",
    weight: 0.3,
    features: ["geo_diversity_score", "unique_countries_5m"],
    fires: ([g, u]) => g! > 0.7 && u! > 2,
  },
  {
    name: "risky_merchant_large_avg",
    condition: "has_high_risk_mcc and amount_avg_5m > 500",
    weight: 0.2,
    features: ["has_high_risk_mcc", "amount_avg_5m"],
    fires: ([h, a]) => h! === 1 && a! > 500,
  },
  {
    name: "weekend_night",
    condition: "is_weekend and hour_of_day < 6",
    weight: 0.1,
    features: ["is_weekend", "hour_of_day"],
    fires: ([w, h]) => w! === 1 && h! < 6,
  },
  {
    name: "large_single",
    condition: "amount_max_5m > 1000 and txn_count_5m == 1",
    weight: 0.3,
    features: ["amount_max_5m", "txn_count_5m"],
    fires: ([m, c]) => m! > 1000 && c! === 1,
  },
];

/** Rule scores per row and how often each rule fired. */
export interface RuleScores {
  /** Sum of the weights of the rules that fired, per row. */
  readonly scores: Float64Array;
  /** Rows each rule fired on, parallel to {@link FRAUD_RULES}. */
  readonly fired: readonly number[];
  /** Bit mask per row: bit r set when rule r fired. */
  readonly masks: Uint8Array;
}

/**
 * Scores every row with the fraud rules. A missing (NaN) input never fires a rule.
 *
 * @throws {RangeError} when the frame lacks a feature a rule reads.
 */
export function scoreRules(frame: Frame, rules: readonly FraudRule[] = FRAUD_RULES): RuleScores {
  const scores = new Float64Array(frame.rows);
  const masks = new Uint8Array(frame.rows);
  const fired = rules.map(() => 0);
  rules.forEach((rule, r) => {
    const cols = rule.features.map((name) => frame.column(name));
    const v = new Array<number>(cols.length);
    for (let i = 0; i < frame.rows; i++) {
      for (let k = 0; k < cols.length; k++) v[k] = cols[k]![i]!;
      if (rule.fires(v)) {
        scores[i] = scores[i]! + rule.weight;
        masks[i] = masks[i]! | (1 << r);
        fired[r]!++;
      }
    }
  });
  // Round away float accumulation noise (0.1 + 0.2) so equal rule sets tie exactly.
  for (let i = 0; i < scores.length; i++) scores[i] = Math.round(scores[i]! * 1e6) / 1e6;
  return { scores, fired, masks };
}
