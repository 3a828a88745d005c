/**
 * Learning to rank as XGBoost 3 defines it: `rank:ndcg` and `rank:pairwise` (LambdaMART with the
 * `topk` pair method: every pair of differently labeled documents whose higher-ranked member is in
 * the model's top k, each weighted by its |ΔNDCG| or by 1, normalized by the score gap and per
 * group), and the metrics `ndcg@k` and `map@k` (with XGBoost's `-` variants). Query groups are
 * runs of rows with the same group id; documents rank by their score, descending, ties in row order.
 *
 * @module
 */

import { DataError } from "../../errors.ts";
import { transform } from "./objective.ts";

/** XGBoost's parameters of the LambdaMART objectives that this engine takes. */
export interface LambdaRankParams {
  /** `rank:ndcg` weighs a pair by its |ΔNDCG|; `rank:pairwise` by 1. */
  readonly objective: "rank:ndcg" | "rank:pairwise";
  /** Pairs per document from the top (XGBoost's `lambdarank_num_pair_per_sample`, default 32). */
  readonly topK: number;
  /** Gains 2^rel − 1 (true, XGBoost's `ndcg_exp_gain`) or rel. */
  readonly expGain: boolean;
}

/**
 * The offsets of the query groups: a group per run of equal ids, `offsets[g]` its first row and
 * the last entry the row count.
 *
 * @throws {DataError} when the ids' count is not the rows', or an id comes back after another
 *   (rows of a group must be together, as XGBoost's `qid` must be sorted).
 * @example Three groups
 * ```ts
 * import { groupOffsets } from "./ranking.ts";
 * groupOffsets([7, 7, 3, 3, 3, 9], 6); // Int32Array [0, 2, 5, 6]
 * ```
 */
export function groupOffsets(ids: ArrayLike<number>, rows: number): Int32Array {
  if (ids.length !== rows) throw new DataError(`groups: ${ids.length} group ids for ${rows} rows`);
  const offsets = [0], seen = new Set<number>();
  for (let i = 1; i <= rows; i++) {
    if (i < rows && ids[i] === ids[i - 1]) continue;
    if (seen.has(ids[i - 1]!)) {
      throw new DataError(
        `groups: group ${ids[i - 1]} comes back at row ${
          offsets.at(-1)
        }: rows of a group must be together (sort by the group column)`,
      );
    }
    seen.add(ids[i - 1]!);
    offsets.push(i);
  }
  return Int32Array.from(rows ? offsets : [0]);
}

