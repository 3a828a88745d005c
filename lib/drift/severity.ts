/**
 * Severity from a p-value and the significance level, and multiple-testing corrections.
 *
 * @module
 */

/** How strong the drift evidence is. */
export type Severity = "none" | "low" | "medium" | "high";

/** none if p ≥ α, low if p ≥ α/10, medium if p ≥ α/100, else high. */
export function severityFromP(p: number, alpha: number): Severity {
  if (p >= alpha) return "none";
  if (p >= alpha / 10) return "low";
  if (p >= alpha / 100) return "medium";
  return "high";
}

/** For distances: none below the threshold, low below 2×, medium below 4×, else high. */
export function severityFromDistance(d: number, threshold: number): Severity {
  if (d < threshold) return "none";
  if (d < 2 * threshold) return "low";
  if (d < 4 * threshold) return "medium";
  return "high";
}

/** Multiple-testing corrections of a family of p-values. */
export type Correction = "none" | "bonferroni" | "bh";

/** Adjusted p-values: Bonferroni (p·m, capped at 1) or Benjamini–Hochberg (step-up). */
export function adjustPValues(p: readonly number[], method: Correction): number[] {
  const m = p.length;
  if (method === "none" || m === 0) return [...p];
  if (method === "bonferroni") return p.map((v) => Math.min(1, v * m));
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k]!;
    running = Math.min(running, (p[i]! * m) / (k + 1));
    out[i] = Math.min(1, running);
  }
  return out;
}
