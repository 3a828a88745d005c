/**
 * Hyperparameter tuning inside a training run (`--tune`): seeded random configurations from the
 * model type's search space, successive halving over the boosting budget, each evaluation scored
 * by the run's own CV folds (stratified, or forward-chaining with the time split) with early
 * stopping inside each fold; every configuration is a nested MLflow run of the training run
 * (`mlflow.parentRunId`) with its score per rung. Returns the best parameters for the final fit.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import type { SplitIndices } from "../data/split.ts";
import { ConfigError } from "../errors.ts";
import { createEstimator } from "../models/factory.ts";
import type { RunWriter, TrackingStore } from "../tracking/store.ts";
import { sampleConfigurations, searchSpace } from "../tune/search_space.ts";
import { rungBudgets, successiveHalving, type TrialResult } from "../tune/successive_halving.ts";
import type { Logger } from "../util/logger.ts";
import { crossValidate } from "./cross_validate.ts";
import type { TrainingPart } from "./fit_final.ts";

type Params = Record<string, number | string | boolean>;

/** What the search found. */
export interface Tuning {
  /** The parameters for the final fit (the configured ones, the best sampled, the full budget). */
  readonly params: Params;
  readonly metric: string;
  readonly bestScore: number;
  readonly defaultScore?: number;
  readonly evaluations: readonly Omit<TrialResult<Params>, "config">[];
  readonly configurations: readonly Params[];
  readonly budgets: readonly number[];
  readonly timedOut: boolean;
}

/** Where the search runs and is logged. */
export interface TuneInput {
  readonly config: TrainingConfig;
  readonly train: TrainingPart;
  readonly folds: readonly SplitIndices[] | undefined;
  readonly log: Logger;
  /** The training run the trials nest under. */
  readonly parent?: {
    readonly store: TrackingStore;
    readonly experimentId: string;
    readonly runId: string;
  };
}

/** The parameter that is the budget of each model type (none for logistic regression). */
const BUDGET: Readonly<Record<string, string>> = {
  xgboost: "num_boost_round",
  lightgbm: "num_boost_round",
  random_forest: "num_parallel_tree",
};

/**
 * Searches the space and returns the best parameters.
 *
 * @throws {ConfigError} without CV folds, or for a bad search space.
 */
export async function tuneParams(w: TuneInput): Promise<Tuning> {
  const { config, log } = w, t = config.tune, type = config.model.type;
  if (!w.folds) throw new ConfigError(["tune: needs CV folds (data.cvFolds ≥ 2)"]);
  const space = searchSpace(type, t.space);
  const configs = sampleConfigurations(space, t.trials, config.seed);
  const budgetParam = BUDGET[type];
  const full = budgetParam ? fullBudget(config, budgetParam) : 1;
  const budgets = budgetParam ? rungBudgets(Math.min(t.minBudget, full), full, t.eta) : [1];
  const early = t.earlyStoppingRounds > 0 && budgetParam === "num_boost_round"
    ? { early_stopping_rounds: t.earlyStoppingRounds }
    : {};
  const paramsAt = (c: Params, budget: number): Params => ({
    ...config.model.params,
    ...c,
    ...(budgetParam ? { [budgetParam]: budget } : {}),
    ...early,
  });
  const score = async (params: Params) => {
    const estimator = createEstimator({ type, params, seed: config.seed });
    const cv = await crossValidate(estimator, { ...w.train, folds: w.folds! }, {
      evalOnFold: "early_stopping_rounds" in params,
    });
    return cv.summary[t.metric].mean;
  };
  const runs = new Map<number, RunWriter>();
  try {
    const outcome = await successiveHalving<Params>({
      configs,
      budgets,
      eta: t.eta,
      timeBudgetSeconds: t.timeBudgetSeconds,
      evaluate: (c, budget) => score(paramsAt(c, budget)),
      onResult: (r) => logTrial(w, runs, r),
      onRung: (rung, kept) =>
        log.info(`tune rung ${rung + 1}/${budgets.length}`, {
          budget: budgets[rung]!,
          best: Number(kept[0]!.score.toFixed(4)),
          kept: kept.length,
        }),
    });
    for (const run of runs.values()) await run.end("FINISHED");
    return {
      params: paramsAt(outcome.best.config, full),
      metric: t.metric,
      bestScore: outcome.best.score,
      evaluations: outcome.results.map(({ config: _, ...r }) => r),
      configurations: configs,
      budgets,
      timedOut: outcome.timedOut,
    };
  } catch (error) {
    for (const run of runs.values()) await run.end("FAILED").catch(() => {});
    throw error;
  }
}

/** The full budget: the configured rounds (or trees; aliases resolved), else the type's default. */
function fullBudget(config: TrainingConfig, param: string): number {
  const resolved = createEstimator({ type: config.model.type, params: config.model.params }).params;
  return Number(resolved[param]) || 100;
}

/** One nested run per configuration: its parameters once, its score at each rung (step). */
async function logTrial(w: TuneInput, runs: Map<number, RunWriter>, r: TrialResult<Params>) {
  if (!w.parent) return;
  let run = runs.get(r.trial);
  if (!run) {
    run = await w.parent.store.startRun(w.parent.experimentId, {
      runName: `trial-${r.trial}`,
      tags: { "mlflow.parentRunId": w.parent.runId, run_type: "tune_trial" },
    });
    runs.set(r.trial, run);
    await run.logParams(r.config);
  }
  await run.logMetrics({ [`cv_${w.config.tune.metric}`]: r.score, budget: r.budget }, r.rung);
}
