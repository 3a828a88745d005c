/**
 * Feature selection inside the training part (`model.featureSelection`): the estimator is fitted
 * on each CV fold's training rows (three stratified folds when CV is off), each feature's
 * importance measured there — mean |SHAP| on the fold's training rows, or the drop in ROC AUC when
 * the feature is permuted in the fold's held-out rows — and averaged over the folds; the features
 * past a top-k or a share of the total are kept. The test rows are never looked at.
 *
 * @module
 */

import { Frame, takeValues } from "../data/frame.ts";
import { sampleRows } from "../data/sample.ts";
import { type SplitIndices, stratifiedKFold } from "../data/split.ts";
import { rocAuc } from "../evaluate/curves.ts";
import { explain } from "../explain/explanation.ts";
import type { Estimator } from "../models/model.ts";
import { Rng } from "../util/rng.ts";
import type { TrainingPart } from "./fit_final.ts";

/** How features are selected (the config's `model.featureSelection`). */
export interface SelectionSettings {
  /** Mean |SHAP| on the training rows, or permutation importance on held-out rows. */
  readonly importance: "shap" | "permutation";
  /** Keep the `top` most important features… */
  readonly top?: number | undefined;
  /** …or those whose share of the total importance is at least this. */
  readonly minShare?: number | undefined;
}

/** The features kept, and every feature's importance share (averaged over the folds). */
export interface FeatureSelection {
  readonly kept: readonly string[];
  readonly dropped: readonly string[];
  /** Share of the total importance per feature, largest first. */
  readonly shares: ReadonlyArray<{ feature: string; share: number }>;
  readonly importance: SelectionSettings["importance"];
  readonly folds: number;
}

/** Rows whose SHAP values a fold's importance averages (a seeded sample past this many). */
const SHAP_ROWS = 2000;

/**
 * Selects features on the training part (see the module's description).
 *
 * @example Keep the two most important of five features
 * ```ts
 * import { Frame } from "../data/frame.ts";
 * import { createEstimator } from "../models/factory.ts";
 * import { selectFeatures } from "./feature_selection.ts";
 * const cols = Array.from({ length: 5 }, (_, j) => Float64Array.from({ length: 600 }, (_, i) => ((i * (j + 3)) % 17) / 17));
 * const frame = new Frame(["a", "b", "c", "d", "e"], cols);
 * const labels = Uint8Array.from({ length: 600 }, (_, i) => (cols[0]![i]! + cols[1]![i]! > 1 ? 1 : 0));
 * const estimator = createEstimator({ type: "xgboost", params: { num_boost_round: 20 } });
 * const s = await selectFeatures(estimator, { frame, labels }, { settings: { importance: "shap", top: 2 }, seed: 1 });
 * s.kept; // ["a", "b"] (in the frame's order)
 * ```
 */
export async function selectFeatures(
  estimator: Estimator,
  part: TrainingPart & { folds?: readonly SplitIndices[] | undefined },
  o: { settings: SelectionSettings; seed: number },
): Promise<FeatureSelection> {
  const folds = part.folds ?? stratifiedKFold(part.labels, 3, o.seed);
  const names = part.frame.names, total = new Float64Array(names.length);
  for (const [k, fold] of folds.entries()) {
    const x = part.frame.take(fold.train), y = takeValues(part.labels, fold.train);
    const model = await estimator.fit(x, y, {
      categorical: part.categorical ?? [],
      ...(part.weights ? { weights: takeValues(part.weights, fold.train) } : {}),
    });
    const scores = o.settings.importance === "shap"
      ? shapImportance(model, { frame: x, seed: o.seed + k })
      : permutationImportance(model, { part, rows: fold.test, seed: o.seed + k });
    scores.forEach((v, j) => (total[j] = total[j]! + v / folds.length));
  }
  return {
    ...chosen(names, total, o.settings),
    importance: o.settings.importance,
    folds: folds.length,
  };
}

/** The kept features in the frame's order, at least one. */
function chosen(
  names: readonly string[],
  total: Float64Array,
  settings: SelectionSettings,
): Pick<FeatureSelection, "kept" | "dropped" | "shares"> {
  const sum = total.reduce((a, b) => a + b, 0) || 1;
  const shares = names.map((feature, j) => ({ feature, share: Math.max(0, total[j]!) / sum }))
    .sort((a, b) => b.share - a.share || names.indexOf(a.feature) - names.indexOf(b.feature));
  const keep = new Set(
    shares.filter((s, rank) =>
      settings.top !== undefined ? rank < settings.top : s.share >= (settings.minShare ?? 0)
    ).map((s) => s.feature),
  );
  if (keep.size === 0) keep.add(shares[0]!.feature);
  return {
    kept: names.filter((n) => keep.has(n)),
    dropped: names.filter((n) => !keep.has(n)),
    shares,
  };
}

/** Mean |SHAP| per feature over (a seeded sample of) the rows the model was fitted on. */
function shapImportance(
  model: Parameters<typeof explain>[0],
  on: { frame: Frame; seed: number },
): Float64Array {
  const { frame } = on;
  const rows = frame.rows <= SHAP_ROWS
    ? frame
    : frame.take(sampleRows(frame.rows, SHAP_ROWS, on.seed));
  const byName = new Map(explain(model, rows).importance().map((r) => [r.feature, r.meanAbsShap]));
  return Float64Array.from(frame.names, (n) => byName.get(n) ?? 0);
}

/** ROC AUC lost on the held-out rows when each feature's values are shuffled (seeded). */
function permutationImportance(
  model: { predictProba(frame: Frame): Float64Array },
  on: { part: TrainingPart; rows: Int32Array; seed: number },
): Float64Array {
  const x = on.part.frame.take(on.rows), y = takeValues(on.part.labels, on.rows);
  const w = on.part.weights && takeValues(on.part.weights, on.rows);
  const base = rocAuc(y, model.predictProba(x), w);
  const rng = new Rng(on.seed);
  return Float64Array.from(x.names, (_name, j) => {
    const shuffled = rng.shuffle(x.columns[j]!.slice());
    const cols = x.columns.map((c, k) => (k === j ? shuffled : c));
    const auc = rocAuc(y, model.predictProba(new Frame([...x.names], cols)), w);
    return Number.isNaN(auc) || Number.isNaN(base) ? 0 : base - auc;
  });
}
