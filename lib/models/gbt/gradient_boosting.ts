/**
 * The gradient-boosting estimator: XGBoost's `hist` algorithm with its hot loops (binning,
 * gradients, histograms, partitioning, prediction) in WebAssembly. Serves the `xgboost`,
 * `lightgbm` (leaf-wise growth) and `random_forest` (parallel trees) model types.
 *
 * @module
 */

import type { Frame } from "../../data/frame.ts";
import { ConfigError, DataError } from "../../errors.ts";
import type { Estimator, FitOptions, IterationMetrics } from "../model.ts";
import { validateParams } from "../params.ts";
import { checkWeights } from "../weights.ts";
import { Booster } from "./_boosting.ts";
import { EarlyStopping } from "./early_stopping.ts";
import { evalMetric } from "./eval_metrics.ts";
import { rankBaseScore } from "./ranking.ts";
import { rankSetup } from "./_rank_setup.ts";
import { GbtModel } from "./gbt_model.ts";
import { estimateBaseScore, isLogistic, isRanking } from "./objective.ts";
import {
  ALIASES,
  type GbtParams,
  GbtParamsSchema,
  MODEL_DEFAULTS,
  normalizeAliases,
  type TreeModelType,
} from "./params.ts";
import type { RegTree } from "./tree.ts";

/**
 * Gradient-boosted trees, XGBoost-compatible.
 *
 * @example 100 trees on one feature
 * ```ts
 * import { Frame } from "../../data/frame.ts";
 * import { GradientBoosting } from "./gradient_boosting.ts";
 * const frame = new Frame(["amount"], [Float64Array.from({ length: 100 }, (_, i) => i)]);
 * const labels = Uint8Array.from({ length: 100 }, (_, i) => (i >= 80 ? 1 : 0));
 * const model = await new GradientBoosting({ max_depth: 4, eta: 0.1 }).fit(frame, labels);
 * const p = model.predictProba(frame);
 * p[0]; // 0.013
 * p[99]; // 0.948
 * ```
 */
export class GradientBoosting implements Estimator {
  /** `xgboost`, `lightgbm` or `random_forest`. */
  readonly type: TreeModelType;
  /** Validated parameters (type defaults applied). */
  readonly params: GbtParams;

  /**
   * @param params XGBoost parameters (aliases such as `learning_rate`, `n_estimators` accepted).
   * @param options.type Model type whose defaults apply first. @default "xgboost"
   * @throws {ConfigError} one line per bad parameter, naming it, its range and the value found.
   */
  constructor(params: Record<string, unknown> = {}, options: { type?: TreeModelType } = {}) {
    const type = options.type ?? "xgboost";
    this.type = type;
    const merged = { ...MODEL_DEFAULTS[type], ...normalizeAliases(params) };
    try {
      this.params = validateParams(GbtParamsSchema, merged, type);
    } catch (error) {
      // Name a parameter as the user spelled it (learning_rate, not eta).
      if (!(error instanceof ConfigError)) throw error;
      const spelled = Object.keys(params).filter((k) => k in ALIASES && !(ALIASES[k]! in params));
      throw new ConfigError(
        error.problems.map((line) =>
          spelled.reduce(
            (l, alias) => l.replace(`model.params.${ALIASES[alias]}:`, `model.params.${alias}:`),
            line,
          )
        ),
      );
    }
    const p = this.params;
    if (p.max_depth === 0 && (p.grow_policy === "depthwise" || p.max_leaves === 0)) {
      throw new ConfigError([
        `model.params.max_depth: must be ≥ 1 unless grow_policy is lossguide with max_leaves ≥ 1, got 0`,
      ]);
    }
  }

