/**
 * The scoring server's routes: `POST /v1/score` (feature rows or entity ids; `?explain=k` adds
 * reason codes), `POST /v1/feedback` (labels that arrived later), `/healthz`, `/readyz`, `/metrics`. Each request takes the model once from the
 * slot, so a swap never splits a request. Bad requests are 400 with one line per problem, unknown
 * entities 404 naming them, a feature store that cannot be read 503 saying so.
 *
 * @module
 */

import { z } from "zod";
import { Frame } from "../data/frame.ts";
import type { FeatureView } from "../data/feature_spec.ts";
import { reasonCodes } from "../explain/reason_codes.ts";
import type { RedisConnection } from "../features/redis/client.ts";
import type { Layout } from "../features/redis/layouts.ts";
import { readOnline } from "../features/redis/online.ts";
import type { Loaded, ModelSlot } from "./model_slot.ts";
import { parseScoreRequest, RequestError } from "./score_request.ts";
import type { ServeMetrics } from "./serve_metrics.ts";

/** A scored row as the prediction log keeps it. */
export interface LoggedRow {
  readonly entityId: string | null;
  readonly features: readonly number[];
  readonly probability: number;
  readonly label: number;
  readonly model: Loaded;
}

/** What the routes need. */
export interface ServeContext {
  readonly slot: ModelSlot;
  readonly metrics: ServeMetrics;
  /** The online feature store (entity-id requests need it). */
  readonly online?: {
    readonly conn: RedisConnection;
    readonly layout: Layout;
    readonly view: FeatureView;
  };
  /** Receives scored rows (the prediction log); failures there never fail a request. */
  readonly logRows?: (rows: LoggedRow[]) => void;
  /** Stores labels that arrived later (`POST /v1/feedback`), by entity id. */
  readonly feedback?: (labels: ReadonlyArray<readonly [string, 0 | 1]>) => Promise<void>;
}

const json = (status: number, body: unknown) => Response.json(body, { status });

/** The request handler. */
export function scoreHandler(ctx: ServeContext): (req: Request) => Promise<Response> {
  return async (req) => {
    const t0 = performance.now(), path = new URL(req.url).pathname;
    const res = await route(ctx, req, path);
    ctx.metrics.request(path, res.status, (performance.now() - t0) / 1000);
    return res;
  };
}

async function route(ctx: ServeContext, req: Request, path: string): Promise<Response> {
  if (path === "/healthz") return json(200, { status: "ok" });
  if (path === "/readyz") {
    const m = ctx.slot.current, model = { name: m.name, version: m.version };
    const store = ctx.online ? ctx.online.conn.client.status : "none";
    return store === "ready" || store === "none"
      ? json(200, { status: "ready", model })
      : json(503, { status: "waiting for the feature store", store, model });
  }
  if (path === "/metrics") {
    return new Response(ctx.metrics.toPrometheus(), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  }
  if (path !== "/v1/score" && path !== "/v1/feedback") {
    return json(404, { error: `no route ${path}` });
  }
  if (req.method !== "POST") return json(405, { error: `POST a JSON body to ${path}` });
  try {
    return path === "/v1/feedback" ? await feedback(ctx, req) : await score(ctx, req);
  } catch (error) {
    if (error instanceof RequestError) {
      return json(400, { error: "bad request", problems: error.problems });
    }
    throw error;
  }
}

const Feedback = z.union([
  z.array(
    z.strictObject({
      entity_id: z.string().min(1),
      label: z.union([z.literal(0), z.literal(1)]),
      time: z.string().optional(),
    }),
  ).min(1).max(10_000),
  z.strictObject({
    entity_id: z.string().min(1),
    label: z.union([z.literal(0), z.literal(1)]),
    time: z.string().optional(),
  }),
]);

/** Labels that arrived later, joined to the prediction log by entity id. */
async function feedback(ctx: ServeContext, req: Request): Promise<Response> {
  const body = await req.json().catch(() => {
    throw new RequestError(["body: not JSON"]);
  });
  const parsed = Feedback.safeParse(body);
  if (!parsed.success) {
    throw new RequestError([
      'body: expected {"entity_id": "…", "label": 0 or 1} or an array of them',
    ]);
  }
  if (!ctx.feedback) {
    throw new RequestError([
      "feedback: this server keeps no prediction log (serve with --source redis)",
    ]);
  }
  const items = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  try {
    await ctx.feedback(items.map((f) => [f.entity_id, f.label] as const));
  } catch (error) {
    return json(503, {
      error: `the prediction log is unavailable: ${error instanceof Error ? error.message : error}`,
    });
  }
  return json(200, { stored: items.length });
}

async function score(ctx: ServeContext, req: Request): Promise<Response> {
  const loaded = ctx.slot.current, model = loaded.model;
  const body = await req.json().catch(() => {
    throw new RequestError(["body: not JSON"]);
  });
  const explain = Number(new URL(req.url).searchParams.get("explain") ?? 0);
  if (!Number.isInteger(explain) || explain < 0 || explain > 50) {
    throw new RequestError([`explain: expected an integer in [0, 50], got ${explain}`]);
  }
  const parsed = parseScoreRequest(body, model.featureNames);
  let columns: Float64Array[], ids: (string | null)[], fetch: number | undefined;
  if (parsed.kind === "features") ({ columns, ids } = parsed);
  else {
    const online = ctx.online;
    if (!online) {
      throw new RequestError([
        "entity_ids: this server has no feature store (serve with --source redis)",
      ]);
    }
    const t0 = performance.now();
    let got;
    try {
      got = await readOnline(online.conn, online, parsed.ids);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const said = /enableOfflineQueue|Connection is closed/.test(why)
        ? "not connected (reconnecting)"
        : why;
      return json(503, { error: `the feature store ${online.conn.where} is unavailable: ${said}` });
    }
    fetch = (performance.now() - t0) / 1000;
    if (got.unknown.length) {
      return json(404, { error: `unknown entity ${got.unknown.join(", ")}`, unknown: got.unknown });
    }
    const at = model.featureNames.map((f) => online.view.features.findIndex((s) => s.name === f));
    columns = at.map((k) =>
      Float64Array.from(parsed.ids, (id) => k < 0 ? NaN : got.rows.get(id)![k]!)
    );
    ids = parsed.ids;
  }
  const frame = new Frame([...model.featureNames], columns);
  const p = model.predictProba(frame), t = model.decisionThreshold;
  const reasons = explain > 0
    ? reasonCodes(model.contributions(frame), model.featureNames, explain)
    : [];
  const predictions = Array.from(p, (prob, i) => ({
    ...(ids[i] !== null ? { entity_id: ids[i] } : {}),
    probability: prob,
    label: prob >= t ? 1 : 0,
    ...(reasons.length
      ? {
        reasons: reasons.filter((r) => r.feature[i]).map((r) => ({
          feature: r.feature[i],
          value: r.value[i],
        })),
      }
      : {}),
  }));
  ctx.metrics.scored(p.length, fetch);
  ctx.logRows?.(predictions.map((o, i) => ({
    entityId: ids[i] ?? null,
    features: columns.map((c) => c[i]!),
    probability: o.probability,
    label: o.label,
    model: loaded,
  })));
  return json(200, {
    model: { name: loaded.name, version: loaded.version },
    threshold: t,
    predictions,
  });
}
