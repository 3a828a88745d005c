/**
 * The weighted fraud rules: what the fraud use case labels rows with.
 *
 * @module
 */

import type { LabelRule, RuleSet } from "./rules.ts";

/** The five fraud rules, in order, with their weights. */
export const FRAUD_RULES: readonly LabelRule[] = [
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

/** The fraud rule set (`data.labelRules: "fraud"`). */
export const FRAUD_RULE_SET: RuleSet = { name: "fraud", positive: "fraud", rules: FRAUD_RULES };
