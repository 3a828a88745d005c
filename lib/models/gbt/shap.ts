/**
 * Exact path-dependent TreeSHAP for a placed forest (the WASM kernel `treeShap`): per row, one
 * contribution per feature and the bias — the base margin plus each tree's expected value under
 * its covers — in a row-major `rows × (features + 1)` matrix whose rows sum to the raw margin
 * (in float64; the predictor sums leaves in float32 as XGBoost does). The same values as
 * XGBoost's `pred_contribs=True`, within float32 rounding.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";
import { forestArgs, type PlacedForest, type RegTree } from "./tree.ts";

/** Rows explained per kernel call (bounds the batch memory). */
const BATCH_ROWS = 4096;

/** Copies every node's cover (hessian sum, f64) after the forest, in its node order. */
export function placeCovers(ws: Workspace, trees: readonly RegTree[]): number {
  const total = trees.reduce((a, t) => a + t.left.length, 0);
  const at = ws.alloc(8 * total), c = ws.f64(at, total);
  let off = 0;
  for (const t of trees) {
    c.set(t.sumHessian, off);
    off += t.left.length;
  }
  return at;
}

/**
 * The expected margin of the trees (leaf values times `scales`, weighted by covers down each
 * split, normalized by the children's covers as the kernel does), plus `base`.
 */
export function expectedMargin(
  trees: readonly RegTree[],
  { base, scales }: { base: number; scales?: readonly number[] },
): number {
  let sum = base;
  trees.forEach((t, k) => {
    const scale = scales?.[k] ?? 1;
    const mean = (node: number): number => {
      if (t.left[node] === -1) return Math.fround(t.threshold[node]! * scale);
      const l = t.left[node]!, r = t.right[node]!;
      const cl = t.sumHessian[l]!, cr = t.sumHessian[r]!;
      return (mean(l) * cl + mean(r) * cr) / (cl + cr);
    };
    sum += mean(0);
  });
  return sum;
}

/** The longest root-to-leaf path of any tree. */
export function maxDepth(trees: readonly RegTree[]): number {
  let most = 0;
  for (const t of trees) {
    const stack: Array<[number, number]> = [[0, 0]];
    while (stack.length) {
      const [node, d] = stack.pop()!;
      if (t.left[node] === -1) most = Math.max(most, d);
      else stack.push([t.left[node]!, d + 1], [t.right[node]!, d + 1]);
    }
  }
  return most;
}

/** What {@link forestShap} reads. */
export interface ShapInput {
  readonly ws: Workspace;
  readonly forest: PlacedForest;
  /** From {@link placeCovers}. */
  readonly covers: number;
  /** Where batch memory starts. */
  readonly mark: number;
  /** Longest path ({@link maxDepth}). */
  readonly depth: number;
  /** The bias column ({@link expectedMargin}). */
  readonly bias: number;
}

/** Contributions of the rows of `columns` (feature j of row i = `columns[j][i]`, NaN = missing). */
export function forestShap(s: ShapInput, columns: readonly Float64Array[]): Float64Array {
  const { ws, forest: f } = s;
  const nf = columns.length, n = columns[0]?.length ?? 0, width = nf + 1;
  const scratch = 8 * (s.depth + 2) + 32 + 32 * (((s.depth + 4) * (s.depth + 5)) / 2);
  const out = new Float64Array(n * width);
  for (let start = 0; start < n; start += BATCH_ROWS) {
    const m = Math.min(BATCH_ROWS, n - start);
    ws.reset(s.mark);
    const x = ws.rowsF32(columns, start, m);
    const phi = ws.alloc(8 * m * width), path = ws.alloc(scratch, 32);
    const ph = ws.f64(phi, m * width).fill(0);
    for (let i = 0; i < m; i++) ph[i * width + nf] = s.bias;
    ws.k.treeShap(x, nf, m, ...forestArgs(f), s.covers, path, s.depth, phi);
    out.set(ws.f64(phi, m * width), start * width);
  }
  ws.reset(s.mark);
  return out;
}
