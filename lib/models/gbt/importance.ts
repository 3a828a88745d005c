/**
 * Feature importance as XGBoost's `Booster.get_score` defines it.
 *
 * @module
 */

import type { GbtState } from "./xgboost_json.ts";

/** The importance types of `get_score`. */
export type ImportanceType = "weight" | "gain" | "cover" | "total_gain" | "total_cover";

/**
 * Importance per feature used in at least one split: `weight` = number of splits, `total_gain`
 * and `total_cover` = sums of loss change and hessian cover over those splits, `gain` and `cover`
 * = their averages per split.
 */
export function importance(state: GbtState, type: ImportanceType): Record<string, number> {
  const nf = state.featureNames.length;
  const count = new Float64Array(nf), gain = new Float64Array(nf), cover = new Float64Array(nf);
  for (const t of state.trees) {
    for (let i = 0; i < t.left.length; i++) {
      if (t.left[i] === -1) continue;
      const f = t.feature[i]!;
      count[f]!++;
      gain[f] = gain[f]! + t.lossChange[i]!;
      cover[f] = cover[f]! + t.sumHessian[i]!;
    }
  }
  const out: Record<string, number> = {};
  for (let f = 0; f < nf; f++) {
    if (count[f] === 0) continue;
    const name = state.featureNames[f]!;
    out[name] = type === "weight"
      ? count[f]!
      : type === "total_gain"
      ? gain[f]!
      : type === "total_cover"
      ? cover[f]!
      : type === "gain"
      ? gain[f]! / count[f]!
      : cover[f]! / count[f]!;
  }
  return out;
}
