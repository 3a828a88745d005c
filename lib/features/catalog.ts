/**
 * The feature catalog: which feature views exist, which features each holds, and their kinds.
 * Every source (embedded stream, Redis) produces exactly these columns, in this order.
 *
 * @module
 */

import type { FeatureKind, FeatureSpec, FeatureView } from "../data/feature_spec.ts";

/** MCCs treated as high risk: 6011 (cash), 7995 (gambling), 5967 (direct marketing, inbound). */
export const HIGH_RISK_MCCS: readonly number[] = [6011, 7995, 5967];

const INF = Number.POSITIVE_INFINITY;

/** The fraud feature view, computed per card by the windowed processor. */
export const TRANSACTION_VIEW: FeatureView = {
  name: "transaction",
  entityType: "card",
  features: [
    f("txn_count_5m", "continuous", "transactions in the 5 minutes up to the latest one", [1, INF]),
    f("txn_count_30m", "continuous", "transactions in the 30 minutes up to the latest one", [
      1,
      INF,
    ]),
    f("txn_count_24h", "continuous", "transactions in the 24 hours up to the latest one", [1, INF]),
    f("amount_sum_5m", "continuous", "sum of amounts in the 5-minute window", [0, INF]),
    f("amount_avg_5m", "continuous", "mean amount in the 5-minute window", [0, INF]),
    f("amount_max_5m", "continuous", "largest amount in the 5-minute window", [0, INF]),
    f("amount_std_5m", "continuous", "population std of amounts in the 5-minute window", [0, INF]),
    f("unique_countries_5m", "continuous", "distinct countries in the 5-minute window", [1, INF]),
    f("geo_diversity_score", "continuous", "min(unique_countries_5m / 3, 1)", [0, 1]),
    f(
      "time_since_last_txn_min",
      "continuous",
      "minutes between the latest transaction and the one before (missing for a first one)",
      [0, INF],
    ),
    f("is_weekend", "boolean", "the latest transaction fell on Saturday or Sunday (UTC)", [0, 1]),
    f("hour_of_day", "categorical", "UTC hour of the latest transaction", [0, 23]),
    f(
      "velocity_score",
      "continuous",
      "min(txn_per_hour / 10, 1), txn_per_hour = 2 × txn_count_30m",
      [0, 1],
    ),
    f("high_risk_txn_ratio", "continuous", "share of 24-hour transactions at high-risk MCCs", [
      0,
      1,
    ]),
    f("is_high_velocity", "boolean", "velocity_score > 0.7", [0, 1]),
    f("is_geo_diverse", "boolean", "geo_diversity_score > 0.5 (two or more countries)", [0, 1]),
    f("has_high_risk_mcc", "boolean", "a 5-minute transaction at MCC 6011, 7995 or 5967", [0, 1]),
  ],
};

/** Every known feature view by name. */
export const FEATURE_VIEWS: ReadonlyMap<string, FeatureView> = new Map([
  [TRANSACTION_VIEW.name, TRANSACTION_VIEW],
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

function f(
  name: string,
  kind: FeatureKind,
  description: string,
  range: readonly [number, number],
): FeatureSpec {
  return { name, kind, description, range };
}
