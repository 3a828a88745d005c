/**
 * The body of `POST /v1/score`, checked: feature rows (one object, an array, or
 * `{ "rows": [...] }`) or entity ids (`{ "entity_id": "…" }`, `{ "entity_ids": [...] }`, 1 to
 * {@link MAX_ROWS}). Every model feature must be in every row, as a number (booleans count as
 * 1/0) or `null`: a missing value, scored as `deno task predict` scores an empty cell (trees by
 * their learned default direction, logistic regression with its training fill value). A key left
 * out is a problem unless the request opts in with `?absent=missing` (then it is a missing value
 * too, as a feature store's absent field is); the opt-in is a query parameter, like `?explain=k`,
 * so it holds for every body shape, a bare row included. Each problem is one line naming the row
 * and the feature (at most 100 lines, a value shown by at most 40 characters), and the whole
 * request is refused (400) when there is any. Also the queries `?explain=k` (a plain decimal
 * integer from 0 to {@link MAX_EXPLAIN}) and `?absent=` (`missing`, or `error`, the default).
 *
 * @module
 */

/** A refused request: its HTTP status, a one-line error, and one line per problem. */
export class RequestError extends Error {
  readonly problems: readonly string[];
  /** The HTTP status answered. */
  readonly status: number;
  /** The one-line summary answered as `error`. */
  readonly error: string;
  /** The request's body was left unread: the connection cannot carry another request. */
  readonly closesConnection: boolean;
  /**
   * @param problems One line per problem.
   * @param answer The status (default 400), the one-line summary (default "bad request"), and
   *   whether the connection is to be closed after the answer (default false).
   */
  constructor(
    problems: readonly string[],
    answer: { status?: number; error?: string; closesConnection?: boolean } = {},
  ) {
    super(problems.join("\n"));
    this.name = "RequestError";
    this.problems = problems;
    this.status = answer.status ?? 400;
    this.error = answer.error ?? "bad request";
    this.closesConnection = answer.closesConnection ?? false;
  }
}

/** Feature rows to score. */
export interface FeatureRows {
  readonly kind: "features";
  /** One column per model feature (NaN = missing). */
  readonly columns: Float64Array[];
  /** Each row's `entity_id`, if it has one. */
  readonly ids: (string | null)[];
  /** Per row: model features with no value (`null`, or absent under `?absent=missing`). */
  readonly missing: Int32Array;
}

/** What to score. */
export type ScoreRequest = FeatureRows | { readonly kind: "entities"; readonly ids: string[] };

/** How a feature row is read. */
export interface ScoreRequestOptions {
  /**
   * A feature key left out of a row is a missing value, as `null` is (`?absent=missing`); else it
   * is a problem (400).
   * @default false
   */
  readonly absentIsMissing?: boolean;
}

/** Most rows or ids per request. */
export const MAX_ROWS = 10_000;

/** Most reason codes per row (`?explain=k`). */
export const MAX_EXPLAIN = 50;

const MAX_PROBLEMS = 100;

const SHAPE =
  `body: expected feature rows (an object, an array, or {"rows": [...]}) or {"entity_ids": [...]}, at most ${MAX_ROWS}`;

type Row = Record<string, unknown>;

