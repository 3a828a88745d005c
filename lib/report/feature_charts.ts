/**
 * Feature charts: a feature's distribution by label and the correlation matrix.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";
import { Figure } from "./figure.ts";

/**
 * Overlaid histograms of one feature for negative and positive rows (shares, so both show); the
 * traces are named by what label 1 means (`positive`, default `fraud`).
 */
export function featureByLabelFigure(
  frame: Frame,
  labels: ArrayLike<number>,
  { feature: name, positive = "fraud" }: { feature: string; positive?: string },
): Figure {
  const col = frame.column(name);
  const split = [0, 1].map((cls) => {
    const v: number[] = [];
    for (let i = 0; i < col.length; i++) {
      if (labels[i] === cls && !Number.isNaN(col[i]!)) v.push(col[i]!);
    }
    return v;
  });
  return new Figure({
    data: split.map((v, cls) => ({
      type: "histogram",
      name: cls ? positive : `no ${positive}`,
      x: v,
      histnorm: "probability",
      opacity: 0.6,
      nbinsx: 40,
    })),
    layout: { title: { text: `${name} by label` }, barmode: "overlay" },
  });
}

/** Pearson correlations between the frame's columns (missing values skipped pairwise). */
export function correlationMatrix(frame: Frame): number[][] {
  const k = frame.width;
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(NaN));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const x = frame.columns[a]!, y = frame.columns[b]!;
      let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let i = 0; i < x.length; i++) {
        const u = x[i]!, v = y[i]!;
        if (Number.isNaN(u) || Number.isNaN(v)) continue;
        n++;
        sx += u;
        sy += v;
        sxx += u * u;
        syy += v * v;
        sxy += u * v;
      }
      const cov = sxy - (sx * sy) / n, vx = sxx - (sx * sx) / n, vy = syy - (sy * sy) / n;
      const r = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : NaN;
      out[a]![b] = out[b]![a] = r;
    }
  }
  return out;
}

/** The correlation matrix as a heatmap. */
export function correlationFigure(frame: Frame): Figure {
  const z = correlationMatrix(frame);
  return new Figure({
    data: [{
      type: "heatmap",
      x: [...frame.names],
      y: [...frame.names],
      z,
      zmin: -1,
      zmax: 1,
      colorscale: "RdBu",
    }],
    layout: { title: { text: "Feature correlations" }, height: 600, margin: { l: 160, b: 160 } },
  });
}
