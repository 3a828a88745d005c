/**
 * The prediction log: every scored row (or a seeded sample of them) with its features, score,
 * label, model version and time, appended to a Redis stream (`XADD … MAXLEN ~ n`) so production
 * drift can be measured on what production saw. Writes are batched per request and never fail
 * a request: a failed write is counted.
 *
 * @module
 */

import type { RedisConnection } from "../features/redis/client.ts";
import { Rng } from "../util/rng.ts";
import type { LoggedRow } from "./score_handler.ts";

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
export function redisPredictionLog(conn: RedisConnection, o: PredictionLogOptions): PredictionLog {
  const rng = new Rng(o.seed);
  let written = 0, failed = 0;
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  return {
    write(rows) {
      const names = o.features();
      for (const r of rows) {
        if (o.sample < 1 && rng.next() >= o.sample) continue;
        const features = Object.fromEntries(names.map((n, j) => [n, r.features[j]]));
        client.xadd(
          o.stream,
          "MAXLEN",
          "~",
          String(o.maxLen),
          "*",
          "time",
          new Date().toISOString(),
          "entity_id",
          r.entityId ?? "",
          "model",
          r.model.name,
          "version",
          r.model.version,
          "probability",
          String(r.probability),
          "label",
          String(r.label),
          "features",
          JSON.stringify(features),
        )
          .then(() => written++, () => failed++);
      }
    },
    stats: () => ({ written, failed }),
  };
}
