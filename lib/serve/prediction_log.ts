/**
 * The prediction log: every scored row (or a seeded sample of them) with its features, score,
 * label, model version, time, and counts of its missing and unreadable feature values, appended
 * to a Redis stream (`XADD … MAXLEN ~ n`) so production drift can be measured on what production
 * saw; labels that arrive later (`POST /v1/feedback`) go to a hash beside it and are joined by
 * entity id when the log is read back. Writes never fail a request: a failed write is counted.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import type { RedisConnection } from "../features/redis/client.ts";
import { Rng } from "../util/rng.ts";
import { stablePlace } from "./rollout.ts";
import type { LoggedRow } from "./serve_context.ts";

/** Options of {@link redisPredictionLog}. */
export interface PredictionLogOptions {
  /** The stream key. */
  readonly stream: string;
  /** Keep about this many entries (`MAXLEN ~`). */
  readonly maxLen: number;
  /** Share of rows logged, in (0, 1]. */
  readonly sample: number;
  readonly seed: number;
  /** Feature names, in the order of `LoggedRow.features`. */
  readonly features: () => readonly string[];
}

/** A log sink and its failure count. */
export interface PredictionLog {
  readonly write: (rows: LoggedRow[]) => void;
  /** Rows written and writes that failed. */
  readonly stats: () => { written: number; failed: number };
}

/** Appends rows to a Redis stream (one pipelined XADD per row). */
export function redisPredictionLog(
  conn: RedisConnection,
  options: PredictionLogOptions,
): PredictionLog {
  const rng = new Rng(options.seed);
  let written = 0, failed = 0;
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  return {
    write(rows) {
      const names = options.features();
      for (const r of rows) {
        // A row and its shadow share a request id: both are logged, or neither.
        const place = r.request ? stablePlace(`log:${r.request}`) : rng.next();
        if (options.sample < 1 && place >= options.sample) continue;
        const features = Object.fromEntries(names.map((n, j) => [n, r.features[j]]));
        client.xadd(
          options.stream,
          "MAXLEN",
          "~",
          String(options.maxLen),
          "*",
          "time",
          new Date().toISOString(),
          "entity_id",
          r.entityId ?? "",
          "model",
          r.model.name,
          "version",
          r.model.version,
          "role",
          r.role ?? "champion",
          "request",
          r.request ?? "",
          "probability",
          String(r.probability),
          "label",
          String(r.label),
          "features",
          JSON.stringify(features),
          "missing",
          String(r.missing),
          "unreadable",
          String(r.unreadable),
        )
          .then(() => written++, () => failed++);
      }
    },
    stats: () => ({ written, failed }),
  };
}

/** The logged rows read back: features (model order), the scores production returned, labels. */
export interface LoggedSample {
  readonly names: readonly string[];
  readonly columns: Float64Array[];
  readonly scores: Float64Array;
  /** When each row was scored (ms). */
  readonly times: Float64Array;
  readonly entityIds: readonly string[];
  /** The version that scored each row, and for whom: `champion`, `canary` or `shadow`. */
  readonly versions: readonly string[];
  readonly roles: readonly string[];
  /** Each row's request row (`<request>:<row>`): a shadow row shares it with its answer. */
  readonly requests: readonly string[];
  /** Each row's 0/1 decision (the score against its model's threshold). */
  readonly decisions: Uint8Array;
  /** Rows with feedback, and their labels (empty without feedback). */
  readonly labeledRows: Int32Array;
  readonly labels: Uint8Array;
}

/**
 * The latest `max` entries of a prediction stream, joined with the feedback hash (`entity id →
 * label`, the latest label given for the entity); with `roles`, only the rows scored for them
 * (`champion`: the champion's answers, leaving a shadow's and a canary's out).
 *
 * @throws {DataError} for an empty or missing stream.
 */
export async function readPredictionLog(
  conn: RedisConnection,
  source: { stream: string; feedback: string; max: number; roles?: readonly string[] },
): Promise<LoggedSample> {
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  const entries: [string, string[]][] = await client.xrevrange(
    source.stream,
    "+",
    "-",
    "COUNT",
    // With a role filter, read further back: other roles' rows (a shadow's) are left out.
    source.roles ? 2 * source.max : source.max,
  );
  if (!entries.length) {
    throw new DataError(
      `the prediction log ${source.stream} on ${conn.where} is empty: serve some requests first`,
    );
  }
  const rows = entries.reverse().map(([, kv]) => {
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < kv.length; i += 2) m.set(kv[i]!, kv[i + 1]!);
    return m;
  }).filter((m) => !source.roles || source.roles.includes(m.get("role") ?? "champion"))
    .slice(-source.max);
  if (!rows.length) {
    throw new DataError(
      `the prediction log ${source.stream} on ${conn.where} holds no ${
        source.roles?.join(" or ")
      } rows`,
    );
  }
  const names = Object.keys(JSON.parse(rows[0]!.get("features") ?? "{}"));
  const columns = names.map(() => new Float64Array(rows.length));
  rows.forEach((r, i) => {
    const f = JSON.parse(r.get("features") ?? "{}");
    names.forEach((n, j) => columns[j]![i] = typeof f[n] === "number" ? f[n] : NaN);
  });
  const entityIds = rows.map((r) => r.get("entity_id") ?? "");
  const known = await feedbackOf(client, source.feedback, entityIds);
  const labeledRows = Int32Array.from(known.flatMap((v, i) => (v === "0" || v === "1" ? [i] : [])));
  return {
    names,
    columns,
    scores: Float64Array.from(rows, (r) => Number(r.get("probability"))),
    times: Float64Array.from(rows, (r) => Date.parse(r.get("time") ?? "")),
    entityIds,
    versions: rows.map((r) => r.get("version") ?? ""),
    roles: rows.map((r) => r.get("role") ?? "champion"),
    requests: rows.map((r) => r.get("request") ?? ""),
    decisions: Uint8Array.from(rows, (r) => (r.get("label") === "1" ? 1 : 0)),
    labeledRows,
    labels: Uint8Array.from(labeledRows, (i) => Number(known[i])),
  };
}

/** The feedback label of each id (null: none), asked 10,000 ids at a time. */
async function feedbackOf(
  // deno-lint-ignore no-explicit-any
  client: any,
  key: string,
  ids: readonly string[],
): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let i = 0; i < ids.length; i += 10_000) {
    const part = ids.slice(i, i + 10_000).map((id) => id || "\u0000");
    out.push(...(await client.hmget(key, ...part) as (string | null)[]));
  }
  return out;
}

/** The stream and feedback keys of a model's log. */
export function logKeys(model: string): { stream: string; feedback: string } {
  return { stream: `predictions:${model}`, feedback: `feedback:${model}` };
}
