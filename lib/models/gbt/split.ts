import type { Workspace } from "./kernel/workspace.ts";

/**
 * Split finding on gradient histograms, with XGBoost's regularized gain (`lambda`, `alpha`,
 * `max_delta_step`, `min_child_weight`) and learned default directions for missing values.
 *
 * @module
 */

/** The regularization parameters the gain uses. */
export interface GainParams {
  /** L2 regularization on leaf weights. */
  readonly lambda: number;
  /** L1 regularization on leaf weights. */
  readonly alpha: number;
  /** Largest absolute leaf weight (0 = unbounded). */
  readonly max_delta_step: number;
  /** Least hessian sum a child may have. */
  readonly min_child_weight: number;
}

/** The best split of a node. */
export interface Split {
  /** Feature index. */
  readonly feature: number;
  /** Rows with bin ≤ splitBin go left (−1: only missing rows may go left). */
  readonly splitBin: number;
  /** Where missing values go. */
  readonly defaultLeft: boolean;
  /** Loss reduction (XGBoost's `loss_chg`). */
  readonly gain: number;
  /** Gradient and hessian sums of the children. */
  readonly gl: number;
  readonly hl: number;
  readonly gr: number;
  readonly hr: number;
}

/** Loss reductions at or below this are no split (XGBoost's kRtEps). */
export const RT_EPS = 1e-6;

/** Soft-thresholding for L1: sign(g) · max(|g| − alpha, 0). */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** The optimal leaf weight for sums (G, H), as XGBoost's CalcWeight. */
export function calcWeight(p: GainParams, g: number, h: number): number {
  if (h < p.min_child_weight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.max_delta_step !== 0 && Math.abs(w) > p.max_delta_step) {
    w = Math.sign(w) * p.max_delta_step;
  }
  return w;
}

/** The loss reduction score of a node with sums (G, H), as XGBoost's CalcGain. */
export function calcGain(p: GainParams, g: number, h: number): number {
  if (h < p.min_child_weight || h <= 0) return 0;
  if (p.max_delta_step === 0) {
    const t = p.alpha === 0 ? g : thresholdL1(g, p.alpha);
    return (t * t) / (h + p.lambda);
  }
  const w = calcWeight(p, g, h);
  const ret = -(2 * g * w + (h + p.lambda) * w * w);
  return p.alpha === 0 ? ret : ret + p.alpha * Math.abs(w);
}

/** Where a node's split search reads from. */
export interface SplitSearch {
  /** Offset of the node's histogram: f64 pairs at `(feature · 256 + bin)`; bin 255 = missing. */
  readonly hist: number;
  /** Offset of the value-bin count per feature (i32). */
  readonly binCounts: number;
  /** The candidate features. */
  readonly features: Int32Array;
  /** The node's gradient and hessian sums. */
  readonly g: number;
  readonly h: number;
  /** Scratch memory of {@link splitScratchBytes}. */
  readonly scratch: number;
}

/**
 * The best split of a node over `features` (run by the WASM kernel), or undefined when none
 * reduces the loss by more than {@link RT_EPS}.
 */
export function findBestSplit(ws: Workspace, node: SplitSearch): Split | undefined {
  const { hist, binCounts, features, g, h, scratch } = node;
  ws.i32(scratch, features.length).set(features);
  const out = scratch + 4 * Math.max(features.length, 4) + 16 -
    ((4 * Math.max(features.length, 4)) % 16);
  if (!ws.k.findBestSplit(hist, binCounts, scratch, features.length, g, h, RT_EPS, out)) {
    return undefined;
  }
  const r = ws.f64(out, 8);
  return {
    gain: r[0]!,
    feature: r[1]!,
    splitBin: r[2]!,
    defaultLeft: r[3] === 1,
    gl: r[4]!,
    hl: r[5]!,
    gr: r[6]!,
    hr: r[7]!,
  };
}

/** Bytes of scratch {@link findBestSplit} needs for `nfeat` features. */
export function splitScratchBytes(nfeat: number): number {
  return 4 * Math.max(nfeat, 4) + 16 + 64;
}
