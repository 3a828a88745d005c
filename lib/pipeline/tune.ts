/**
 * Hyperparameter tuning inside a training run (`--tune`): seeded random configurations from the
 * model type's search space, successive halving over the boosting budget, each evaluation scored
 * by the run's own CV folds (stratified, or forward-chaining with the time split) with early
 * stopping inside each fold; every configuration is a nested MLflow run of the training run
 * (`mlflow.parentRunId`) with its score per rung. Returns the best parameters for the final fit.
 *
 * @module
 */

import { inRun } from "../tracking/in_run.ts";
import type { TrainingConfig } from "../config/schema.ts";
import type { SplitIndices } from "../data/split.ts";
import { ConfigError, ServiceUnreachableError } from "../errors.ts";
import { createEstimator } from "../models/factory.ts";
import type { RunWriter, TrackingStore } from "../tracking/store.ts";
import { sampleAround, sampleConfigurations, searchSpace } from "../tune/search_space.ts";
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
  /** The configured parameters' score at the full budget (a candidate too). */
  readonly defaultScore: number;
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
export async function tuneParams(input: TuneInput): Promise<Tuning> {
  const { config, log } = input, t = config.tune, type = config.model.type;
  if (!input.folds) throw new ConfigError(["tune: needs CV folds (data.cvFolds ≥ 2)"]);
  const space = searchSpace(type, t.space);
  const configs = sampleConfigurations(space, t.trials, config.seed);
  const { budgets, full, paramsAt, score } = scoring(input);
  const trials = trialRuns(input);
  const deadline = t.timeBudgetSeconds > 0
    ? performance.now() + t.timeBudgetSeconds * 1000
    : Infinity;
  return await inRun(trials, async () => {
    // The configured parameters are always a candidate: tuning never ends below them.
    const t0 = performance.now();
    const baseline: TrialResult<Params> = {
      trial: -1,
      config: {},
      rung: budgets.length - 1,
      budget: full,
      score: await score(paramsAt({}, full)),
      seconds: (performance.now() - t0) / 1000,
    };
    log.info("tune baseline", { [`cv_${t.metric}`]: Number(baseline.score.toFixed(4)) });
    const outcome = await successiveHalving<Params>({
      configs,
      budgets,
      eta: t.eta,
      timeBudgetSeconds: t.timeBudgetSeconds,
      evaluate: (c, budget) => score(paramsAt(c, budget)),
      onResult: (r) => trials.log(r),
      onRung: (rung, kept) =>
        log.info(`tune rung ${rung + 1}/${budgets.length}`, {
          budget: budgets[rung]!,
          best: Number(kept[0]!.score.toFixed(4)),
          kept: kept.length,
        }),
    });
    const refined = await refine({
      input,
      best: outcome.best,
      space,
      score: (c) => score(paramsAt(c, full)),
      onResult: (r) => trials.log(r),
      rung: budgets.length,
      budget: full,
      first: configs.length,
      deadline: outcome.timedOut ? -Infinity : deadline,
    });
    const best = refined.best.score > baseline.score ? refined.best : baseline;
    return {
      params: paramsAt(best.config, full),
      metric: t.metric,
      bestScore: best.score,
      defaultScore: baseline.score,
      evaluations: [...outcome.results, ...refined.results].map(({ config: _, ...r }) => r),
      configurations: [...configs, ...refined.results.map((r) => r.config)],
      budgets,
      timedOut: outcome.timedOut,
    };
  });
}

/** The rung budgets, the parameters of a configuration at a budget, and its CV score. */
function scoring(input: TuneInput) {
  const { config } = input, t = config.tune, type = config.model.type;
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
    const cv = await crossValidate(estimator, { ...input.train, folds: input.folds! }, {
      evalOnFold: "early_stopping_rounds" in params,
    });
    return cv.summary[t.metric].mean;
  };
  return { budgets, full, paramsAt, score };
}

/**
 * The exploitation step: configurations near the halving's best, scored at the full budget;
 * the best of all wins (ties keep the incumbent).
 */
async function refine(search: {
  input: TuneInput;
  best: TrialResult<Params>;
  space: ReturnType<typeof searchSpace>;
  score: (c: Params) => Promise<number>;
  onResult: (r: TrialResult<Params>) => Promise<void>;
  rung: number;
  budget: number;
  first: number;
  /** No refinement evaluation starts after this `performance.now()`. */
  deadline: number;
}): Promise<{ best: TrialResult<Params>; results: TrialResult<Params>[] }> {
  const t = search.input.config.tune;
  const n = t.refine ?? Math.ceil(t.trials / 3);
  const near = sampleAround(search.space, search.best.config, {
    n,
    seed: search.input.config.seed + 1,
    scale: 0.1,
  });
  const results: TrialResult<Params>[] = [];
  let best = search.best;
  for (const [k, config] of near.entries()) {
    if (performance.now() > search.deadline) break;
    const t0 = performance.now();
    const r = {
      trial: search.first + k,
      config,
      rung: search.rung,
      budget: search.budget,
      score: await search.score(config),
      seconds: (performance.now() - t0) / 1000,
    };
    results.push(r);
    await search.onResult(r);
    if (r.score > best.score) best = r;
  }
  if (results.length) {
    search.input.log.info("tune refine", {
      around_best: results.length,
      best: Number(best.score.toFixed(4)),
    });
  }
  return { best, results };
}

/** The full budget: the configured rounds (or trees; aliases resolved), else the type's default. */
function fullBudget(config: TrainingConfig, param: string): number {
  const resolved = createEstimator({ type: config.model.type, params: config.model.params }).params;
  return Number(resolved[param]) || 100;
}

/**
 * One nested run per configuration: its parameters once, its score at each rung (step). A
 * server that stops answering stops the tracking of trials (once, with a warning), not the
 * search: `tuning.json` keeps every evaluation.
 */
function trialRuns(input: TuneInput) {
  const runs = new Map<number, RunWriter>();
  let lost = false;
  const log = async (r: TrialResult<Params>) => {
    if (!input.parent || lost) return;
    try {
      let run = runs.get(r.trial);
      if (!run) {
        run = await input.parent.store.startRun(input.parent.experimentId, {
          runName: `trial-${r.trial}`,
          tags: { "mlflow.parentRunId": input.parent.runId, run_type: "tune_trial" },
        });
        runs.set(r.trial, run);
        await run.logParams(r.config);
      }
      await run.logMetrics(
        { [`cv_${input.config.tune.metric}`]: r.score, budget: r.budget },
        r.rung,
      );
    } catch (error) {
      if (!(error instanceof ServiceUnreachableError)) throw error;
      lost = true;
      input.log.warn(
        `${error.message}; trials are no longer tracked as runs (tuning.json keeps them)`,
      );
    }
  };
  const end = async (status: "FINISHED" | "FAILED") => {
    for (const run of lost ? [] : runs.values()) {
      await run.end(status).catch((error) => {
        if (!(error instanceof ServiceUnreachableError)) throw error;
        lost = true; // the search's result stands; its trial runs stay as they are
      });
      if (lost) return;
    }
  };
  return { log, end };
}
