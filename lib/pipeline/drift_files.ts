/**
 * Drift between two files (CSV or Parquet with a header), giving the same report as drift
 * against a run: columns named like a run's reference sample — `label`, `prediction`, and the ids
 * `entity_id` and `feature_timestamp` (each name overridable) — are the target, the scores and
 * ids, not features; with scores in both files the report has prediction drift, and with labels
 * too, performance drift (reference metrics at the reference's best-F1 threshold). A reference
 * feature the current file lacks is a schema change.
 *
 * A feature's kind: the catalog's for a known feature name; categorical when named in
 * `categorical` or when either file holds a non-numeric value; boolean when every value is 0 or
 * 1; otherwise continuous.
 *
 * @module
 */

import {
  type Cell,
  numericCell,
  numericColumns,
  readTable,
  type Table,
} from "../data/read_table.ts";
import { type DataDriftOptions, detectDataDrift, type FeatureColumn } from "../drift/data_drift.ts";
import { DriftReport } from "../report/drift_report.ts";
import { performanceDrift, predictionDrift } from "../drift/model_drift.ts";
import { DataError } from "../errors.ts";
import { confusionAt, evaluateBinary, prf } from "../evaluate/binary_metrics.ts";
import type { FeatureKind } from "../data/feature_spec.ts";
import { FEATURE_VIEWS } from "../features/catalog.ts";

/** Options of {@link driftFromFiles}. */
export interface FileDriftOptions extends DataDriftOptions {
  /** Columns to treat as categorical. */
  readonly categorical?: readonly string[];
  /** The label column (0/1). @default "label" */
  readonly labelColumn?: string;
  /** The model-score column. @default "prediction" */
  readonly predictionColumn?: string;
  /** Id columns (not compared). @default ["entity_id", "feature_timestamp"] */
  readonly idColumns?: readonly string[];
  /** Performance degradation margin (absolute). @default 0.05 */
  readonly performanceMargin?: number;
}

const CATALOG_KINDS = new Map<string, FeatureKind>(
  [...FEATURE_VIEWS.values()].flatMap((v) => v.features.map((f) => [f.name, f.kind] as const)),
);

/**
 * Compares `current` against `reference`, feature by feature, and the scores and labels when
 * both files have them.
 *
 * @throws {DataError} for unreadable or empty files, no feature in common, or a label column that
 *   is not 0/1.
 */
export async function driftFromFiles(
  reference: string,
  current: string,
  options: FileDriftOptions = {},
): Promise<DriftReport> {
  const [ref, cur] = [await readTable(reference), await readTable(current)];
  if (ref.rows === 0 || cur.rows === 0) {
    throw new DataError(
      `need rows in both files, found ${ref.rows} (reference) and ${cur.rows} (current)`,
    );
  }
  const label = options.labelColumn ?? "label";
  const prediction = options.predictionColumn ?? "prediction";
  const special = new Set([
    label,
    prediction,
    ...(options.idColumns ?? ["entity_id", "feature_timestamp"]),
  ]);
  const features = (t: Table) => t.names.filter((n) => !special.has(n));
  const common = features(ref).filter((n) => cur.names.includes(n));
  if (common.length === 0) {
    throw new DataError("the reference and current files have no feature column in common");
  }
  const kinds = featureKinds([ref, cur], common, new Set(options.categorical ?? []));
  const columns = (t: Table): FeatureColumn[] =>
    features(t).map((name) => column(t, name, kinds.get(name) ?? "continuous"));
  const data = detectDataDrift(columns(ref), columns(cur), options);
  const context = { reference, current, createdAt: new Date().toISOString() };
  return new DriftReport(data, context, modelDrift(ref, cur, { ...options, label, prediction }));
}

function featureKinds(
  [ref, cur]: readonly [Table, Table],
  names: readonly string[],
  categorical: ReadonlySet<string>,
): Map<string, FeatureKind> {
  return new Map(names.map((n) => {
    const known = CATALOG_KINDS.get(n);
    if (known) return [n, known];
    if (categorical.has(n) || !isNumeric(ref, n) || !isNumeric(cur, n)) return [n, "categorical"];
    return [n, isBinary(ref, n) && isBinary(cur, n) ? "boolean" : "continuous"];
  }));
}

function column(t: Table, name: string, kind: FeatureKind): FeatureColumn {
  if (kind === "categorical" && !isNumeric(t, name)) {
    return { name, kind, values: Array.from(t.columns[t.names.indexOf(name)]!, text) };
  }
  if (!isNumeric(t, name)) {
    // Numeric in the other file only: compare as category labels.
    return {
      name,
      kind: "categorical",
      values: Array.from(t.columns[t.names.indexOf(name)]!, text),
    };
  }
  return { name, kind, values: numericColumns(t, [name]).frame.column(name) };
}

/** Prediction drift with scores in both files; performance drift with labels too. */
function modelDrift(
  ref: Table,
  cur: Table,
  o: FileDriftOptions & { label: string; prediction: string },
) {
  const both = (n: string) => ref.names.includes(n) && cur.names.includes(n);
  if (!both(o.prediction)) return {};
  const alpha = o.significanceLevel ?? 0.05;
  const scores = (t: Table) => numericColumns(t, [o.prediction]).frame.column(o.prediction);
  const prediction = predictionDrift(scores(ref), scores(cur), { alpha, psiBins: o.psiBins ?? 10 });
  if (!both(o.label)) return { prediction };
  const [r, c] = [labeled(ref, o.label, o.prediction), labeled(cur, o.label, o.prediction)];
  const threshold = evaluateBinary(r.labels, r.scores).best_threshold;
  const reference = {
    roc_auc: evaluateBinary(r.labels, r.scores).roc_auc,
    ...prf(confusionAt(r.labels, r.scores, threshold)),
  };
  const performance = performanceDrift(reference, c, {
    threshold,
    margin: o.performanceMargin ?? 0.05,
  });
  return { prediction, performance };
}

/** Rows with both a 0/1 label and a score. */
function labeled(t: Table, label: string, prediction: string) {
  const frame = numericColumns(t, [label, prediction]).frame;
  const y = frame.column(label), p = frame.column(prediction);
  const labels: number[] = [], scores: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i]!) || Number.isNaN(p[i]!)) continue;
    if (y[i] !== 0 && y[i] !== 1) {
      throw new DataError(`column "${label}" must hold 0/1 labels, found ${y[i]} in row ${i + 1}`);
    }
    labels.push(y[i]!);
    scores.push(p[i]!);
  }
  return { labels: Uint8Array.from(labels), scores: Float64Array.from(scores) };
}

function text(c: Cell): string {
  return c === null || c === undefined ? "" : String(c).trim();
}

function isBinary(t: Table, name: string): boolean {
  const col = numericColumns(t, [name]).frame.column(name);
  return col.every((v) => Number.isNaN(v) || v === 0 || v === 1);
}

function isNumeric(t: Table, name: string): boolean {
  return Array.from(t.columns[t.names.indexOf(name)]!).every((c) => numericCell(c) !== undefined);
}
