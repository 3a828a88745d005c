/**
 * The body of `POST /v1/score`, checked: feature rows (one object, an array, or `{ "rows": [...] }`)
 * or entity ids (`{ "entity_id": "…" }`, `{ "entity_ids": [...] }`). Every model feature must be a
 * number in every row (booleans count as 1/0); each problem is one line naming the row and the
 * feature, and the whole request is refused (400) when there is any.
 *
 * @module
 */

import { z } from "zod";

/** A refused request: one line per problem. */
export class RequestError extends Error {
  readonly problems: readonly string[];
  /** @param problems One line per problem. */
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "RequestError";
    this.problems = problems;
  }
}

/** What to score. */
export type ScoreRequest =
  | { readonly kind: "features"; readonly columns: Float64Array[]; readonly ids: (string | null)[] }
  | { readonly kind: "entities"; readonly ids: string[] };

/** Most rows or ids per request. */
export const MAX_ROWS = 10_000;

const Row = z.record(z.string(), z.unknown());
const Body = z.union([
  z.strictObject({ entity_ids: z.array(z.string().min(1)).min(1).max(MAX_ROWS) }),
  z.strictObject({ entity_id: z.string().min(1) }),
  z.strictObject({ rows: z.array(Row).min(1).max(MAX_ROWS) }),
  z.array(Row).min(1).max(MAX_ROWS),
  Row,
]);

/**
 * Checks `body` against the model's `features`.
 *
 * @throws {RequestError} for a body of the wrong shape, or rows with missing or non-numeric features.
 */
export function parseScoreRequest(body: unknown, features: readonly string[]): ScoreRequest {
  const parsed = Body.safeParse(body);
  if (!parsed.success) {
    throw new RequestError([
      `body: expected feature rows (an object, an array, or {"rows": [...]}) or {"entity_ids": [...]}, at most ${MAX_ROWS}`,
    ]);
  }
  const b = parsed.data as Record<string, unknown> | Record<string, unknown>[];
  if (!Array.isArray(b) && Array.isArray(b.entity_ids)) {
    return { kind: "entities", ids: b.entity_ids as string[] };
  }
  if (!Array.isArray(b) && typeof b.entity_id === "string" && Object.keys(b).length === 1) {
    return { kind: "entities", ids: [b.entity_id] };
  }
  const rows = Array.isArray(b)
    ? b
    : Array.isArray(b.rows)
    ? b.rows as Record<string, unknown>[]
    : [b];
  const columns = features.map(() => new Float64Array(rows.length));
  const problems: string[] = [];
  rows.forEach((row, i) => {
    features.forEach((f, j) => {
      const v = row[f];
      if (v === undefined || v === null) problems.push(`rows[${i}].${f}: missing`);
      else if (typeof v === "boolean") columns[j]![i] = v ? 1 : 0;
      else if (typeof v !== "number" || !Number.isFinite(v)) {
        problems.push(`rows[${i}].${f}: expected a number, got ${JSON.stringify(v)}`);
      } else columns[j]![i] = v;
    });
  });
  if (problems.length) throw new RequestError(problems.slice(0, 100));
  const ids = rows.map((r) => (typeof r.entity_id === "string" ? r.entity_id : null));
  return { kind: "features", columns, ids };
}
