/**
 * A ranking fit's groups, checked: the training rows' and each eval set's query-group offsets,
 * one weight per group (the rows' weights, which must agree within a group), and the labels
 * (relevance grades: integers 0–31 with exponential gains, as XGBoost requires).
 *
 * @module
 */

import { DataError } from "../../errors.ts";
import type { EvalSet } from "../model.ts";
import type { GbtParams } from "./params.ts";
import { groupOffsets, inverseIdealDcg, type LambdaRankParams } from "./ranking.ts";

/** The groups of a ranking fit. */
export interface RankSetup {
  readonly params: LambdaRankParams;
  /** The training rows' group offsets. */
  readonly offsets: Int32Array;
  readonly groupWeights?: Float64Array | undefined;
  /** 1 / ideal DCG per training group (the labels never change). */
  readonly invIdcg: Float64Array;
  /** Per eval set (in order): its group offsets and weights. */
  readonly evals: ReadonlyArray<{ offsets: Int32Array; groupWeights?: Float64Array | undefined }>;
}

/** What a ranking fit is given. */
export interface RankData {
  readonly rows: number;
  readonly labels: ArrayLike<number>;
  readonly groups?: ArrayLike<number> | undefined;
  readonly weights?: ArrayLike<number> | undefined;
  readonly evalSets: readonly EvalSet[];
}

/**
 * The groups of a fit under a ranking objective (`objective` rank:ndcg or rank:pairwise).
 *
 * @throws {DataError} one line: no groups, groups not together, a weight that varies within a
 *   group, a relevance grade that is not an integer in [0, 31] (exponential gains) or ≥ 0.
 */
export function rankSetup(p: GbtParams, data: RankData): RankSetup {
  if (!data.groups) {
    throw new DataError(`${p.objective} needs query groups (groups: one group id per row)`);
  }
  const params: LambdaRankParams = {
    objective: p.objective as LambdaRankParams["objective"],
    topK: p.lambdarank_num_pair_per_sample,
    expGain: p.ndcg_exp_gain,
  };
  checkGrades(data.labels, params.expGain);
  const offsets = groupOffsets(data.groups, data.rows);
  const evals = data.evalSets.map((e) => {
    const ids = e.groups ?? (e.frame.rows === data.rows ? data.groups : undefined);
    if (!ids) throw new DataError(`eval set ${e.name}: ${p.objective} needs its query groups`);
    const o = groupOffsets(ids, e.frame.rows);
    return { offsets: o, groupWeights: e.weights && perGroup(e.weights, o, e.name) };
  });
  const groupWeights = data.weights && perGroup(data.weights, offsets, "weights");
  const invIdcg = inverseIdealDcg(data.labels, offsets, params);
  return { params, offsets, groupWeights, invIdcg, evals };
}

/** The weight of each group: its rows' (one value per group, as XGBoost's ranking weights). */
function perGroup(weights: ArrayLike<number>, offsets: Int32Array, name: string): Float64Array {
  const out = new Float64Array(offsets.length - 1);
  for (let g = 0; g < out.length; g++) {
    out[g] = weights[offsets[g]!]!;
    for (let i = offsets[g]!; i < offsets[g + 1]!; i++) {
      if (weights[i] !== out[g]) {
        throw new DataError(
          `${name}: row ${i} weighs ${weights[i]}, not ${
            out[g]
          } as its group's first row: ranking weights are per group`,
        );
      }
    }
  }
  return out;
}

function checkGrades(labels: ArrayLike<number>, expGain: boolean): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const ok = expGain ? Number.isInteger(y) && y >= 0 && y <= 31 : y >= 0 && y < Infinity;
    if (!ok) {
      throw new DataError(
        `label ${y} at row ${i}: relevance grades must be ${
          expGain ? "integers in [0, 31] (ndcg_exp_gain)" : "numbers ≥ 0"
        }`,
      );
    }
  }
}
