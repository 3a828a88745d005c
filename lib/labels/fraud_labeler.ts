/**
 * The rule-based fraud labeler: scores rows with {@link FRAUD_RULES}, then labels the highest
 * scores as fraud to reach a target rate, with optional seeded label noise.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";
import { Rng } from "../util/rng.ts";
import { FRAUD_RULES, scoreRules } from "./fraud_rules.ts";

/** Options of {@link labelFraud}. */
export interface LabelOptions {
  /** Target share of fraud labels, in (0, 1). @default 0.02 */
  readonly targetRate?: number;
  /** Share of rows whose label is flipped after thresholding, in [0, 0.5). @default 0 */
  readonly noise?: number;
  /** Seed for tie-breaking among equal scores and for noise. @default 42 */
  readonly seed?: number;
}

/** Labels with the evidence of how they were made. */
export interface FraudLabels {
  /** 1 = fraud, 0 = legitimate. */
  readonly labels: Uint8Array;
  /** Rule score per row. */
  readonly scores: Float64Array;
  /** Rows each rule fired on, by rule name. */
  readonly ruleCounts: Readonly<Record<string, number>>;
  /** Lowest score labeled fraud (before noise); `Infinity` when nothing scored. */
  readonly threshold: number;
  /** The rate asked for. */
  readonly targetRate: number;
  /** Share of rows labeled fraud (after noise). */
  readonly achievedRate: number;
  /** Labels flipped by noise. */
  readonly flipped: number;
  /** Problems worth a warning (e.g. too few rows score above zero to reach the target). */
  readonly warnings: readonly string[];
}

/**
 * Labels rows as fraud. Exactly `round(targetRate × rows)` rows are labeled when that many
 * score above zero: highest scores first, ties broken by a seeded shuffle. When fewer rows
 * score above zero, only those are labeled, and a warning gives the achieved rate.
 *
 * @example
 * ```ts
 * const { labels, achievedRate } = labelFraud(frame, { targetRate: 0.02, seed: 7 });
 * ```
 */
export function labelFraud(frame: Frame, options: LabelOptions = {}): FraudLabels {
  const targetRate = options.targetRate ?? 0.02;
  const noise = options.noise ?? 0;
  const rng = new Rng(options.seed ?? 42);
  const n = frame.rows;
  const { scores, fired } = scoreRules(frame);
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
        `fraud rate of ${targetRate}; labeled those, achieved rate ${ratio(sorted.length, n)}`,
    );
  }

  let flipped = 0;
  if (noise > 0) {
    for (let i = 0; i < n; i++) {
      if (rng.next() < noise) {
        labels[i] = 1 - labels[i]!;
        flipped++;
      }
    }
  }
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const ruleCounts: Record<string, number> = {};
  FRAUD_RULES.forEach((rule, r) => ruleCounts[rule.name] = fired[r]!);
  return {
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

function ratio(k: number, n: number): string {
  return n === 0 ? "0" : (k / n).toFixed(4);
}
