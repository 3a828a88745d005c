/**
 * Classifier-based (domain classifier) drift: per chunk, how well a model tells the chunk's rows
 * from the reference's — the out-of-fold ROC AUC of gradient-boosted trees (100 rounds, depth 4,
 * η 0.1) trained in 5 seeded stratified folds to label reference rows 0 and chunk rows 1. About
 * 0.5: the chunk looks like the reference; towards 1: it is told apart. The band is NannyML's
 * constant one, [0.45, 0.65]. Text categories are coded by first appearance over both sides.
 *
 * It sees any change a model can learn — a moved marginal, a broken correlation, a new category —
 * at the cost of a few fits per chunk, so it is opted into (`drift.domainClassifier`).
 *
 * @module
 */

import { Frame } from "../data/frame.ts";
import { stratifiedKFold } from "../data/split.ts";
import { rocAuc } from "../evaluate/curves.ts";
import { GradientBoosting } from "../models/gbt/gradient_boosting.ts";
import { chunkValue } from "./chunk_band.ts";
import type { ChunkedMeasure } from "./chunked_measure.ts";
import { type ChunkBy, chunkRows } from "./chunks.ts";
import type { FeatureColumn } from "./data_drift.ts";

/** NannyML's constant band of the domain classifier's ROC AUC. */
export const DOMAIN_BAND = { lower: 0.45, upper: 0.65 } as const;

const FOLDS = 5;
const PARAMS = { n_estimators: 100, max_depth: 4, eta: 0.1, nthread: 1 };

/**
 * The domain classifier's ROC AUC per current chunk (and over the whole current sample).
 *
 * @throws {DataError} for a reference with fewer rows than folds (a chunk with fewer is NaN).
 * @example A moved mean is told apart
 * ```ts
 * import { domainClassifierDrift } from "./domain_classifier.ts";
 * const x = (shift: number) => Float64Array.from({ length: 300 }, (_, i) => (i % 30) + shift);
 * const drift = await domainClassifierDrift(
 *   { columns: [{ name: "amount", kind: "continuous", values: x(0) }] },
 *   { columns: [{ name: "amount", kind: "continuous", values: x(15) }] },
 *   { by: { size: 100 }, seed: 42 },
 * );
 * drift.alerts; // 3: every chunk
 * ```
 */
export async function domainClassifierDrift(
  reference: { readonly columns: readonly FeatureColumn[] },
  current: { readonly columns: readonly FeatureColumn[]; readonly timestamps?: ArrayLike<number> },
  options: { readonly by: ChunkBy; readonly seed: number },
): Promise<ChunkedMeasure> {
  const names = reference.columns.map((c) => c.name)
    .filter((n) => current.columns.some((c) => c.name === n));
  const both = codedColumns(names, [reference.columns, current.columns]);
  const nRef = reference.columns[0]!.values.length;
  const nCur = current.columns[0]!.values.length;
  const chunks = chunkRows(nCur, options.by, current.timestamps);
  const limits = { lower: 0, upper: 1 };
  // A chunk with fewer rows than folds cannot be cross-validated: not measured (NaN, no alert).
  const measure = async (rows: Int32Array) => ({
    value: rows.length < FOLDS ? NaN : await separability(both, { nRef, rows, seed: options.seed }),
    samplingError: NaN,
  });
  const read = async (chunk: { key: string; rows: Int32Array; start?: number; end?: number }) =>
    chunkValue({ ...chunk, rows: chunk.rows.length }, await measure(chunk.rows), {
      band: DOMAIN_BAND,
      limits,
    });
  const values = [];
  for (const chunk of chunks) values.push(await read(chunk));
  const all = Int32Array.from({ length: nCur }, (_, i) => i);
  return {
    measure: "domain_classifier_auc",
    band: DOMAIN_BAND,
    reference: [],
    chunks: values,
    overall: await read({ key: "all", rows: all }),
    alerts: values.filter((c) => c.alert).length,
  };
}

/** Each feature as numbers over reference rows then current rows (text coded by first sight). */
function codedColumns(
  names: readonly string[],
  sides: readonly [readonly FeatureColumn[], readonly FeatureColumn[]],
): { names: readonly string[]; columns: Float64Array[] } {
  const columns = names.map((name) => {
    const parts = sides.map((s) => s.find((c) => c.name === name)!.values);
    const codes = new Map<string, number>();
    const code = (v: number | string) =>
      typeof v === "number"
        ? v
        : v === ""
        ? NaN
        : codes.get(v) ?? (codes.set(v, codes.size), codes.size - 1);
    return Float64Array.from(
      parts.flatMap((p) => Array.from(p as ArrayLike<number | string>, code)),
    );
  });
  return { names, columns };
}

/** Out-of-fold ROC AUC of telling the reference rows (0) from the chunk's rows (1). */
async function separability(
  data: { names: readonly string[]; columns: Float64Array[] },
  at: { nRef: number; rows: Int32Array; seed: number },
): Promise<number> {
  const { nRef, rows, seed } = at;
  const take = Int32Array.from([
    ...Array.from({ length: nRef }, (_, i) => i),
    ...rows.map((r) => nRef + r),
  ]);
  const frame = new Frame(data.names, data.columns).take(take);
  const labels = Uint8Array.from(take, (_, k) => (k < nRef ? 0 : 1));
  const scores = new Float64Array(labels.length);
  for (const { train, test } of stratifiedKFold(labels, FOLDS, seed)) {
    const model = await new GradientBoosting({ ...PARAMS, seed }).fit(
      frame.take(train),
      Uint8Array.from(train, (r) => labels[r]!),
    );
    const p = model.predictProba(frame.take(test));
    test.forEach((r, k) => (scores[r] = p[k]!));
  }
  return rocAuc(labels, scores);
}
