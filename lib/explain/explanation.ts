/**
 * SHAP values as a result: each row's contributions to the model's margin with the names they
 * belong to, the global importance they add up to, and a notebook display.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";
import { meanAbsShap } from "./shap_importance.ts";

/** What an explanation needs of a model: its feature order and exact contributions. */
export interface Explainable {
  /** Feature names in the order the contributions use. */
  readonly featureNames: readonly string[];
  /** A row-major `rows × (features + 1)` matrix, the bias last (see `Classifier`). */
  contributions(frame: Frame): Float64Array;
}

/** The features a notebook display lists. */
const SHOWN_FEATURES = 10;

/** Rows' SHAP values (contributions to the margin), with their feature names. */
export class Explanation {
  /** Row-major `rows × (features + 1)`; a row's last entry is the bias; a row sums to its margin. */
  readonly values: Float64Array;
  /** Feature names, in column order. */
  readonly featureNames: readonly string[];
  /** Number of rows explained. */
  readonly rows: number;

  /** @param values The contribution matrix; @param featureNames Its feature columns' names. */
  constructor(values: Float64Array, featureNames: readonly string[]) {
    this.values = values;
    this.featureNames = featureNames;
    this.rows = values.length / (featureNames.length + 1);
  }

  /** Row `i`'s contributions by feature name, with `bias`. */
  row(i: number): Record<string, number> {
    const width = this.featureNames.length + 1;
    const out: Record<string, number> = {};
    this.featureNames.forEach((f, j) => out[f] = this.values[i * width + j]!);
    out.bias = this.values[i * width + width - 1]!;
    return out;
  }

  /** Mean |SHAP| per feature, largest first: the global importance. */
  importance(): Array<{ feature: string; meanAbsShap: number }> {
    return meanAbsShap(this.values, this.featureNames);
  }

  /** Jupyter display: the rows explained and the features by mean |SHAP|. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const body = this.importance().slice(0, SHOWN_FEATURES).map((r) =>
      `<tr><td>${r.feature.replaceAll("<", "&lt;")}</td><td>${r.meanAbsShap.toFixed(4)}</td></tr>`
    ).join("");
    return {
      "text/html": `<table class="explanation"><caption>SHAP values of ${this.rows} rows` +
        ` (mean |SHAP|, margin scale)</caption><thead><tr><th>feature</th><th>mean |SHAP|</th>` +
        `</tr></thead><tbody>${body}</tbody></table>`,
    };
  }
}

/**
 * Every row's exact SHAP values under `model` (TreeSHAP for trees, linear terms for logistic
 * regression).
 *
 * @example One row's contributions
 * ```ts
 * import { explain } from "./explanation.ts";
 * import { Frame } from "../data/frame.ts";
 * import { LogisticRegression } from "../models/logistic_regression.ts";
 * const x = new Frame(["amount"], [Float64Array.of(1, 2, 3, 4)]);
 * const model = new LogisticRegression().fitSync(x, Uint8Array.of(0, 0, 1, 1));
 * explain(model, x).row(0); // { amount: …, bias: … }
 * ```
 */
export function explain(model: Explainable, frame: Frame): Explanation {
  return new Explanation(model.contributions(frame), model.featureNames);
}
