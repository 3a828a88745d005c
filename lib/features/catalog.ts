/**
 * The feature catalog: which feature views exist, which features each holds, and their kinds.
 * Every source (embedded stream, Redis) produces exactly these columns, in this order.
 *
 * @module
 */

import type { FeatureSpec, FeatureView } from "../data/feature_spec.ts";
import { ConfigError } from "../errors.ts";

/** MCCs treated as high risk: 6011 (cash), 7995 (gambling), 5967 (direct marketing, inbound). */
export const HIGH_RISK_MCCS: readonly number[] = [6011, 7995, 5967];

const INF = Number.POSITIVE_INFINITY;

/** The fraud feature view, computed per card by the windowed processor. */
export const TRANSACTION_VIEW: FeatureView = {
  name: "transaction",
  entityType: "card",
  features: [
    {
      name: "txn_count_5m",
      kind: "continuous",
      integer: true,
      range: [1, INF],
      description: "transactions in the 5 minutes up to the latest one",
    },
    {
      name: "txn_count_30m",
      kind: "continuous",
      integer: true,
      range: [1, INF],
      description: "transactions in the 30 minutes up to the latest one",
    },
    {
      name: "txn_count_24h",
      kind: "continuous",
      integer: true,
      range: [1, INF],
      description: "transactions in the 24 hours up to the latest one",
    },
    {
      name: "amount_sum_5m",
      kind: "continuous",
      range: [0, INF],
      description: "sum of amounts in the 5-minute window",
    },
    {
      name: "amount_avg_5m",
      kind: "continuous",
      range: [0, INF],
      description: "mean amount in the 5-minute window",
    },
    {
      name: "amount_max_5m",
      kind: "continuous",
      range: [0, INF],
      description: "largest amount in the 5-minute window",
    },
    {
      name: "amount_std_5m",
      kind: "continuous",
      range: [0, INF],
      description: "population std of amounts in the 5-minute window",
    },
    {
      name: "unique_countries_5m",
      kind: "continuous",
      integer: true,
      range: [1, INF],
      description: "distinct countries in the 5-minute window",
    },
    {
      name: "geo_diversity_score",
      kind: "continuous",
      range: [0, 1],
      description: "min(unique_countries_5m / 3, 1)",
    },
    {
      name: "time_since_last_txn_min",
      kind: "continuous",
      range: [0, INF],
      description:
        "minutes between the latest transaction and the one before (missing for a first one)",
    },
    {
      name: "is_weekend",
      kind: "boolean",
      range: [0, 1],
      description: "the latest transaction fell on Saturday or Sunday (UTC)",
    },
    {
      name: "hour_of_day",
      kind: "categorical",
      integer: true,
      range: [0, 23],
      description: "UTC hour of the latest transaction",
    },
    {
      name: "velocity_score",
      kind: "continuous",
      range: [0, 1],
      description: "min(txn_per_hour / 10, 1), txn_per_hour = 2 × txn_count_30m",
    },
    {
      name: "high_risk_txn_ratio",
      kind: "continuous",
      range: [0, 1],
      description: "share of 24-hour transactions at high-risk MCCs",
    },
    {
      name: "is_high_velocity",
      kind: "boolean",
      range: [0, 1],
      description: "velocity_score > 0.7",
    },
    {
      name: "is_geo_diverse",
      kind: "boolean",
      range: [0, 1],
      description: "geo_diversity_score > 0.5 (two or more countries)",
    },
    {
      name: "has_high_risk_mcc",
      kind: "boolean",
      range: [0, 1],
      description: "a 5-minute transaction at MCC 6011, 7995 or 5967",
    },
  ],
};

/** Product categories, by code: `category_affinity` values. */
export const CATEGORY_NAMES: readonly string[] = [
  "electronics",
  "fashion",
  "home",
  "beauty",
  "sports",
  "books",
  "toys",
  "grocery",
  "garden",
  "auto",
  "jewelry",
  "music",
];

/** Devices, by code: `device_type` values. */
export const DEVICE_NAMES: readonly string[] = ["desktop", "mobile", "tablet"];

/** The personalization feature view, computed per user from the clickstream. */
export const CLICKSTREAM_VIEW: FeatureView = {
  name: "clickstream",
  entityType: "user",
  features: [
    count("sessions_24h", "sessions with an event in the 24 hours up to the latest event"),
    count("page_views_1h", "page views in the hour up to the latest event", 0),
    count("cart_adds_24h", "cart adds in the 24 hours up to the latest event", 0),
    count("purchases_30d", "purchases in the 30 days up to the latest event", 0),
    {
      name: "avg_dwell_time_s",
      kind: "continuous",
      range: [0, INF],
      description: "mean seconds on a page over the 7 days' views (missing without views)",
    },
    {
      name: "days_since_last_purchase",
      kind: "continuous",
      range: [0, INF],
      description: "days from the latest purchase to the latest event (missing: none in history)",
    },
    {
      name: "category_affinity",
      kind: "categorical",
      integer: true,
      range: [0, CATEGORY_NAMES.length - 1],
      description: `most frequent category of the 30 days' events (${CATEGORY_NAMES.join(", ")})`,
    },
    {
      name: "device_type",
      kind: "categorical",
      integer: true,
      range: [0, DEVICE_NAMES.length - 1],
      description: `device of the latest event (${DEVICE_NAMES.join(", ")})`,
    },
    {
      name: "is_returning",
      kind: "boolean",
      range: [0, 1],
      description: "the user had a session before the current one",
    },
    {
      name: "recency_score",
      kind: "continuous",
      range: [0, 1],
      description: "exp(−days_since_last_purchase / 30); 0 without a purchase",
    },
    {
      name: "frequency_score",
      kind: "continuous",
      range: [0, 1],
      description: "min(purchases_30d / 5, 1)",
    },
    {
      name: "monetary_score",
      kind: "continuous",
      range: [0, 1],
      description: "min(30 days' spend / 500, 1)",
    },
  ],
};

function count(name: string, description: string, min = 1): FeatureSpec {
  return { name, kind: "continuous", integer: true, range: [min, INF], description };
}

/** Every known feature view by name. */
export const FEATURE_VIEWS: ReadonlyMap<string, FeatureView> = new Map([
  [TRANSACTION_VIEW.name, TRANSACTION_VIEW],
  [CLICKSTREAM_VIEW.name, CLICKSTREAM_VIEW],
]);

/**
 * The feature specs of the given views, in order, each name once.
 *
 * @throws {RangeError} for an unknown view name.
 */
export function featuresOf(viewNames: readonly string[]): FeatureSpec[] {
  const out: FeatureSpec[] = [];
  const seen = new Set<string>();
  for (const name of viewNames) {
    const view = FEATURE_VIEWS.get(name);
    if (!view) {
      throw new RangeError(
        `Expected a feature view in [${[...FEATURE_VIEWS.keys()].join(", ")}] but found "${name}"`,
      );
    }
    for (const spec of view.features) {
      if (!seen.has(spec.name)) {
        seen.add(spec.name);
        out.push(spec);
      }
    }
  }
  return out;
}

/**
 * The one view a single-view reader or writer (the stream, Redis, ingest) serves.
 *
 * @throws {ConfigError} when `featureViews` names more than one view, naming who needs one.
 */
export function oneView(viewNames: readonly string[], who: string): FeatureView {
  if (viewNames.length !== 1) {
    throw new ConfigError([`featureViews: ${who} one view, got ${JSON.stringify(viewNames)}`]);
  }
  featuresOf(viewNames); // names an unknown view
  return FEATURE_VIEWS.get(viewNames[0]!)!;
}
