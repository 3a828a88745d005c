/**
 * The weighted purchase-propensity rules: what the personalization use case labels users with.
 * A user scores when their recent behaviour is what precedes a purchase: goods in the cart, an
 * engaged session right now, a recent purchase, loyal habits, high spend.
 *
 * @module
 */

import type { LabelRule, RuleSet } from "./rules.ts";

/** The five propensity rules, in order, with their weights. */
export const PROPENSITY_RULES: readonly LabelRule[] = [
  {
    name: "cart_in_progress",
    condition: "cart_adds_24h >= 1",
    weight: 0.4,
    features: ["cart_adds_24h"],
    fires: ([c]) => c! >= 1,
  },
  {
    name: "engaged_session",
    condition: "page_views_1h >= 6 and avg_dwell_time_s > 45",
    weight: 0.3,
    features: ["page_views_1h", "avg_dwell_time_s"],
    fires: ([v, d]) => v! >= 6 && d! > 45,
  },
  {
    name: "recent_buyer",
    condition: "days_since_last_purchase <= 14",
    weight: 0.2,
    features: ["days_since_last_purchase"],
    fires: ([d]) => d! <= 14,
  },
  {
    name: "loyal_returning",
    condition: "is_returning and frequency_score >= 0.4",
    weight: 0.2,
    features: ["is_returning", "frequency_score"],
    fires: ([r, f]) => r! === 1 && f! >= 0.4,
  },
  {
    name: "high_spender",
    condition: "monetary_score >= 0.5",
    weight: 0.1,
    features: ["monetary_score"],
    fires: ([m]) => m! >= 0.5,
  },
];

/** The propensity rule set (`data.labelRules: "propensity"`). */
export const PROPENSITY_RULE_SET: RuleSet = {
  name: "propensity",
  positive: "purchase",
  rules: PROPENSITY_RULES,
};
