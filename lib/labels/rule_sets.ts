/**
 * Every rule set by name: what `data.labelRules` may name.
 *
 * @module
 */

import { FRAUD_RULE_SET } from "./fraud_rules.ts";
import { PROPENSITY_RULE_SET } from "./propensity_rules.ts";
import type { RuleSet } from "./rules.ts";

/** The rule sets, by name. */
export const RULE_SETS: ReadonlyMap<string, RuleSet> = new Map(
  [FRAUD_RULE_SET, PROPENSITY_RULE_SET].map((s) => [s.name, s]),
);

/**
 * The rule set named `name`.
 *
 * @throws {RangeError} for an unknown name.
 */
export function ruleSet(name: string): RuleSet {
  const set = RULE_SETS.get(name);
  if (!set) {
    throw new RangeError(
      `Expected a rule set in [${[...RULE_SETS.keys()].join(", ")}] but found "${name}"`,
    );
  }
  return set;
}
