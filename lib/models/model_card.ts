/**
 * A fitted model at a glance, as a notebook shows it: its type, what it reads, its own facts
 * (trees, terms) and the features it leans on most.
 *
 * @module
 */

import type { Classifier } from "./model.ts";

/** The rows of importance a model card lists. */
const TOP_FEATURES = 10;

/**
 * The model card's HTML: type, features, threshold, the model's own `facts`, and the most
 * important features by the model's own importance.
 *
 * @example A model's card as HTML
 * ```ts
 * import { modelCardHtml } from "./model_card.ts";
 * import { LogisticRegression } from "./logistic_regression.ts";
 * import { Frame } from "../data/frame.ts";
 * const x = new Frame(["amount"], [Float64Array.of(1, 2, 3, 4)]);
 * const model = new LogisticRegression().fitSync(x, Uint8Array.of(0, 0, 1, 1));
 * modelCardHtml(model, [["terms", "1"]]).includes("logistic_regression"); // true
 * ```
 */
export function modelCardHtml(
  model: Classifier,
  facts: ReadonlyArray<readonly [string, string]>,
): string {
  const esc = (t: string) =>
    t.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const importance = Object.entries(model.featureImportance())
    .sort((a, b) => b[1] - a[1]).slice(0, TOP_FEATURES);
  const total = Object.values(model.featureImportance()).reduce((a, b) => a + b, 0) || 1;
  const rows = [
    ["features", String(model.featureNames.length)],
    ["decision threshold", model.decisionThreshold.toFixed(4)],
    ...(model.calibration ? [["calibration", model.calibration.method]] : []),
    ...facts,
  ].map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join("");
  const top = importance.map(([f, v]) =>
    `<tr><td>${esc(f)}</td><td>${(100 * v / total).toFixed(1)}%</td></tr>`
  ).join("");
  return `<div class="model-card"><b>${esc(model.type)} model</b>` +
    `<table><tbody>${rows}</tbody></table>` +
    (top
      ? `<table><thead><tr><th>feature</th><th>importance</th></tr></thead>` +
        `<tbody>${top}</tbody></table>`
      : "") +
    `</div>`;
}
