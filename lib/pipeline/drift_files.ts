/**
 * Drift between two files (CSV or Parquet with a header), giving the same report as drift
 * against a run: columns named like a run's reference sample — `label`, `prediction`, and the ids
 * `entity_id` and `feature_timestamp` (each name overridable) — are the target, the scores and
 * ids, not features; with scores in both files the report has prediction drift, and with labels
 * too, performance drift (reference metrics at the reference's best-F1 threshold). A reference
 * feature the current file lacks is a schema change.
 *
 * A feature's kind is decided once for both files: the catalog's for a known feature name;
 * otherwise categorical when named in `categorical` or when either file holds it as text (more
 * unreadable cells than numbers: the one rule of every reader); boolean when every value is 0 or
 * 1; else continuous. Numeric features are read as numbers in both files, their unreadable cells
 * (text, `inf`) counted, reported as warnings and read as missing; categorical ones are compared
 * as numbers when both files hold numbers, else as text in both.
 *
 * @module
 */

import type { FeatureKind } from "../data/feature_spec.ts";
import { readWarnings } from "../data/read_counts.ts";
import {
  holdsText,
  numericCell,
  type NumericRead,
  numericValues,
  readTable,
} from "../data/read_table.ts";
import type { Cell, Table } from "../data/table.ts";
import { type DataDriftOptions, detectDataDrift, type FeatureColumn } from "../drift/data_drift.ts";
import { DriftReport } from "../report/drift_report.ts";
import { performanceDrift, predictionDrift, scoreNote } from "../drift/model_drift.ts";
import { DataError } from "../errors.ts";
import { confusionAt, evaluateBinary, prf } from "../evaluate/binary_metrics.ts";
import { FEATURE_VIEWS } from "../features/catalog.ts";
import { DriftConfigSchema } from "../config/schema.ts";
import { dataDriftOptions } from "./drift_options.ts";
import { driftByChunk, type ReadOf } from "./drift_chunks.ts";
import { domainClassifierDrift } from "../drift/domain_classifier.ts";
import { timestamps } from "../features/file_source.ts";
import type { ChunkBy } from "../drift/chunks.ts";

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
  /** Performance degradation margin (absolute). @default config `drift.performanceMargin` */
  readonly performanceMargin?: number;
  /** Measure per chunk too (estimated performance, multivariate drift). */
  readonly chunking?: ChunkBy;
  /** The time column: orders and cuts the chunks; not a feature. */
  readonly timestampColumn?: string;
  /** The model's 0/1 decisions; without it, score ≥ the reference's best-F1 threshold. */
  readonly predictedClassColumn?: string;
  /** PCA variance share of the reconstruction error. @default 0.65 */
  readonly reconstructionVariance?: number;
  /** Seed of the calibration check and the domain classifier. @default 42 */
  readonly seed?: number;
  /** With a chunking, the domain classifier per chunk too (a few model fits per chunk). */
  readonly domainClassifier?: boolean;
}

/** What options leave unset: the config schema's `drift` defaults. */
const FILE_DRIFT_DEFAULTS = (() => {
  const d = DriftConfigSchema.parse({});
  const { psiBins, performanceMargin, significanceLevel } = d;
  return { ...dataDriftOptions(d), psiBins, performanceMargin, significanceLevel };
})();

const CATALOG_KINDS = new Map<string, FeatureKind>(
  [...FEATURE_VIEWS.values()].flatMap((v) => v.features.map((f) => [f.name, f.kind] as const)),
);

/**
 * Compares the `current` file against the `reference` file, feature by feature, and the scores
 * and labels when both files have them (see {@link driftBetween}).
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
  const given = { ...options, names: { reference, current } };
  const report = driftBetween(ref, cur, given);
  if (!options.domainClassifier || !options.chunking) return report;
  const { r, c } = featureSides(ref, cur, given);
  const names = new Set(c.columns.map((x) => x.name));
  const column = options.timestampColumn;
  const domain = await domainClassifierDrift(
    { columns: r.columns.filter((x) => names.has(x.name)) },
    {
      columns: c.columns,
      ...(column !== undefined ? { timestamps: timestamps(cur, column, current) } : {}),
    },
    { by: options.chunking, seed: options.seed ?? 42 },
  );
  return report.withChunkMeasure(domain);
}

/** Options of {@link driftBetween}: those of files, and what the report calls each side. */
export interface TableDriftOptions extends FileDriftOptions {
  /** The sides' names in the report. @default { reference: "reference", current: "current" } */
  readonly names?: { readonly reference: string; readonly current: string };
}

