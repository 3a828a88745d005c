/**
 * Objectives: gradients (in WASM), the starting score, and the transform from margin to output.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";

/** Objective names supported for training and loading. */
export type ObjectiveName =
  | "binary:logistic"
  | "reg:logistic"
  | "reg:squarederror"
  | "binary:logitraw";

/** True for objectives whose output is a probability (margin through the sigmoid). */
export function isLogistic(objective: ObjectiveName): boolean {
  return objective === "binary:logistic" || objective === "reg:logistic";
}

/** The margin a base score stands for (logit for logistic objectives), in float32 as XGBoost. */
export function baseMargin(objective: ObjectiveName, baseScore: number): number {
  if (objective !== "reg:squarederror") {
    return Math.fround(-Math.log(1 / Math.fround(baseScore) - 1));
  }
  return Math.fround(baseScore);
}

/** Output for a margin: the sigmoid for logistic objectives, the margin otherwise. */
export function transform(objective: ObjectiveName, margin: number): number {
  if (!isLogistic(objective)) return margin;
  return margin >= 0 ? 1 / (1 + Math.exp(-margin)) : Math.exp(margin) / (1 + Math.exp(margin));
}

/**
 * The starting score when none is given: the weighted mean of the labels (as XGBoost ≥ 3
 * estimates the intercept), clipped into (0, 1) for logistic objectives.
 */
export function estimateBaseScore(
  objective: ObjectiveName,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  let s = 0, w = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = weights ? weights[i]! : 1;
    s += wi * labels[i]!;
    w += wi;
  }
  const mean = w > 0 ? s / w : 0.5;
  if (!isLogistic(objective)) return mean;
  return Math.min(1 - 1e-6, Math.max(1e-6, mean));
}

/** Writes (grad, hess) pairs at `gh` for margins at `margin` and float32 labels at `label`. */
export function computeGradients(
  ws: Workspace,
  objective: ObjectiveName,
  ptrs: { margin: number; label: number; weight: number; gh: number },
  n: number,
  scalePosWeight: number,
): void {
  if (objective === "reg:squarederror") {
    ws.k.gradSquared(ptrs.margin, ptrs.label, ptrs.weight, n, ptrs.gh);
  } else {
    ws.k.gradLogistic(ptrs.margin, ptrs.label, ptrs.weight, n, scalePosWeight, ptrs.gh);
  }
}
