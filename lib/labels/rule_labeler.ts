/**
 * The rule-based labeler: scores rows with a rule set, then labels the highest scores positive
 * to reach a target rate, with optional seeded label noise. The same for every use case.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";
import { Rng } from "../util/rng.ts";
import { type RuleSet, scoreRules } from "./rules.ts";

/** Options of {@link labelByRules}. */
export interface LabelOptions {
  /** Target share of positive labels, in (0, 1). @default 0.02 */
  readonly targetRate?: number;
  /** Share of rows whose label is flipped after thresholding, in [0, 0.5). @default 0 */
  readonly noise?: number;
  /** Seed for tie-breaking among equal scores and for noise. @default 42 */
  readonly seed?: number;
}

/** How labels were made: by a rule set (with its evidence) or read from a file column. */
export interface Labeling {
  /** `rules` (a rule set and a target rate) or `file` (a column of real labels). */
  readonly method: "rules" | "file";
  /** The rule set (method `rules`) or the label column (method `file`). */
  readonly from: string;
  /** What label 1 means (`fraud`, `purchase`, or the label column's name). */
  readonly positive: string;
  /** Rows each rule fired on, by rule name (empty for file labels). */
  readonly ruleCounts: Readonly<Record<string, number>>;
  /** Lowest score labeled positive (before noise); `Infinity` when nothing scored or file labels. */
  readonly threshold: number;
  /** The rate asked for (the achieved rate for file labels). */
  readonly targetRate: number;
  /** Share of rows labeled positive (after noise). */
  readonly achievedRate: number;
  /** Labels flipped by noise. */
  readonly flipped: number;
  /** Problems worth a warning (e.g. too few rows score above zero to reach the target). */
  readonly warnings: readonly string[];
}

/** Labels with the evidence of how they were made. */
export interface RuleLabels extends Labeling {
  /** 1 = positive, 0 = negative. */
  readonly labels: Uint8Array;
  /** Rule score per row. */
  readonly scores: Float64Array;
}

/**
 * Labels rows with a rule set. Exactly `round(targetRate × rows)` rows are labeled positive when
 * that many score above zero: highest scores first, ties broken by a seeded shuffle. When fewer
 * rows score above zero, only those are labeled, and a warning gives the achieved rate.
 *
 * @throws {RangeError} when the frame lacks a feature a rule reads.
 * @example Label the larger half of four payments
 * ```ts
 * import { Frame } from "../data/frame.ts";
 * import { labelByRules } from "./rule_labeler.ts";
 * import type { LabelRule } from "./rules.ts";
 * const largeAmount: LabelRule = {
 *   name: "large_amount",
 *   condition: "amount > 500",
 *   weight: 1,
 *   features: ["amount"],
 *   fires: ([amount]) => amount! > 500,
 * };
 * const frame = new Frame(["amount"], [Float64Array.of(20, 900, 45, 700)]);
 * const set = { name: "large", positive: "fraud", rules: [largeAmount] }; // fraud: FRAUD_RULE_SET
 * const { labels, achievedRate } = labelByRules(frame, set, { targetRate: 0.5, seed: 7 });
 * labels; // Uint8Array [0, 1, 0, 1]; achievedRate 0.5
 * ```
 */
export function labelByRules(frame: Frame, set: RuleSet, options: LabelOptions = {}): RuleLabels {
  const targetRate = options.targetRate ?? 0.02;
  const rng = new Rng(options.seed ?? 42);
  const n = frame.rows;
  const { scores, fired } = scoreRules(frame, set.rules);
  const labels = new Uint8Array(n);
  const warnings: string[] = [];

  const want = Math.round(targetRate * n);
  const candidates = [];
  for (let i = 0; i < n; i++) if (scores[i]! > 0) candidates.push(i);
  const order = rng.shuffle(Int32Array.from(candidates));
  // Stable sort by score (desc) keeps the seeded shuffle as the tie-break.
  const sorted = Array.from(order).sort((a, b) => scores[b]! - scores[a]!);
  const take = Math.min(want, sorted.length);
  for (let k = 0; k < take; k++) labels[sorted[k]!] = 1;
  const threshold = take > 0 ? scores[sorted[take - 1]!]! : Number.POSITIVE_INFINITY;
  if (sorted.length < want) {
    warnings.push(
      `only ${sorted.length} of ${n} rows score above zero, fewer than the ${want} needed for a ` +
        `${set.positive} rate of ${targetRate}; labeled those, achieved rate ${
          ratio(sorted.length, n)
        }`,
    );
  }
  const flipped = flipLabels(labels, options.noise ?? 0, rng);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const ruleCounts: Record<string, number> = {};
  set.rules.forEach((rule, r) => ruleCounts[rule.name] = fired[r]!);
  return {
    method: "rules",
    from: set.name,
    positive: set.positive,
    labels,
    scores,
    ruleCounts,
    threshold,
    targetRate,
    achievedRate: n === 0 ? 0 : positives / n,
    flipped,
    warnings,
  };
}

/** Flips each label with probability `noise`; returns how many flipped. */
function flipLabels(labels: Uint8Array, noise: number, rng: Rng): number {
  let flipped = 0;
  if (noise <= 0) return 0;
  for (let i = 0; i < labels.length; i++) {
    if (rng.next() < noise) {
      labels[i] = 1 - labels[i]!;
      flipped++;
    }
  }
  return flipped;
}

/** The labeling summary of real labels read from a file column. */
export function fileLabeling(labels: Uint8Array, column: string): Labeling {
  let positives = 0;
  for (const y of labels) positives += y;
  const rate = labels.length ? positives / labels.length : 0;
  return {
    method: "file",
    from: column,
    positive: column,
    ruleCounts: {},
    threshold: Number.POSITIVE_INFINITY,
    targetRate: rate,
    achievedRate: rate,
    flipped: 0,
    warnings: [],
  };
}

function ratio(k: number, n: number): string {
  return n === 0 ? "0" : (k / n).toFixed(4);
}