/**
 * Compares two tables (a `Frame`, or columns of cells as a file reader gives them) feature by
 * feature, and the scores and labels when both have them.
 *
 * @throws {DataError} for an empty side, no feature in common, or a label column that is not 0/1.
 * @example Two frames, one shifted
 * ```ts
 * import { driftBetween } from "./drift_files.ts";
 * import { Frame } from "../data/frame.ts";
 * const ramp = (n: number, shift: number) => Float64Array.from({ length: n }, (_, i) => i + shift);
 * const report = driftBetween(
 *   new Frame(["amount"], [ramp(200, 0)]),
 *   new Frame(["amount"], [ramp(200, 150)]),
 * );
 * report.driftFound; // true
 * ```
 */
export function driftBetween(
  ref: Table,
  cur: Table,
  given: TableDriftOptions = {},
): DriftReport {
  const options = { ...FILE_DRIFT_DEFAULTS, ...given };
  if (ref.rows === 0 || cur.rows === 0) {
    throw new DataError(
      `need rows in both samples, found ${ref.rows} (reference) and ${cur.rows} (current)`,
    );
  }
  const { label, prediction, readOf, r, c } = featureSides(ref, cur, options);
  const data = detectDataDrift(r.columns, c.columns, options);
  const model = modelDrift(ref, cur, { ...options, label, prediction, readOf });
  const chunks = options.chunking
    ? driftByChunk({ table: ref, columns: r.columns }, { table: cur, columns: c.columns }, {
      ...options,
      by: options.chunking,
      label,
      prediction,
      readOf,
      names: options.names ?? { reference: "reference", current: "current" },
      dataDrift: options,
    })
    : undefined;
  // Unreadable scores and labels are counted like features' cells.
  const scoreCells = (t: Table) =>
    Object.fromEntries(
      [label, prediction].filter((n) => t.names.includes(n))
        .map((n) => [n, columnRead(t, n, readOf).unreadable] as const)
        .filter(([, unreadable]) => unreadable > 0),
    );
  const warnings = [
    ...readWarnings({ nonNumeric: { ...r.unreadable, ...scoreCells(ref) } }, "the reference file"),
    ...readWarnings({ nonNumeric: { ...c.unreadable, ...scoreCells(cur) } }, "the current file"),
    ...model.notes,
  ];
  const context = {
    reference: options.names?.reference ?? "reference",
    current: options.names?.current ?? "current",
    createdAt: new Date().toISOString(),
    ...(warnings.length ? { warnings } : {}),
  };
  return new DriftReport(data, context, { ...model.drift, ...(chunks ? { chunks } : {}) });
}

/** Both tables' feature columns as the decided kinds read them (see the module docs). */
function featureSides(ref: Table, cur: Table, options: TableDriftOptions) {
  const label = options.labelColumn ?? "label";
  const prediction = options.predictionColumn ?? "prediction";
  const special = new Set([
    label,
    prediction,
    ...(options.idColumns ?? ["entity_id", "feature_timestamp"]),
    ...[options.timestampColumn, options.predictedClassColumn].filter((n) => n !== undefined),
  ]);
  const features = (t: Table) => t.names.filter((n) => !special.has(n));
  const common = features(ref).filter((n) => cur.names.includes(n));
  if (common.length === 0) {
    throw new DataError("the reference and current files have no feature column in common");
  }
  // Each column is read as numbers once: for its kind, and as its values.
  const reads = new Map<ArrayLike<Cell>, NumericRead>();
  const readOf: ReadOf = (cells) => {
    if (!reads.has(cells)) reads.set(cells, numericValues(cells));
    return reads.get(cells)!;
  };
  const kinds = featureKinds([ref, cur], features(ref).concat(features(cur)), {
    categorical: options.categorical ?? [],
    readOf,
  });
  const sample = (t: Table) => sampleOf(t, features(t), { kinds, readOf });
  return { label, prediction, readOf, r: sample(ref), c: sample(cur) };
}

/** How a feature is compared: its kind, and for categorical ones whether as text. */
interface ColumnKind {
  readonly kind: FeatureKind;
  readonly text: boolean;
}