  /**
   * Trains on `frame` (NaN = missing) and labels (0/1 for logistic objectives): data preparation,
   * then a round loop whose callbacks (early stopping among them) may stop it, as xgboost's
   * `train`; each callback's `afterTraining` then sees the model in turn (early stopping, from
   * `early_stopping_rounds` or the caller's, keeps the rounds up to its best iteration).
   *
   * @throws {DataError} for empty data or labels outside the objective's range.
   * @throws {ConfigError} for early stopping without an eval set.
   */
  async fit(frame: Frame, labels: ArrayLike<number>, options: FitOptions = {}): Promise<GbtModel> {
    const p = this.params, weights = options.weights;
    checkLabels(p, labels, frame.rows);
    if (weights) checkWeights(weights, frame.rows, "weights");
    options.evalSets?.forEach((e) => e.weights && checkWeights(e.weights, e.frame.rows, e.name));
    const evalSets = options.evalSets ?? [];
    const ranking = isRanking(p.objective)
      ? rankSetup(p, { rows: frame.rows, labels, groups: options.groups, weights, evalSets })
      : undefined;
    const metrics = [p.eval_metric ?? defaultMetric(p)].flat();
    const stopper = earlyStopping(p, evalSets, metrics);
    const callbacks = [...(options.callbacks ?? []), ...(stopper ? [stopper] : [])];
    const y = Float32Array.from(labels);
    const baseScore = p.base_score ??
      (ranking
        ? rankBaseScore({ ...ranking, labels: y }, ranking.params)
        : estimateBaseScore(p.objective, y, {
          scalePosWeight: p.scale_pos_weight,
          ...(weights ? { weights } : {}),
        }));
    const categorical = p.enable_categorical ? options.categorical ?? [] : [];
    const booster = new Booster(frame, {
      labels: y,
      baseScore,
      p,
      evalSets,
      weights,
      ranking,
      categorical,
    });
    const trees: RegTree[] = [], history: IterationMetrics[] = [];
    try {
      await booster.start();
      for (let round = 0; round < p.num_boost_round; round++) {
        trees.push(...(await booster.round()).map((f) => f.tree));
        const it = { iteration: round, values: booster.evaluate(metrics) };
        history.push(it);
        const votes = callbacks.map((cb) => cb.afterIteration?.(it));
        if (votes.includes("stop")) break;
      }
    } finally {
      booster.close();
    }
    const model = new GbtModel({
      featureNames: [...frame.names],
      trees: trees.map(({ splitBin: _bin, ...t }) => t),
      numParallelTree: p.num_parallel_tree,
      baseScore,
      objective: p.objective,
      scalePosWeight: p.scale_pos_weight,
      attributes: {},
      ...(categorical.length
        ? { featureTypes: frame.names.map((n) => (categorical.includes(n) ? "c" : "float")) }
        : {}),
    }, this.type);
    for (const cb of callbacks) cb.afterTraining?.(model);
    model.history = history;
    return model;
  }
}

/** XGBoost's default eval metric: logloss, rmse, or ndcg over the ranking objective's top k. */
function defaultMetric(p: GbtParams): string {
  if (isRanking(p.objective)) return `ndcg@${p.lambdarank_num_pair_per_sample}`;
  return isLogistic(p.objective) ? "logloss" : "rmse";
}

/** Labels must lie in [0, 1] for logistic objectives; the data must not be empty. */
function checkLabels(p: GbtParams, labels: ArrayLike<number>, n: number): void {
  if (n === 0) throw new DataError("cannot train on an empty set");
  if (!isLogistic(p.objective)) return;
  for (let i = 0; i < n; i++) {
    if (!(labels[i]! >= 0 && labels[i]! <= 1)) {
      throw new DataError(`label ${labels[i]} at row ${i} is outside [0, 1] for ${p.objective}`);
    }
  }
}

/** The early-stopping callback `early_stopping_rounds` asks for, watching the last eval set. */
function earlyStopping(
  p: GbtParams,
  evalSets: NonNullable<FitOptions["evalSets"]>,
  metrics: readonly string[],
): EarlyStopping | undefined {
  if (p.early_stopping_rounds === undefined) return undefined;
  const last = evalSets[evalSets.length - 1];
  if (!last) {
    throw new ConfigError([
      `model.params.early_stopping_rounds: needs at least one eval set, got ${p.early_stopping_rounds} with none`,
    ]);
  }
  const metric = metrics[metrics.length - 1]!;
  return new EarlyStopping({
    rounds: p.early_stopping_rounds,
    key: `${last.name}-${metric}`,
    maximize: evalMetric(metric).higherIsBetter,
  });
}
