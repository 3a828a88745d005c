/**
 * The labeled-file source: rows, real 0/1 labels and feature specs read from a CSV or Parquet
 * file. Feature kinds come from the values: text columns are categorical (codes in sorted order of
 * their categories, kept in the spec), 0/1 columns boolean, other numbers continuous. Every
 * problem with the file is a {@link DataError} naming it.
 *
 * @module
 */

import type { FeatureSpec } from "../data/feature_spec.ts";
import { Frame } from "../data/frame.ts";
import { holdsText, numericCell, numericValues, readTable } from "../data/read_table.ts";
import type { Cell, Table } from "../data/table.ts";
import { DataError } from "../errors.ts";
import type { FeatureSet } from "./window_processor.ts";

/** What to read from the file (the config's `data.file`). */
export interface FileSettings {
  readonly path?: string | undefined;
  readonly label?: string | undefined;
  readonly entityColumn?: string | undefined;
  readonly timestampColumn?: string | undefined;
  readonly featureColumns: readonly string[];
  /** Row weights (not a feature). */
  readonly weightColumn?: string | undefined;
  /** Query-group ids (not a feature; {@link readRankedFile}). */
  readonly groupColumn?: string | undefined;
}

/** Options of {@link readLabeledFile}. */
export interface ReadFileOptions {
  /**
   * The columns to read as text (categorical); every other is read as numbers, its unreadable
   * cells counted — the kinds a model was trained with, instead of ones inferred from this file.
   */
  readonly textColumns?: ReadonlySet<string>;
}

/** Labeled rows read from a file. */
export interface LabeledFile {
  /** Feature rows; entity ids from the entity column (else `row_<n>`), times from the timestamp column (else NaN). */
  readonly features: FeatureSet;
  /** 0/1 labels. */
  readonly labels: Uint8Array;
  /** Row weights, when the settings name a weight column. */
  readonly weights?: Float64Array;
  /** Inferred specs of the feature columns, in order. */
  readonly specs: readonly FeatureSpec[];
  /** Present-but-unreadable values per numeric feature (loaded as missing). */
  readonly nonNumeric: Readonly<Record<string, number>>;
  /** Where the rows came from, in words. */
  readonly description: string;
}

/**
 * Reads a labeled file.
 *
 * @throws {DataError} one sentence each: an unreadable or empty file, duplicate column names (by
 *   {@link readTable}), a missing label (or named) column, labels that are not 0/1 (naming the values found), a
 *   feature that is entirely missing, unreadable timestamps.
 */
export async function readLabeledFile(
  file: FileSettings,
  options: ReadFileOptions = {},
): Promise<LabeledFile> {
  const { table, path, rows } = await readFileRows(file, options);
  return {
    ...rows,
    labels: readLabels(table, file.label!, path),
    ...(file.weightColumn ? { weights: readWeights(table, file.weightColumn, path) } : {}),
  };
}

/** A file's feature rows, their specs and unreadable cells, and where they came from. */
type FileRows = Omit<LabeledFile, "labels" | "weights">;

/** The table of `file` and its feature rows (every column but the label and named ones). */
async function readFileRows(
  file: FileSettings,
  options: ReadFileOptions,
): Promise<{ table: Table; path: string; rows: FileRows }> {
  const path = file.path!, labelColumn = file.label!;
  const table = await readTable(path);
  checkColumns(table, file, path);
  if (table.rows === 0) throw new DataError(`"${path}" has a header but no rows`);
  const skip = new Set([
    labelColumn,
    file.entityColumn,
    file.timestampColumn,
    file.weightColumn,
    file.groupColumn,
  ]);
  const names = file.featureColumns.length
    ? [...file.featureColumns]
    : table.names.filter((n) => !skip.has(n));
  if (names.length === 0) throw new DataError(`"${path}" has no feature columns`);
  const read = names.map((name) =>
    featureColumn(name, table.columns[table.names.indexOf(name)]!, options.textColumns)
  );
  const nonNumeric: Record<string, number> = {};
  for (const c of read) if (c.nonNumeric) nonNumeric[c.spec.name] = c.nonNumeric;
  const rows: FileRows = {
    features: {
      frame: new Frame(names, read.map((c) => c.values)),
      entityIds: entityIds(table, file.entityColumn),
      timestamps: timestamps(table, file.timestampColumn, path),
    },
    specs: read.map((c) => c.spec),
    nonNumeric,
    description: `file ${path} (${table.rows} rows, label ${labelColumn})`,
  };
  return { table, path, rows };
}

/** Query-grouped rows read from a file: relevance grades and a group per row. */
export interface RankedFile extends FileRows {
  /** Relevance grades (numbers ≥ 0), parallel to the rows. */
  readonly grades: Float64Array;
  /** Each row's group: 0, 1, … in order of first appearance in the file. */
  readonly groups: Int32Array;
  /** The group ids as the file wrote them, indexed by group. */
  readonly groupIds: readonly string[];
  /** Row weights, when the settings name a weight column. */
  readonly weights?: Float64Array;
}