/** Every feature's kind, decided once from both files (see the module docs). */
function featureKinds(
  tables: readonly [Table, Table],
  names: readonly string[],
  { categorical, readOf }: { categorical: readonly string[]; readOf: ReadOf },
): Map<string, ColumnKind> {
  const named = new Set(categorical);
  const cells = (t: Table, n: string) =>
    t.names.includes(n) ? [t.columns[t.names.indexOf(n)]!] : [];
  const binary = (read: NumericRead) =>
    read.values.every((v) => Number.isNaN(v) || v === 0 || v === 1);
  return new Map(names.map((n) => {
    const sides = tables.flatMap((t) => cells(t, n)).map(readOf);
    const text = sides.some(holdsText);
    const known = CATALOG_KINDS.get(n);
    const kind: FeatureKind = known ??
      (named.has(n) || text ? "categorical" : sides.every(binary) ? "boolean" : "continuous");
    return [n, { kind, text: kind === "categorical" && text }];
  }));
}

/** A file's feature columns as the decided kinds read them, and its unreadable cells. */
function sampleOf(
  t: Table,
  names: readonly string[],
  { kinds, readOf }: { kinds: ReadonlyMap<string, ColumnKind>; readOf: ReadOf },
) {
  const unreadable: Record<string, number> = {};
  const columns = names.map((name): FeatureColumn => {
    const { kind, text } = kinds.get(name)!;
    const cells = t.columns[t.names.indexOf(name)]!;
    if (text) return { name, kind, values: Array.from(cells, asText) };
    const read = readOf(cells);
    if (read.unreadable) unreadable[name] = read.unreadable;
    return { name, kind, values: read.values };
  });
  return { columns, unreadable };
}

/** Prediction drift with scores in both files; performance drift with labels too. */
function modelDrift(
  ref: Table,
  cur: Table,
  options: FileDriftOptions & typeof FILE_DRIFT_DEFAULTS & {
    label: string;
    prediction: string;
    readOf: ReadOf;
  },
) {
  const both = (n: string) => ref.names.includes(n) && cur.names.includes(n);
  if (!both(options.prediction)) return { drift: {}, notes: [] };
  const alpha = options.significanceLevel;
  const scores = (t: Table) => present(columnRead(t, options.prediction, options.readOf).values);
  const [rs, cs] = [scores(ref), scores(cur)];
  const tooFew = scoreNote("prediction drift", "scores", { rs, cs, min: options.minSamples });
  if (tooFew) return { drift: {}, notes: [tooFew] };
  const prediction = predictionDrift(rs, cs, { alpha, psiBins: options.psiBins });
  if (!both(options.label)) return { drift: { prediction }, notes: [] };
  const [r, c] = [labeled(ref, options), labeled(cur, options)];
  const few = scoreNote("performance drift", "labeled rows", {
    rs: r.labels,
    cs: c.labels,
    min: options.minSamples,
  });
  if (few) return { drift: { prediction }, notes: [few] };
  const { best_threshold: threshold, roc_auc } = evaluateBinary(r.labels, r.scores);
  const reference = { roc_auc, ...prf(confusionAt(r.labels, r.scores, { threshold })) };
  const performance = performanceDrift(reference, c, {
    threshold,
    margin: options.performanceMargin,
  });
  return { drift: { prediction, performance }, notes: [] };
}

/** A column's cells as numbers, through the memo every column of the comparison is read by. */
function columnRead(t: Table, name: string, readOf: ReadOf): NumericRead {
  return readOf(t.columns[t.names.indexOf(name)]!);
}

/** Rows with both a 0/1 label and a score. */
function labeled(t: Table, o: { label: string; prediction: string; readOf: ReadOf }) {
  const label = o.label;
  const y = columnRead(t, label, o.readOf).values, p = columnRead(t, o.prediction, o.readOf).values;
  const labels: number[] = [], scores: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i]!) || Number.isNaN(p[i]!)) continue;
    if (y[i] !== 0 && y[i] !== 1) {
      throw new DataError(
        `column "${label}" must hold 0/1 labels, found ${y[i]} in data row ${i + 1}`,
      );
    }
    labels.push(y[i]!);
    scores.push(p[i]!);
  }
  return { labels: Uint8Array.from(labels), scores: Float64Array.from(scores) };
}

/** The present (non-NaN) values. */
function present(values: Float64Array): Float64Array {
  return values.filter((v) => !Number.isNaN(v));
}

/** A categorical cell as text ("" for a missing cell, by the one cell rule). */
function asText(c: Cell): string {
  return Number.isNaN(numericCell(c)) ? "" : String(c).trim();
}
