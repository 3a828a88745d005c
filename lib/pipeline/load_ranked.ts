/**
 * Loads the query groups of a ranking run (`data.file.groupColumn`): the file's rows with their
 * relevance grades and groups, checked as any training rows, the missing-value policy applied, and
 * the rows of each group brought together (groups in order of first appearance, rows in file order
 * within a group), as a ranking objective reads them.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import type { FeatureSpec } from "../data/feature_spec.ts";
import { takeValues } from "../data/frame.ts";
import { completeRows } from "../data/impute.ts";
import { type QualityReport, qualityReport } from "../data/quality.ts";
import { DataError } from "../errors.ts";
import { readRankedFile } from "../features/file_source.ts";
import type { FeatureSet } from "../features/window_processor.ts";
import { Phases } from "../util/phases.ts";
import { checkLoadedRows } from "./load_features.ts";
import { rankingObjective } from "../config/ranking_settings.ts";

/** Query-grouped rows ready to split, the rows of each group together. */
export interface RankedData {
  /** The feature rows (after the missing-value policy), grouped. */
  readonly features: FeatureSet;
  /** Relevance grades, parallel to the rows. */
  readonly grades: Float64Array;
  /** Each row's group (0, 1, … in order of first appearance), ascending. */
  readonly groups: Int32Array;
  /** The group ids as the file wrote them, indexed by group. */
  readonly groupIds: readonly string[];
  /** Row weights, one value per group (`data.file.weightColumn`); absent: every group weighs 1. */
  readonly weights?: Float64Array;
  /** Every grade is 0 or 1 (MAP is defined). */
  readonly binary: boolean;
  /** Specs of the feature columns, in order. */
  readonly specs: readonly FeatureSpec[];
  /** Quality report of the rows as loaded (before dropping). */
  readonly quality: QualityReport;
  /** Rows dropped by `data.missing = "drop"`. */
  readonly droppedRows: number;
  /** Where the rows came from, in words. */
  readonly description: string;
}

/**
 * Reads and checks the configured file of query groups; the time of reading goes to `phases`
 * (`features`).
 *
 * @throws {DataError} for a bad file, grades that are not numbers ≥ 0, rows without a group,
 *   weights that differ within a group, fewer than 2 groups, or missing values under
 *   `missing: "error"`.
 */
export async function loadRankedData(
  config: TrainingConfig,
  phases = new Phases(),
): Promise<RankedData> {
  const file = await phases.time("features", () => readRankedFile(config.data.file));
  const frame = file.features.frame, specs = file.specs;
  const quality = qualityReport(frame, specs, file.nonNumeric);
  checkLoadedRows({ frame, specs, quality, description: file.description }, config);
  const kept = quality.rowsWithMissing > 0 && config.data.missing === "drop"
    ? completeRows(frame)
    : Int32Array.from({ length: frame.rows }, (_, i) => i);
  const order = groupedOrder(takeValues(file.groups, kept)).map((k) => kept[k]!);
  checkGrades(file.grades, { config, rows: order, description: file.description });
  const groups = takeValues(file.groups, order);
  const weights = file.weights && takeValues(file.weights, order);
  if (weights) checkGroupWeights(weights, { groups, ids: file.groupIds });
  const grades = takeValues(file.grades, order);
  const renumbered = renumber(groups, file.groupIds);
  if (renumbered.ids.length < 2) {
    throw new DataError(`${file.description}: ${renumbered.ids.length} query group(s) to train on`);
  }
  return {
    features: {
      frame: frame.take(order),
      entityIds: Array.from(order, (i) => file.features.entityIds[i]!),
      timestamps: takeValues(file.features.timestamps, order),
    },
    grades,
    groups: renumbered.groups,
    groupIds: renumbered.ids,
    ...(weights ? { weights } : {}),
    binary: grades.every((g) => g === 0 || g === 1),
    specs,
    quality,
    droppedRows: frame.rows - order.length,
    description: file.description,
  };
}

/** Positions of `groups` with each group's rows together: a stable sort by group. */
function groupedOrder(groups: Int32Array): Int32Array {
  const order = Int32Array.from(groups.keys());
  return order.sort((a, b) => groups[a]! - groups[b]! || a - b);
}

/** Groups numbered 0, 1, … again after rows were dropped (some groups may be gone). */
function renumber(groups: Int32Array, ids: readonly string[]) {
  const out = new Int32Array(groups.length), kept: string[] = [];
  for (let i = 0; i < groups.length; i++) {
    if (i === 0 || groups[i] !== groups[i - 1]) kept.push(ids[groups[i]!]!);
    out[i] = kept.length - 1;
  }
  return { groups: out, ids: kept };
}

/**
 * Ranking weights are per group (as XGBoost's): every row of a group must weigh the same.
 *
 * @throws {DataError} naming the first group whose rows differ, and how many groups do.
 */
function checkGroupWeights(
  weights: Float64Array,
  { groups, ids }: { groups: Int32Array; ids: readonly string[] },
): void {
  const first = new Float64Array(ids.length).fill(NaN), differs = new Set<number>();
  let example = "";
  for (let i = 0; i < weights.length; i++) {
    const g = groups[i]!;
    if (Number.isNaN(first[g]!)) first[g] = weights[i]!;
    else if (first[g] !== weights[i] && !differs.has(g)) {
      differs.add(g);
      if (differs.size === 1) example = ids[g]!;
    }
  }
  if (differs.size === 0) return;
  throw new DataError(
    `data.file.weightColumn: weights differ within ${differs.size} query group(s) (e.g. ` +
      `${JSON.stringify(example)}): ranking weights are per group, one value for all its rows`,
  );
}

/**
 * `rank:ndcg` with exponential gains (`ndcg_exp_gain`, the default) takes integer grades in
 * [0, 31], as XGBoost does; checked on the rows kept, before any run starts.
 *
 * @throws {DataError} counting the grades it cannot take, with the first one and its data row.
 */
function checkGrades(
  grades: Float64Array,
  o: { config: TrainingConfig; rows: Int32Array; description: string },
): void {
  const params = o.config.model.params;
  if (rankingObjective(o.config) !== "rank:ndcg" || params.ndcg_exp_gain === false) return;
  let bad = 0, first = -1;
  for (const i of o.rows) {
    const y = grades[i]!;
    if (Number.isInteger(y) && y <= 31) continue;
    if (bad++ === 0 || i < first) first = i;
  }
  if (bad === 0) return;
  throw new DataError(
    `${o.description}: data.file.label holds ${bad} grade(s) rank:ndcg cannot take (integers in ` +
      `[0, 31] with model.params.ndcg_exp_gain), e.g. ${grades[first]} on data row ${first + 1}`,
  );
}