/**
 * Reads a file of query groups (`groupColumn` set): feature rows, relevance grades from the label
 * column and the group of each row (rows of a group need not be together).
 *
 * @throws {DataError} as {@link readLabeledFile}, and for grades that are not numbers ≥ 0 or rows
 *   without a group id (counted, with an example).
 */
export async function readRankedFile(
  file: FileSettings,
  options: ReadFileOptions = {},
): Promise<RankedFile> {
  const { table, path, rows } = await readFileRows(file, options);
  const { groups, groupIds } = readGroups(table, file.groupColumn!, path);
  return {
    ...rows,
    grades: readNumbers(table, { column: file.label!, path, what: "label" }),
    groups,
    groupIds,
    ...(file.weightColumn ? { weights: readWeights(table, file.weightColumn, path) } : {}),
    description: `file ${path} (${table.rows} rows in ${groupIds.length} ${
      groupIds.length === 1 ? "group" : "groups"
    }, label ${file.label!})`,
  };
}

/**
 * The group of each row, numbered in order of first appearance.
 *
 * @throws {DataError} counting the rows whose group id is missing (by the one cell rule).
 */
function readGroups(table: Table, column: string, path: string) {
  const cells = table.columns[table.names.indexOf(column)]!;
  const groups = new Int32Array(table.rows), index = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < table.rows; i++) {
    const c = cells[i] ?? null;
    // Missing by the one cell rule (empty, null, NA, NaN, None); anything else is its text.
    if (Number.isNaN(numericCell(c))) {
      missing++;
      continue;
    }
    const id = String(c).trim();
    let g = index.get(id);
    if (g === undefined) index.set(id, g = index.size);
    groups[i] = g;
  }
  if (missing) {
    throw new DataError(`"${path}": group column "${column}" has no group id in ${missing} row(s)`);
  }
  return { groups, groupIds: [...index.keys()] };
}

function checkColumns(table: Table, file: FileSettings, path: string): void {
  const seen = new Set(table.names); // unique: readTable refuses duplicates
  const wanted: Array<[string, string | undefined]> = [
    ["label column", file.label],
    ["entity column", file.entityColumn],
    ["timestamp column", file.timestampColumn],
    ["weight column", file.weightColumn],
    ["group column", file.groupColumn],
    ...file.featureColumns.map((c): [string, string] => ["feature column", c]),
  ];
  for (const [what, name] of wanted) {
    if (name !== undefined && !seen.has(name)) {
      throw new DataError(
        `"${path}" has no ${what} "${name}" (columns: ${table.names.join(", ")})`,
      );
    }
  }
}

/**
 * A column of 0/1 labels.
 *
 * @throws {DataError} naming the values that are not 0/1 (with counts).
 */
export function readLabels(table: Table, column: string, path: string): Uint8Array {
  const cells = table.columns[table.names.indexOf(column)]!;
  const labels = new Uint8Array(table.rows);
  if (cells instanceof Float64Array && labelBits(cells, labels)) return labels;
  const bad = new Map<string, number>();
  for (let i = 0; i < table.rows; i++) {
    const v = numericCell(cells[i]);
    if (v === 0 || v === 1) labels[i] = v;
    else {
      const key = v !== undefined && Number.isNaN(v) ? "(missing)" : String(cells[i]);
      bad.set(key, (bad.get(key) ?? 0) + 1);
    }
  }
  if (bad.size) {
    const found = [...bad].slice(0, 5).map(([k, n]) => `${JSON.stringify(k)} ×${n}`);
    throw new DataError(
      `"${path}": label column "${column}" must hold 0/1, found ${found.join(", ")}${
        bad.size > 5 ? ` and ${bad.size - 5} more values` : ""
      }`,
    );
  }
  return labels;
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return true;
  return false;
}

/**
 * A column of row weights: numbers ≥ 0, not all 0.
 *
 * @throws {DataError} counting the cells that are not such numbers (with an example), or when
 *   every weight is 0.
 */
export function readWeights(table: Table, column: string, path: string): Float64Array {
  const out = readNumbers(table, { column, path, what: "weight" });
  let total = 0;
  for (let i = 0; i < out.length; i++) total += out[i]!;
  if (total === 0) throw new DataError(`"${path}": every weight in "${column}" is 0`);
  return out;
}

/**
 * A column of numbers ≥ 0 (weights, relevance grades).
 *
 * @throws {DataError} counting the cells that are not such numbers, with an example.
 */
