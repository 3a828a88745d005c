/**
 * The data trigger — "a new fraud pattern": how often each labeling rule fires, and how many rows
 * the rules would label positive at the reference's own cut-off, in the reference sample and in
 * the current one. A rate outside a band around the reference's, far enough from it in absolute
 * terms, and significantly different (a two-proportion z-test, Bonferroni-corrected over the
 * rates compared) fires. The labeler's target rate hides such a shift in the labels themselves;
 * the rules' raw hit rates do not.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";
import { labelByRules } from "../labels/rule_labeler.ts";
import { type RuleSet, scoreRules } from "../labels/rules.ts";
import { chi2Sf } from "../util/special.ts";
import { round, type Trigger } from "./triggers.ts";

/** One rate compared. */
export interface RateChange {
  /** A rule's name, or `positive_rate` for the rule-based positive rate. */
  readonly name: string;
  readonly reference: number;
  readonly current: number;
  /** max(current / reference, reference / current), on rates smoothed by half a row. */
  readonly ratio: number;
  /** Two-sided p-value of the two-proportion z-test (pooled). */
  readonly pValue: number;
  readonly outside: boolean;
}

/** Rules of {@link patternShiftTrigger}. */
export interface PatternShiftRules {
  /** A rate outside [reference / band, reference × band]… */
  readonly band: number;
  /** …at least this far from the reference's… */
  readonly minDifference: number;
  /** …and different at this level (divided by the number of rates compared) fires. */
  readonly alpha: number;
  /** The labeler's target rate (sets the reference cut-off). */
  readonly targetRate: number;
}

/**
 * Compares the rule hit rates and the rule-based positive rate of two samples. When the samples
 * lack a feature the rules read, the trigger is not evaluated (not fired, and says why).
 *
 * @example A new fraud pattern in the current sample
 * ```ts
 * import { embeddedFeatures } from "../features/embedded_source.ts";
 * import { FRAUD_RULE_SET } from "../labels/fraud_rules.ts";
 * import { patternShiftTrigger } from "./pattern_shift.ts";
 * const at = { samples: 2000, snapshotTime: "2024-06-03T03:00:00Z" };
 * const reference = embeddedFeatures({ ...at, seed: 1 }).frame;
 * const current = embeddedFeatures({ ...at, seed: 2, scenario: "new_fraud_pattern" }).frame;
 * const rules = { band: 2, minDifference: 0.01, alpha: 0.05, targetRate: 0.02 };
 * const trigger = patternShiftTrigger({ reference, current }, FRAUD_RULE_SET, rules);
 * trigger.fired; // true: high_velocity fires on 7% of the rows (1.05% in the reference)
 * ```
 */
export function patternShiftTrigger(
  { reference, current }: { reference: Frame; current: Frame },
  set: RuleSet,
  rules: PatternShiftRules,
): Trigger & { readonly rates: readonly RateChange[] } {
  const needed = [...new Set(set.rules.flatMap((r) => r.features))];
  const missing = needed.filter((n) => !reference.has(n) || !current.has(n));
  if (missing.length > 0) {
    return {
      name: "data",
      fired: false,
      value: Number.NaN,
      threshold: rules.band,
      detail: `not evaluated: the samples lack ${
        missing.join(", ")
      } (read by the ${set.name} rules)`,
      rates: [],
    };
  }
  const cut = labelByRules(reference, set, { targetRate: rules.targetRate }).threshold;
  const ref = scoreRules(reference, set.rules), cur = scoreRules(current, set.rules);
  const atCut = (scores: Float64Array) => scores.filter((s) => s > 0 && s >= cut).length;
  const counts: [string, number, number][] = [
    ["positive_rate", atCut(ref.scores), atCut(cur.scores)],
    ...set.rules.map((r, i): [string, number, number] => [r.name, ref.fired[i]!, cur.fired[i]!]),
  ];
  const alpha = rules.alpha / counts.length;
  const rates = counts.map(([name, a, b]) =>
    compare(name, {
      ref: { hits: a, rows: reference.rows },
      cur: { hits: b, rows: current.rows },
    }, { ...rules, alpha })
  );
  const out = rates.filter((r) => r.outside);
  const worst = rates.reduce((m, r) => Math.max(m, r.ratio), 1);
  const pct = (x: number) => `${round(100 * x)}%`;
  return {
    name: "data",
    fired: out.length > 0,
    value: worst,
    threshold: rules.band,
    detail: out.length
      ? `${set.name} rule rates outside ×${rules.band} of the reference's: ${
        out.map((r) => `${r.name} ${pct(r.reference)} → ${pct(r.current)} (p ${round(r.pValue)})`)
          .join(", ")
      }`
      : `no ${set.name} rule rate significantly outside ×${rules.band} of the reference's ` +
        `(largest ratio ${round(worst)})`,
    rates,
  };
}

function compare(
  name: string,
  { ref, cur }: { ref: { hits: number; rows: number }; cur: { hits: number; rows: number } },
  rules: PatternShiftRules,
): RateChange {
  const reference = ref.hits / ref.rows, current = cur.hits / cur.rows;
  const a = (ref.hits + 0.5) / (ref.rows + 1), b = (cur.hits + 0.5) / (cur.rows + 1);
  const ratio = Math.max(a / b, b / a);
  const pooled = (ref.hits + cur.hits) / (ref.rows + cur.rows);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / ref.rows + 1 / cur.rows));
  const pValue = se > 0 ? chi2Sf(((current - reference) / se) ** 2, 1) : 1;
  const outside = ratio > rules.band && Math.abs(current - reference) >= rules.minDifference &&
    pValue < rules.alpha;
  return { name, reference, current, ratio, pValue, outside };
}
