/**
 * The ranking pipeline (a query-group column, `data.file.groupColumn`): query groups from a file →
 * a seeded split of whole groups → group k-fold CV → the final LambdaMART fit (`rank:ndcg` or
 * `rank:pairwise`) → NDCG@k and MAP@k of the held-out groups → a tracked run with its artifacts.
 * Tasks and notebooks call {@link trainRanking}; `deno task train` does when the config names a
 * group column.
 *
 * @module
 */

import { redact } from "../config/load.ts";
import {
  isRankingRun,
  type RankingObjective,
  rankingObjective,
} from "../config/ranking_settings.ts";
import type { TrainingConfig } from "../config/schema.ts";
import { type Frame, takeValues } from "../data/frame.ts";
import { categoricalNames, vocabularyOf } from "../data/feature_spec.ts";
import { groupKFold, groupSplit } from "../data/group_split.ts";
import type { SplitIndices } from "../data/split.ts";
import { ConfigError } from "../errors.ts";
import { meanStd, rankImportance } from "../evaluate/summary.ts";
import { treeEstimator } from "../models/factory.ts";
import type { GbtModel } from "../models/gbt/gbt_model.ts";
import type { GradientBoosting } from "../models/gbt/gradient_boosting.ts";
import { groupOffsets, rankMetric, rankMetricName } from "../models/gbt/ranking.ts";
import type { IterationMetrics } from "../models/model.ts";
import type { RankingMetrics, RankingOutcome } from "../report/ranking_summary.ts";
import { Logger } from "../util/logger.ts";
import { Phases } from "../util/phases.ts";
import { loadRankedData, type RankedData } from "./load_ranked.ts";
import { logQuality } from "./load_features.ts";
import { recordRanking } from "./record_ranking.ts";
import type { FittedRanking, RankingResult } from "./ranking_result.ts";
import { registerIfAsked, trackedRun } from "./tracked_run.ts";
import { openSession } from "./tracking_session.ts";

/** Options of {@link trainRanking}. */
export interface TrainRankingOptions {
  /** Where progress goes (default: nowhere). */
  readonly log?: Logger;
}

/** The cut-offs of the metrics a ranking run reports (MAP only with 0/1 grades). */
export const RANKING_CUTOFFS = [5, 10] as const;

/**
 * Trains and records a ranking run for a validated config with `data.file.groupColumn`; with
 * `mlflow.registerModel`, registers the model once the run is complete.
 *
 * @throws {ConfigError} for a config without a group column.
 * @throws {DataError} for data that cannot be ranked (see {@link loadRankedData}).
 * @throws {EnvironmentError} for an unreachable store.
 * @example Rank the documents of `queries.csv` by their `relevance` within each `query`
 * ```ts
 * import { config } from "../config/load.ts";
 * import { trainRanking } from "./train_ranking.ts";
 * const result = await trainRanking(config({
 *   data: { source: "file", file: { path: "queries.csv", label: "relevance", groupColumn: "query" } },
 * }));
 * result.test["ndcg@10"]; // NDCG@10 of the held-out groups
 * ```
 */
export async function trainRanking(
  config: TrainingConfig,
  options: TrainRankingOptions = {},
): Promise<RankingResult> {
  if (!isRankingRun(config)) {
    throw new ConfigError(["data.file.groupColumn: a ranking run needs the query-group column"]);
  }
  const log = (options.log ?? new Logger()).child();
  const started = performance.now(), phases = new Phases();
  const objective = rankingObjective(config);
  const params = { ...config.model.params, objective };
  const estimator = treeEstimator({ type: config.model.type, params, seed: config.seed });
  log.info("loading query groups", { file: config.data.file.path ?? "" });
  const data = await loadRankedData(config, phases);
  log.info("grouped", {
    rows: data.grades.length,
    groups: data.groupIds.length,
    binary: data.binary,
  });
  logQuality(log, data);
  const split = await phases.time("split", () => groupParts(data, config));
  const session = await openSession(config, log);
  try {
    const inputs = { config, log, data, split, estimator, phases, objective, started };
    const result: RankingResult = await trackedRun(session, {
      config,
      log,
      fit: () => fitRanking(inputs),
      record: (run, recorded) => recordRanking(run, { ...recorded, phases, started, log }),
    });
    if (result.offline) return result;
    const tags = { objective, test_ndcg_at_10: String(result.test["ndcg@10"]) };
    const registered = await registerIfAsked(session, { ...result, tags }, log);
    return {
      ...result,
      ...(registered ? { registered } : {}),
      ...(session.offline ? { offline: session.offline } : {}),
    };
  } finally {
    await session.store.close();
  }
}

/** The split of whole groups, and the CV folds of the training part (indices into it). */
interface GroupParts {
  readonly split: SplitIndices;
  readonly folds?: readonly SplitIndices[];
}

function groupParts(data: RankedData, config: TrainingConfig): GroupParts {
  const split = groupSplit(data.groups, config.data.testSize, config.seed);
  const k = config.data.cvFolds;
  if (k < 2) return { split };
  return { split, folds: groupKFold(takeValues(data.groups, split.train), k, config.seed) };
}

/** Grouped rows as a fit or a metric takes them (the rows of a group together). */
interface Rows {
  readonly frame: Frame;
  readonly grades: Float64Array;
  readonly groups: Int32Array;
  /** One value per group, repeated on its rows. */
  readonly weights?: Float64Array | undefined;
}

