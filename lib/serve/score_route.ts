/**
 * `POST /v1/score`: feature rows, or entity ids whose features are read from the online store;
 * `?explain=k` adds each row's top-k reason codes (computed in slices, so the server answers
 * other requests meanwhile), `?absent=missing` reads a feature key left out of a row as a missing
 * value. The model is taken once from the slot, so a swap never splits a request. A row carries
 * its counts of missing and unreadable features when there are any; a row, sent or read, with
 * too few features present refuses the request (422, {@link tooFewPresent}).
 *
 * @module
 */

import { Frame } from "../data/frame.ts";
import type { ReasonColumn } from "../explain/reason_codes.ts";
import { redisFailure } from "../features/redis/client.ts";
import { type EntityFeatures, entityFeatures } from "./entity_features.ts";
import { reasonCodesInSlices } from "./explain_slices.ts";
import { readJson } from "./read_body.ts";
import { tooFewPresent } from "./present_share.ts";
import {
  type FeatureRows,
  parseAbsent,
  parseExplain,
  parseScoreRequest,
  RequestError,
} from "./score_request.ts";
import type { LoggedRow, ServeContext } from "./serve_context.ts";
import type { Loaded } from "./model_slot.ts";
import { canaryRows, shadowRows } from "./rollout.ts";
import { queueShadow } from "./shadow_batch.ts";

/** The columns to score, whose rows they are, and what was missing from them. */
interface ScoreInput {
  readonly columns: Float64Array[];
  readonly ids: readonly (string | null)[];
  readonly missing?: Int32Array;
  readonly unreadable?: Int32Array;
  /** The feature-store read, seconds (entity requests). */
  readonly fetchSeconds?: number;
}

const json = (status: number, body: unknown) => Response.json(body, { status });

/**
 * Scores the request's rows (`url`: the request's, for `?explain=k` and `?absent=`).
 *
 * @throws {RequestError} for a refused request (400, 408, 413, 422).
 */
export async function score(ctx: ServeContext, req: Request, url: URL): Promise<Response> {
  const loaded = ctx.slot.current, model = loaded.model;
  const explain = parseExplain(url.searchParams.get("explain"));
  const absentIsMissing = parseAbsent(url.searchParams.get("absent"));
  const parsed = parseScoreRequest(await readJson(req, ctx.limits), model.featureNames, {
    absentIsMissing,
  });
  const input = parsed.kind === "features"
    ? featureInput(parsed, ctx.limits.minPresentShare)
    : await entityInput(ctx, parsed.ids, model.featureNames);
  if (input instanceof Response) return input;
  const frame = new Frame([...model.featureNames], input.columns);
  const canary = ctx.rollout?.canaryShare ? canaryRows(input.ids, ctx.rollout.canaryShare) : null;
  const who = { champion: loaded, challenger: canary && ctx.rollout!.challenger.current, canary };
  const answered = await answerRows(frame, { ...who, explain });
  const predictions = answered.map((a, i) => ({
    ...(input.ids[i] !== null ? { entity_id: input.ids[i] } : {}),
    probability: a.probability,
    label: a.label,
    ...(canary ? { model_version: a.by.version, threshold: a.by.model.decisionThreshold } : {}),
    ...(input.missing?.[i] ? { missing: input.missing[i] } : {}),
    ...(input.unreadable?.[i] ? { unreadable: input.unreadable[i] } : {}),
    ...(a.reasons ? { reasons: a.reasons } : {}),
  }));
  ctx.metrics.scored(frame.rows, input.fetchSeconds);
  const request = nextRequestId();
  const logged = (i: number, a: { probability: number; label: number; by: Loaded }) => ({
    entityId: input.ids[i] ?? null,
    features: input.columns.map((c) => c[i]!),
    probability: a.probability,
    label: a.label,
    model: a.by,
    role: canary?.[i] ? "canary" as const : "champion" as const,
    request: `${request}:${i}`,
    missing: input.missing?.[i] ?? 0,
    unreadable: input.unreadable?.[i] ?? 0,
  });
  ctx.logRows?.(answered.map((a, i) => logged(i, a)));
  if (ctx.rollout?.shadowShare) scheduleShadow(ctx, { frame, input, canary, logged });
  return json(200, {
    model: { name: loaded.name, version: loaded.version },
    threshold: model.decisionThreshold,
    predictions,
  });
}

/** One row's answer: its probability, label, the model that gave them, and its reasons. */
interface Answer {
  readonly probability: number;
  readonly label: number;
  readonly by: Loaded;
  readonly reasons?: { feature: string; value: number }[];
}