const isRow = (v: unknown): v is Row => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value as a problem line shows it: JSON, at most 40 characters; arrays and objects by kind. */
function preview(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (isRow(v)) return "an object";
  const text = typeof v === "string"
    ? JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}…` : v)
    : String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Checks `body` against the model's `features`.
 *
 * @throws {RequestError} for a body of the wrong shape, or rows with absent (unless
 *   `options.absentIsMissing`) or non-numeric features.
 * @example A row with a missing and an absent feature
 * ```ts
 * import { parseScoreRequest } from "./score_request.ts";
 *
 * const r = parseScoreRequest({ amount: null }, ["amount", "txn_count_5m"], {
 *   absentIsMissing: true,
 * });
 * r.kind === "features" && r.missing[0]; // 2
 * ```
 */
export function parseScoreRequest(
  body: unknown,
  features: readonly string[],
  options: ScoreRequestOptions = {},
): ScoreRequest {
  const ids = entityIds(body);
  if (ids) return { kind: "entities", ids };
  const rows = featureRows(body);
  const columns = features.map(() => new Float64Array(rows.length));
  const missing = new Int32Array(rows.length);
  const problems: string[] = [];
  for (let i = 0; i < rows.length && problems.length < MAX_PROBLEMS; i++) {
    const row = rows[i]!;
    features.forEach((f, j) => {
      const v = Object.hasOwn(row, f) ? row[f] : undefined;
      if (v === null || (v === undefined && options.absentIsMissing)) {
        columns[j]![i] = NaN;
        missing[i]!++;
      } else if (v === undefined) problems.push(`rows[${i}].${f}: ${ABSENT}`);
      else if (typeof v === "boolean") columns[j]![i] = v ? 1 : 0;
      else if (typeof v !== "number" || !Number.isFinite(v)) {
        problems.push(`rows[${i}].${f}: expected a number, got ${preview(v)}`);
      } else columns[j]![i] = v;
    });
  }
  if (problems.length) throw new RequestError(problems.slice(0, MAX_PROBLEMS));
  const rowIds = rows.map((r) => (typeof r.entity_id === "string" ? r.entity_id : null));
  return { kind: "features", columns, ids: rowIds, missing };
}

/** The problem of a feature key left out of a row (without `?absent=missing`). */
const ABSENT = "absent (send null for a missing value, or use ?absent=missing)";

/**
 * The ids of an entity request (`{"entity_id": "…"}` alone, or `{"entity_ids": [...]}` alone),
 * undefined for a body of feature rows.
 */
function entityIds(body: unknown): string[] | undefined {
  if (!isRow(body)) return undefined;
  const keys = Object.keys(body);
  if (keys.length === 1 && keys[0] === "entity_id") {
    const id = body.entity_id;
    if (typeof id === "string" && id !== "") return [id];
    throw new RequestError([`entity_id: expected a non-empty string, got ${preview(id)}`]);
  }
  if (!("entity_ids" in body)) return undefined;
  if (keys.length !== 1) {
    const other = keys.find((k) => k !== "entity_ids")!;
    throw new RequestError([
      `body: {"entity_ids": [...]} takes no other field, got ${preview(other)}`,
    ]);
  }
  const ids = body.entity_ids;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_ROWS) {
    const got = Array.isArray(ids) ? String(ids.length) : preview(ids);
    throw new RequestError([`entity_ids: expected 1 to ${MAX_ROWS} entity ids, got ${got}`]);
  }
  const bad = ids.findIndex((id) => typeof id !== "string" || id === "");
  if (bad >= 0) {
    throw new RequestError([
      `entity_ids[${bad}]: expected a non-empty string, got ${preview(ids[bad])}`,
    ]);
  }
  return ids as string[];
}

/** The rows of a feature request: an array of objects, `{"rows": [...]}`, or one object. */
function featureRows(body: unknown): Row[] {
  const rows = Array.isArray(body)
    ? body
    : isRow(body) && Array.isArray(body.rows) && Object.keys(body).length === 1
    ? body.rows as unknown[]
    : isRow(body)
    ? [body]
    : undefined;
  if (!rows || rows.length < 1 || rows.length > MAX_ROWS || !rows.every(isRow)) {
    throw new RequestError([SHAPE]);
  }
  return rows;
}

/**
 * The `?explain=k` query (null when absent): a plain decimal integer from 0 to {@link MAX_EXPLAIN}
 * — not `1e1`, `0x5`, `5.0`, `+5` or an empty value, which `Number()` would take.
 *
 * @throws {RequestError} for anything else.
 */
export function parseExplain(value: string | null): number {
  if (value === null) return 0;
  if (/^\d{1,2}$/.test(value) && Number(value) <= MAX_EXPLAIN) return Number(value);
  throw new RequestError([
    `explain: expected an integer from 0 to ${MAX_EXPLAIN}, got ${preview(value)}`,
  ]);
}

/**
 * The `?absent=` query: true for `missing` (a feature key left out of a row is a missing value),
 * false for `error` or no query (it is a problem, 400).
 *
 * @throws {RequestError} for any other value.
 */
export function parseAbsent(value: string | null): boolean {
  if (value === null || value === "error") return false;
  if (value === "missing") return true;
  throw new RequestError([`absent: expected "missing" or "error", got ${preview(value)}`]);
}
