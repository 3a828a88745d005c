/**
 * Weighted labeling rules and how rows are scored with them: the vocabulary every rule set
 * (fraud, purchase propensity) is written in.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";

/** One weighted rule over a feature row. */
export interface LabelRule {
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

/** A named set of rules and what a positive label means. */
export interface RuleSet {
  /** Name, as `data.labelRules` gives it (e.g. `fraud`). */
  readonly name: string;
  /** What label 1 means, in words (`fraud`, `purchase`). */
  readonly positive: string;
  /** The rules, in order. */
  readonly rules: readonly LabelRule[];
}

/** Rule scores per row and how often each rule fired. */
export interface RuleScores {
  /** Sum of the weights of the rules that fired, per row. */
  readonly scores: Float64Array;
  /** Rows each rule fired on, parallel to the rules. */
  readonly fired: readonly number[];
}

/**
 * Scores every row with `rules`. A missing (NaN) input never fires a rule.
 *
 * @throws {RangeError} when the frame lacks a feature a rule reads.
 */
export function scoreRules(frame: Frame, rules: readonly LabelRule[]): RuleScores {
  const scores = new Float64Array(frame.rows);
  const fired = rules.map(() => 0);
  rules.forEach((rule, r) => {
    const cols = rule.features.map((name) => frame.column(name));
    const v = new Array<number>(cols.length);
    for (let i = 0; i < frame.rows; i++) {
      let missing = false;
      for (let k = 0; k < cols.length; k++) missing ||= Number.isNaN(v[k] = cols[k]![i]!);
      if (!missing && rule.fires(v)) {
        scores[i] = scores[i]! + rule.weight;
        fired[r]!++;
      }
    }
  });
  // Round away float accumulation noise (0.1 + 0.2) so equal rule sets tie exactly.
  for (let i = 0; i < scores.length; i++) scores[i] = Math.round(scores[i]! * 1e6) / 1e6;
  return { scores, fired };
}
