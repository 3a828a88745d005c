/**
 * Objectives: gradients (in WASM), the starting score, and the transform from margin to output.
 *
 * @module
 */

/** Objective names supported for training and loading. */
export type ObjectiveName =
  | "binary:logistic"
  | "reg:logistic"
  | "reg:squarederror"
  | "binary:logitraw"
  | "rank:pairwise"
  | "rank:ndcg";

/** True for the learning-to-rank objectives (scores are margins, labels relevance grades). */
export function isRanking(objective: ObjectiveName): objective is "rank:pairwise" | "rank:ndcg" {
  return objective === "rank:pairwise" || objective === "rank:ndcg";
}

/** True for objectives whose output is a probability (margin through the sigmoid). */
export function isLogistic(objective: ObjectiveName): boolean {
  return objective === "binary:logistic" || objective === "reg:logistic";
}

/** The margin a base score stands for (logit for logistic objectives), in float32 as XGBoost. */
export function baseMargin(objective: ObjectiveName, baseScore: number): number {
  if (isLogistic(objective) || objective === "binary:logitraw") {
    // −logf(1/x − 1), each step in float32 as XGBoost computes it.
    const inv = Math.fround(Math.fround(1 / Math.fround(baseScore)) - 1);
    return Math.fround(-Math.fround(Math.log(inv)));
  }
  return Math.fround(baseScore);
}

/**
 * Output for a margin: for logistic objectives the sigmoid in float32 as XGBoost computes it,
 * 1 / (exp(min(−x, 88.7)) + 1); the margin otherwise.
 */
export function transform(objective: ObjectiveName, margin: number): number {
  if (!isLogistic(objective)) return margin;
  const e = Math.fround(Math.exp(Math.fround(Math.min(-Math.fround(margin), 88.7))));
  return Math.fround(1 / Math.fround(e + 1));
}

/**
 * The starting score when none is given, as XGBoost 3 estimates the intercept: the weighted mean
 * of the labels; for logistic objectives with scale_pos_weight ≠ 1, one Newton step from margin
 * 0 instead (sigmoid(−ΣG / ΣH), positives weighted by scale_pos_weight), clamped to
 * [1e-6, 1 − 1e-6]. Returned as float32.
 */
export function estimateBaseScore(
  objective: ObjectiveName,
  labels: ArrayLike<number>,
  options: { scalePosWeight?: number; weights?: ArrayLike<number> } = {},
): number {
  const { scalePosWeight = 1, weights } = options;
  let s = 0, w = 0;
  const newton = isLogistic(objective) && Math.abs(scalePosWeight - 1) > 1e-6;
  for (let i = 0; i < labels.length; i++) {
    let wi = weights ? weights[i]! : 1;
    if (newton && labels[i] === 1) wi *= scalePosWeight;
    s += wi * (newton ? 0.5 - labels[i]! : labels[i]!);
    w += wi * (newton ? 0.25 : 1);
  }
  if (!isLogistic(objective)) return Math.fround(w > 0 ? s / w : 0);
  const base = newton ? 1 / (1 + Math.exp(s / w)) : w > 0 ? s / w : 0.5;
  return Math.fround(Math.min(1 - 1e-6, Math.max(1e-6, base)));
}