/** Positions of a group's rows by score, descending, ties in row order (a stable sort). */
function ranked(scores: ArrayLike<number>, from: number, to: number): Int32Array {
  const order = Int32Array.from({ length: to - from }, (_, k) => from + k);
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function gain(rel: number, exp: boolean): number {
  return exp ? 2 ** rel - 1 : rel;
}

/** 1 / log2(position + 2). */
function discount(position: number): number {
  return 1 / Math.log2(position + 2);
}

/** The ideal DCG of a group's labels over its best `k` (all when k ≥ size). */
function idealDcg(
  labels: ArrayLike<number>,
  rows: { from: number; to: number; k: number; exp: boolean },
) {
  const sorted = Array.from({ length: rows.to - rows.from }, (_, j) => labels[rows.from + j]!)
    .sort((a, b) => b - a);
  let dcg = 0;
  for (let i = 0; i < Math.min(rows.k, sorted.length); i++) {
    dcg += discount(i) * gain(sorted[i]!, rows.exp);
  }
  return dcg;
}

/** What {@link lambdaRankGradients} reads: scores (float32 values), labels, groups and their weights. */
export interface RankInput {
  readonly margin: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly offsets: Int32Array;
  /** One weight per group (XGBoost's ranking weights are per group); absent: 1 each. */
  readonly groupWeights?: ArrayLike<number> | undefined;
  /** 1 / ideal DCG per group ({@link inverseIdealDcg}); absent: computed here. */
  readonly invIdcg?: Float64Array | undefined;
}

/**
 * 1 / the ideal DCG of each group over the objective's top k (0 for a group without relevant
 * documents): the labels never change, so a fit computes it once.
 */
export function inverseIdealDcg(
  labels: ArrayLike<number>,
  offsets: Int32Array,
  p: LambdaRankParams,
): Float64Array {
  return Float64Array.from({ length: offsets.length - 1 }, (_, g) => {
    const idcg = idealDcg(labels, {
      from: offsets[g]!,
      to: offsets[g + 1]!,
      k: p.topK,
      exp: p.expGain,
    });
    return idcg === 0 ? 0 : 1 / idcg;
  });
}

/**
 * Gradient and hessian of every row (into `gh`, f64 pairs), computed as XGBoost 3.2's CPU
 * LambdaRank does, float32 steps included.
 */
export function lambdaRankGradients(input: RankInput, p: LambdaRankParams, gh: Float64Array): void {
  const { offsets, groupWeights } = input, groups = offsets.length - 1;
  const invIdcg = input.invIdcg ?? inverseIdealDcg(input.labels, offsets, p);
  let total = 0, largest = 0;
  for (let g = 0; g < groups; g++) {
    total += groupWeights ? groupWeights[g]! : 1;
    largest = Math.max(largest, offsets[g + 1]! - offsets[g]!);
  }
  const wNorm = Math.fround(groups / total);
  const gradAll = new Float32Array(largest), hessAll = new Float32Array(largest); // reused
  for (let g = 0; g < groups; g++) {
    const from = offsets[g]!, to = offsets[g + 1]!;
    const grad = gradAll.subarray(0, to - from).fill(0),
      hess = hessAll.subarray(0, to - from).fill(0);
    const sum = groupLambdas(input, { from, to, p, grad, hess, invIdcg: invIdcg[g]! });
    const norm = Math.fround(sum > 0 ? Math.log2(1 + sum) / sum : 1);
    const w = Math.fround(groupWeights ? groupWeights[g]! : 1);
    for (let i = 0; i < to - from; i++) {
      gh[2 * (from + i)] = Math.fround(Math.fround(Math.fround(grad[i]! * norm) * w) * wNorm);
      gh[2 * (from + i) + 1] = Math.fround(Math.fround(Math.fround(hess[i]! * norm) * w) * wNorm);
    }
  }
}

/** One group's pairs into its float32 gradients; returns Σ|λ|·2 (XGBoost's sum_lambda). */
function groupLambdas(
  input: RankInput,
  at: {
    from: number;
    to: number;
    p: LambdaRankParams;
    grad: Float32Array;
    hess: Float32Array;
    invIdcg: number;
  },
): number {
  const { margin, labels } = input, { from, to, p, grad, hess, invIdcg } = at, n = to - from;
  const rank = ranked(margin, from, to);
  const best = margin[rank[0]!]!, worst = margin[rank[n - 1]!]!;
  let sum = 0;
  for (let i = 0; i < Math.min(n, p.topK); i++) {
    for (let j = i + 1; j < n; j++) {
      let [hi, lo] = [i, j];
      if (labels[rank[hi]!] === labels[rank[lo]!]) continue;
      if (labels[rank[hi]!]! < labels[rank[lo]!]!) [hi, lo] = [lo, hi];
      const h = rank[hi]!, l = rank[lo]!;
      const diff = Math.fround(margin[h]! - margin[l]!);
      const s = transform("binary:logistic", diff); // XGBoost's float32 sigmoid (its 1e-16 cannot move it)
      let delta = p.objective === "rank:pairwise" ? 1 : Math.abs(
        (gain(labels[h]!, p.expGain) - gain(labels[l]!, p.expGain)) *
          (discount(hi) - discount(lo)) * invIdcg,
      );
      if (best !== worst) delta /= Math.abs(diff) + 0.01;
      const lambda = Math.fround((s - 1) * delta);
      const eta = Math.fround(Math.max(s * (1 - s), 1e-16) * delta * 2);
      grad[h - from] = Math.fround(grad[h - from]! + lambda);
      grad[l - from] = Math.fround(grad[l - from]! - lambda);
      hess[h - from] = Math.fround(hess[h - from]! + eta);
      hess[l - from] = Math.fround(hess[l - from]! + eta);
      sum += -2 * lambda;
    }
  }
  return sum;
}

/**
 * The starting score XGBoost 3 estimates for a ranking objective: one Newton step from 0,
 * −ΣG/ΣH of the gradients at all-zero scores (near 0), as float32.
 */
export function rankBaseScore(input: Omit<RankInput, "margin">, p: LambdaRankParams): number {
  const n = input.labels.length, gh = new Float64Array(2 * n);
  lambdaRankGradients({ ...input, margin: new Float64Array(n) }, p, gh);
  let g = 0, h = 0;
  for (let i = 0; i < n; i++) {
    g += gh[2 * i]!;
    h += gh[2 * i + 1]!;
  }
  return Math.fround(h > 0 ? -g / h : 0);
}

/** A ranking metric's name read: `ndcg` or `map`, its cut-off, and the `-` variant. */
export interface RankMetricName {
  readonly kind: "ndcg" | "map";
  readonly k: number;
  /** A group without relevant documents scores 0 (else 1). */
  readonly minus: boolean;
}

/** The cut-off of a plain `ndcg` or `map` in XGBoost 3.2 (measured: `ndcg` equals `ndcg@32`). */
const PLAIN_K = 32;

/** Reads `ndcg`, `ndcg@5`, `map@10-`, …; undefined for any other name. */
export function rankMetricName(name: string): RankMetricName | undefined {
  const m = /^(ndcg|map)(?:@(\d+))?(-)?$/.exec(name);
  if (!m) return undefined;
  return { kind: m[1] as "ndcg" | "map", k: m[2] ? Number(m[2]) : PLAIN_K, minus: m[3] === "-" };
}

/**
 * NDCG@k or MAP@k of scored groups, as XGBoost's metrics compute them: mean over groups (weighted
 * by the group weights when given), each group's documents ranked by score (ties in row order);
 * NDCG with gains 2^rel − 1; MAP over binary labels, AP@k divided by min(relevant, k).
 *
 * @example Two groups
 * ```ts
 * import { rankMetric } from "./ranking.ts";
 * const offsets = Int32Array.of(0, 3, 5);
 * rankMetric({ kind: "ndcg", k: 3, minus: false }, { labels: [1, 0, 0, 0, 1], scores: [0.9, 0.5, 0.1, 0.8, 0.2], offsets });
 * // (1 + 1/log2(3)) / 2 ≈ 0.815
 * ```
 */
export function rankMetric(
  metric: RankMetricName,
  data: {
    labels: ArrayLike<number>;
    scores: ArrayLike<number>;
    offsets: Int32Array;
    groupWeights?: ArrayLike<number> | undefined;
  },
): number {
  const { labels, scores, offsets, groupWeights } = data;
  let sum = 0, total = 0;
  for (let g = 0; g + 1 < offsets.length; g++) {
    const from = offsets[g]!, to = offsets[g + 1]!, w = groupWeights ? groupWeights[g]! : 1;
    const rank = ranked(scores, from, to), k = Math.min(metric.k, to - from);
    total += w;
    if (metric.kind === "ndcg") {
      const idcg = idealDcg(labels, { from, to, k: metric.k, exp: true });
      if (idcg === 0) sum += metric.minus ? 0 : 1; // unweighted, as XGBoost adds it
      else {
        let dcg = 0;
        for (let i = 0; i < k; i++) dcg += discount(i) * gain(labels[rank[i]!]!, true);
        sum += (w * dcg) / idcg;
      }
      continue;
    }
    let hits = 0, ap = 0, relevant = 0;
    for (let i = 0; i < to - from; i++) {
      const rel = labels[rank[i]!]!;
      relevant += rel;
      if (i < k) {
        hits += rel;
        ap += (hits / (i + 1)) * rel;
      }
    }
    sum += w * (relevant > 0 ? ap / Math.min(relevant, metric.k) : metric.minus ? 0 : 1);
  }
  return Math.min(1, sum / total);
}
