/**
 * Early stopping as a training callback (xgboost's `callback.EarlyStopping`): stop when the
 * watched metric has not improved by more than `minDelta` for `rounds` rounds, remembering the
 * best iteration; once training ends, the model keeps the rounds up to it (`saveBest`).
 *
 * @module
 */

import type { Classifier, IterationMetrics, TrainingCallback } from "../model.ts";
import { GbtModel } from "./gbt_model.ts";

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
  /**
   * Keep only the rounds up to the best iteration (xgboost's `save_best`); false keeps every
   * round trained. Either way the model records `best_iteration` and `best_score` in its
   * attributes. The default differs from xgboost's (`False`) on purpose: xgboost's scikit-learn
   * models then still predict with the rounds up to the best iteration, which our models, having
   * no iteration range, do by keeping only those rounds; `early_stopping_rounds` does the same.
   * @default true
   */
  readonly saveBest?: boolean;
}

/**
 * @example Stop when the validation log loss stops falling
 * ```ts
 * import { EarlyStopping } from "./early_stopping.ts";
 * import { GradientBoosting } from "./gradient_boosting.ts";
 * import { Frame } from "../../data/frame.ts";
 * const x = new Frame(["f0"], [Float64Array.from({ length: 200 }, (_, i) => i % 7)]);
 * const y = Uint8Array.from({ length: 200 }, (_, i) => (i % 7 > 3 ? 1 : 0));
 * const stop = new EarlyStopping({ rounds: 10, key: "valid-logloss", maximize: false });
 * const model = await new GradientBoosting({ num_boost_round: 500 }).fit(x, y, {
 *   evalSets: [{ name: "valid", frame: x, labels: y }],
 *   callbacks: [stop],
 * });
 * model.state.trees.length === stop.bestIteration + 1; // true: the rounds after it are dropped
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

  /**
   * Cuts a tree model back to its rounds up to the best iteration (with `saveBest`) and records
   * `best_iteration` and `best_score` in its attributes; leaves any other model as it is.
   */
  afterTraining(model: Classifier): void {
    if (!(model instanceof GbtModel) || this.bestIteration < 0) return;
    const { state } = this.options.saveBest ?? true
      ? model.firstRounds(this.bestIteration + 1)
      : model;
    model.state = {
      ...state,
      attributes: {
        ...state.attributes,
        best_iteration: String(this.bestIteration),
        best_score: String(this.bestScore),
      },
    };
  }
}