function readNumbers(
  table: Table,
  { column, path, what }: { column: string; path: string; what: string },
): Float64Array {
  const cells = table.columns[table.names.indexOf(column)]!;
  const out = new Float64Array(table.rows);
  let bad = 0, example: Cell = null;
  for (let i = 0; i < table.rows; i++) {
    const v = cells instanceof Float64Array ? cells[i]! : numericCell(cells[i]!) ?? NaN;
    if (v >= 0 && v < Infinity) out[i] = v;
    else if (bad++ === 0) example = cells[i] ?? null;
  }
  if (bad) {
    throw new DataError(
      `"${path}": ${what} column "${column}" has ${bad} value(s) that are not numbers ≥ 0 ` +
        `(e.g. ${JSON.stringify(example)})`,
    );
  }
  return out;
}

/** Numbers that are all 0 or 1 into `labels`; false (labels partly written) when one is not. */
function labelBits(values: Float64Array, labels: Uint8Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) return false;
    labels[i] = v;
  }
  return true;
}

/** One feature column as numbers, with its inferred spec. */
interface ReadColumn {
  readonly spec: FeatureSpec;
  readonly values: Float64Array;
  readonly present: number;
  readonly nonNumeric: number;
}

function featureColumn(
  name: string,
  cells: ArrayLike<Cell>,
  text?: ReadonlySet<string>,
): ReadColumn {
  const read = numericValues(cells); // each cell parsed once, for the kind and the values
  if (text ? text.has(name) : holdsText(read)) return categoricalColumn(name, cells);
  const { values, unreadable } = read;
  let present = 0, binary = true, whole = true;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    present++;
    binary &&= v === 0 || v === 1;
    whole &&= Number.isInteger(v);
  }
  const description = `column "${name}" of the input file`;
  const spec: FeatureSpec = binary && present > 0
    ? { name, kind: "boolean", range: [0, 1], description }
    : { name, kind: "continuous", range: [-Infinity, Infinity], description, integer: whole };
  return { spec, values, present, nonNumeric: unreadable };
}

/** A text column: codes in sorted order of the categories found. */
function categoricalColumn(name: string, cells: ArrayLike<Cell>): ReadColumn {
  // Missing by the one cell rule (empty, null, NA, NaN, None); anything else is its text.
  const text = (c: Cell) => (Number.isNaN(numericCell(c)) ? undefined : String(c).trim());
  const found = new Set<string>();
  for (let i = 0; i < cells.length; i++) {
    const s = text(cells[i]);
    if (s !== undefined) found.add(s);
  }
  const categories = [...found].sort();
  const code = new Map(categories.map((c, k) => [c, k]));
  const values = new Float64Array(cells.length);
  let present = 0;
  for (let i = 0; i < cells.length; i++) {
    const s = text(cells[i]);
    values[i] = s === undefined ? NaN : code.get(s)!;
    if (s !== undefined) present++;
  }
  const spec: FeatureSpec = {
    name,
    kind: "categorical",
    integer: true,
    range: [0, Math.max(0, categories.length - 1)],
    description: `text column "${name}" of the input file (${categories.length} categories)`,
    categories,
  };
  return { spec, values, present, nonNumeric: 0 };
}

function entityIds(table: Table, column: string | undefined): string[] {
  if (column === undefined) return Array.from({ length: table.rows }, (_, i) => `row_${i + 1}`);
  const cells = table.columns[table.names.indexOf(column)]!;
  return Array.from({ length: table.rows }, (_, i) => String(cells[i] ?? ""));
}

/** A date and time without a zone (`2018-01-01 00:08:43.152`): read as UTC. */
const NAIVE_TIME = /^\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*$/;

/**
 * A column of times as epoch milliseconds: ISO strings (UTC when they name no zone), epoch-ms
 * numbers or Parquet timestamps (NaN for every row when `column` is undefined); a column of
 * numbers is returned itself.
 *
 * @throws {DataError} counting the values that are neither, with an example.
 */
export function timestamps(
  table: Table,
  column: string | undefined,
  path: string,
): Float64Array {
  if (column === undefined) return new Float64Array(table.rows).fill(NaN);
  const cells = table.columns[table.names.indexOf(column)]! as ArrayLike<unknown>;
  if (cells instanceof Float64Array && !hasNaN(cells)) return cells; // read as times already
  const out = new Float64Array(table.rows);
  let bad = 0, example = "";
  for (let i = 0; i < table.rows; i++) {
    const c = cells[i];
    const t = c instanceof Date
      ? c.getTime()
      : typeof c === "number" || typeof c === "bigint"
      ? Number(c)
      : typeof c === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(c)
      ? Number(c)
      : typeof c === "string"
      ? Date.parse(NAIVE_TIME.test(c) ? `${c.trim().replace(" ", "T")}Z` : c)
      : NaN;
    if (Number.isNaN(t)) {
      bad++;
      example ||= String(c);
    }
    out[i] = t;
  }
  if (bad) {
    throw new DataError(
      `"${path}": timestamp column "${column}" has ${bad} value(s) that are not ISO times or ` +
        `epoch milliseconds (e.g. ${JSON.stringify(example)})`,
    );
  }
  return out;
}