/** Each row answered by its model: the champion, or the challenger for canary rows. */
async function answerRows(
  frame: Frame,
  o: { champion: Loaded; challenger: Loaded | null; canary: boolean[] | null; explain: number },
): Promise<Answer[]> {
  const answers = new Array<Answer>(frame.rows);
  const groups: [Loaded, Int32Array][] = o.challenger && o.canary
    ? [
      [o.champion, rowsWhere(o.canary, false)],
      [o.challenger, rowsWhere(o.canary, true)],
    ]
    : [[o.champion, Int32Array.from({ length: frame.rows }, (_, i) => i)]];
  for (const [by, rows] of groups) {
    if (rows.length === 0) continue;
    const part = rows.length === frame.rows ? frame : frame.take(rows);
    const p = by.model.predictProba(part), t = by.model.decisionThreshold;
    const reasons = o.explain > 0
      ? await reasonCodesInSlices(by.model, part, { k: o.explain })
      : [];
    rows.forEach((row, k) => {
      answers[row] = {
        probability: p[k]!,
        label: p[k]! >= t ? 1 : 0,
        by,
        ...(reasons.length ? { reasons: reasonsOf(reasons, k) } : {}),
      };
    });
  }
  return answers;
}

/** Rows whose flag is `value`. */
function rowsWhere(flags: boolean[], value: boolean): Int32Array {
  return Int32Array.from(flags.flatMap((f, i) => (f === value ? [i] : [])));
}

/** The shadowed rows the champion answered, queued for the challenger (`shadow_batch.ts`). */
function scheduleShadow(
  ctx: ServeContext,
  s: {
    frame: Frame;
    input: ScoreInput;
    canary: boolean[] | null;
    logged: (i: number, a: Answer) => LoggedRow;
  },
): void {
  const sampled = shadowRows(s.input.ids, { share: ctx.rollout!.shadowShare, sequence });
  const rows = rowsWhere(sampled.map((x, i) => x && !s.canary?.[i]), true);
  if (rows.length) queueShadow(ctx, { frame: s.frame, rows, logged: s.logged });
}

let sequence = 0;
const PROCESS = crypto.randomUUID().slice(0, 8);

/** A request id unique across the server's life and its restarts (`<process>-<n>`). */
function nextRequestId(): string {
  return `${PROCESS}-${++sequence}`;
}

/** Row `i`'s reasons. */
function reasonsOf(reasons: ReasonColumn[], i: number): { feature: string; value: number }[] {
  return reasons.filter((r) => r.feature[i]).map((r) => ({
    feature: r.feature[i]!,
    value: r.value[i]!,
  }));
}

/**
 * Sent rows as scored: refused (422, one line per row) when a row has too few features present.
 */
function featureInput(parsed: FeatureRows, minPresentShare: number): ScoreInput {
  const width = parsed.columns.length, refused: string[] = [];
  parsed.missing.forEach((m, i) => {
    const line = tooFewPresent(`rows[${i}]`, { present: width - m, width }, minPresentShare);
    if (line) refused.push(line);
  });
  if (refused.length) {
    throw new RequestError(refused.slice(0, 100), {
      status: 422,
      error: "too few features present",
    });
  }
  return { columns: parsed.columns, ids: parsed.ids, missing: parsed.missing };
}

/**
 * The entities' features from the online store: 503 when it cannot be read, 404 for unknown ids,
 * and a refusal (422) naming each entity with too few features present.
 */
async function entityInput(
  ctx: ServeContext,
  ids: string[],
  features: readonly string[],
): Promise<ScoreInput | Response> {
  const online = ctx.online;
  if (!online) {
    throw new RequestError([
      'entity_ids: this server has no feature store (serve with data.source "redis")',
    ]);
  }
  const t0 = performance.now();
  let got: EntityFeatures;
  try {
    got = await entityFeatures(online, ids, {
      features,
      minPresentShare: ctx.limits.minPresentShare,
    });
  } catch (error) {
    const problem = ctx.storeProblem?.() ?? unavailable(error);
    return json(503, {
      error: `the feature store ${online.conn.where} is unavailable: ${problem}`,
    });
  }
  const fetchSeconds = (performance.now() - t0) / 1000;
  if (got.unknown.length) {
    const named = got.unknown.slice(0, 10).join(", ");
    const more = got.unknown.length > 10 ? ` and ${got.unknown.length - 10} more` : "";
    return json(404, { error: `unknown entity ${named}${more}`, unknown: got.unknown });
  }
  const total = (a: Int32Array) => a.reduce((s, v) => s + v, 0);
  const missing = total(got.missing), unreadable = total(got.unreadable);
  ctx.metrics.featureValues({
    present: ids.length * features.length - missing - unreadable,
    missing,
    unreadable,
  }, got.refused.length);
  if (got.refused.length) {
    throw new RequestError(got.refused, { status: 422, error: "too few features present" });
  }
  return {
    columns: got.columns,
    ids,
    missing: got.missing,
    unreadable: got.unreadable,
    fetchSeconds,
  };
}

/** Why the store could not be read, in a phrase. */
function unavailable(error: unknown): string {
  const why = redisFailure(error);
  return /enableOfflineQueue|Connection is closed/.test(why)
    ? "not connected (reconnecting)"
    : why.split("\n")[0]!;
}