/** `rows` of `from` (whole groups, ascending, so groups stay together). */
function rowsOf(from: Rows, rows: Int32Array): Rows {
  return {
    frame: from.frame.take(rows),
    grades: takeValues(from.grades, rows),
    groups: takeValues(from.groups, rows),
    ...(from.weights ? { weights: takeValues(from.weights, rows) } : {}),
  };
}

/** Fits the estimator on grouped rows, collecting each round's metrics on them when asked. */
async function fitOn(
  estimator: GradientBoosting,
  rows: Rows,
  o: { categorical: readonly string[]; history?: IterationMetrics[] },
): Promise<GbtModel> {
  const history = o.history;
  return await estimator.fit(rows.frame, rows.grades, {
    groups: rows.groups,
    weights: rows.weights,
    categorical: o.categorical,
    ...(history
      ? {
        evalSets: [{ ...rows, name: "train", labels: rows.grades }],
        callbacks: [{ afterIteration: (m: IterationMetrics) => void history.push(m) }],
      }
      : {}),
  });
}

/** What a ranking run is made of before it is tracked. */
interface RankingInputs {
  readonly config: TrainingConfig;
  readonly log: Logger;
  readonly data: RankedData;
  readonly split: GroupParts;
  readonly estimator: GradientBoosting;
  readonly phases: Phases;
  readonly objective: RankingObjective;
  readonly started: number;
}

/** CV on the training groups, the final fit and the held-out groups' metrics. */
async function fitRanking(inputs: RankingInputs): Promise<FittedRanking> {
  const { data, split, estimator, phases, log } = inputs;
  const all: Rows = { frame: data.features.frame, ...data };
  const train = rowsOf(all, split.split.train), test = rowsOf(all, split.split.test);
  const categorical = categoricalNames(data.specs);
  const cv = split.folds
    ? await phases.time("cv", () =>
      crossValidated(split.folds!, {
        train,
        fit: (rows) => fitOn(estimator, rows, { categorical }),
        binary: data.binary,
        log,
      }))
    : undefined;
  const history: IterationMetrics[] = [];
  const model = await phases.time("fit", () => fitOn(estimator, train, { categorical, history }));
  model.vocabulary = vocabularyOf(data.specs);
  const t0 = performance.now();
  const testScores = model.predictMargin(test.frame);
  const testMetrics = rankingMetrics(test, { scores: testScores, binary: data.binary });
  phases.add("evaluate", performance.now() - t0);
  log.info("test metrics", roundAll(testMetrics));
  const groupsIn = (rows: Rows) => new Set(rows.groups).size;
  return {
    config: redact(inputs.config),
    objective: inputs.objective,
    data,
    rows: { total: data.grades.length, train: train.grades.length, test: test.grades.length },
    groups: { total: data.groupIds.length, train: groupsIn(train), test: groupsIn(test) },
    test: testMetrics,
    ...(cv ? { cv } : {}),
    importance: rankImportance(model.featureImportance()),
    model,
    testIndices: split.split.test,
    testScores,
    history,
    durationMs: performance.now() - inputs.started,
    phases: phases.toJSON(),
    params: estimator.params,
  };
}

/** Each fold's held-out groups scored by a model fitted on the others; a log line per fold. */
async function crossValidated(
  folds: readonly SplitIndices[],
  on: { train: Rows; fit: (rows: Rows) => Promise<GbtModel>; binary: boolean; log: Logger },
): Promise<NonNullable<RankingOutcome["cv"]>> {
  const results: RankingMetrics[] = [];
  for (const [k, fold] of folds.entries()) {
    const model = await on.fit(rowsOf(on.train, fold.train));
    const held = rowsOf(on.train, fold.test);
    const scores = model.predictMargin(held.frame);
    const metrics = rankingMetrics(held, { scores, binary: on.binary });
    on.log.info(`cv fold ${k + 1}/${folds.length}`, roundAll(metrics));
    results.push(metrics);
  }
  const names = Object.keys(results[0] ?? {});
  return {
    folds: results,
    summary: Object.fromEntries(names.map((n) => [n, meanStd(results.map((m) => m[n]!))])),
  };
}

/**
 * NDCG@k (and with 0/1 grades MAP@k) of scored groups, as XGBoost's `ndcg@k` and `map@k` compute
 * them, each group weighted by its weight when the rows have weights (one per group).
 */
export function rankingMetrics(
  rows: Pick<Rows, "grades" | "groups" | "weights">,
  scored: { scores: Float64Array; binary: boolean },
): RankingMetrics {
  const offsets = groupOffsets(rows.groups, rows.grades.length);
  const groupWeights = rows.weights &&
    Float64Array.from({ length: offsets.length - 1 }, (_, g) => rows.weights![offsets[g]!]!);
  const kinds = scored.binary ? ["ndcg", "map"] : ["ndcg"];
  const names = kinds.flatMap((kind) => RANKING_CUTOFFS.map((k) => `${kind}@${k}`));
  return Object.fromEntries(names.map((name) => [
    name,
    rankMetric(rankMetricName(name)!, {
      labels: rows.grades,
      scores: scored.scores,
      offsets,
      groupWeights,
    }),
  ]));
}

function roundAll(metrics: RankingMetrics): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]),
  );
}
