/**
 * Early stopping as a training callback: stop when the watched metric has not improved by more
 * than `minDelta` for `rounds` rounds, remembering the best iteration.
 *
 * @module
 */

import type { IterationMetrics, TrainingCallback } from "../model.ts";

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Rounds without improvement before stopping. */
  readonly rounds: number;
  /** The watched key, `"{evalSet}-{metric}"` (e.g. `valid-logloss`). */
  readonly key: string;
  /** Direction: true when larger is better. Explicit, never guessed. */
  readonly maximize: boolean;
  /** Least change that counts as an improvement. @default 0 */
  readonly minDelta?: number;
}

/**
 * @example
 * ```ts
 * const stop = new EarlyStopping({ rounds: 10, key: "valid-auc", maximize: true });
 * await new GradientBoosting({}).fit(frame, y, { evalSets, callbacks: [stop] });
 * stop.bestIteration;
 * ```
 */
export class EarlyStopping implements TrainingCallback {
  /** The options. */
  readonly options: EarlyStoppingOptions;
  /** Best iteration so far (−1 before the first). */
  bestIteration = -1;
  /** Best score so far. */
  bestScore = NaN;

  constructor(options: EarlyStoppingOptions) {
    this.options = options;
  }

  /** Records the round; returns "stop" once `rounds` rounds passed without improvement. */
  afterIteration(m: IterationMetrics): void | "stop" {
    const v = m.values[this.options.key];
    if (v === undefined) {
      throw new RangeError(
        `Early stopping watches "${this.options.key}" but the round reported ${
          Object.keys(m.values).join(", ")
        }`,
      );
    }
    const delta = this.options.minDelta ?? 0;
    const better = this.bestIteration < 0 ||
      (this.options.maximize ? v > this.bestScore + delta : v < this.bestScore - delta);
    if (better) {
      this.bestIteration = m.iteration;
      this.bestScore = v;
    } else if (m.iteration - this.bestIteration >= this.options.rounds) {
      return "stop";
    }
  }
}
