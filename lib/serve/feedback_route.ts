/**
 * `POST /v1/feedback`: labels that arrived later (`{"entity_id": "…", "label": 0 or 1}` or an
 * array of up to 10,000), stored by entity id beside the prediction log, which joins them when it
 * is read back.
 *
 * @module
 */

import { z } from "zod";
import { readJson } from "./read_body.ts";
import { RequestError } from "./score_request.ts";
import type { ServeContext } from "./serve_context.ts";

const Label = z.strictObject({
  entity_id: z.string().min(1),
  label: z.union([z.literal(0), z.literal(1)]),
  time: z.string().optional(),
});

const Feedback = z.union([z.array(Label).min(1).max(10_000), Label]);

const SHAPE = 'body: expected {"entity_id": "…", "label": 0 or 1} or an array of them';

/**
 * Stores the labels of the request's body.
 *
 * @throws {RequestError} for a body that is not labels (400), too large (413) or too slow (408).
 */
export async function feedback(ctx: ServeContext, req: Request): Promise<Response> {
  const body = await readJson(req, ctx.limits);
  if (Array.isArray(body) && body.length > 10_000) throw new RequestError([SHAPE]);
  const parsed = Feedback.safeParse(body);
  if (!parsed.success) throw new RequestError([SHAPE]);
  if (!ctx.feedback) {
    throw new RequestError([
      'feedback: this server keeps no prediction log (serve with data.source "redis")',
    ]);
  }
  const items = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  try {
    await ctx.feedback(items.map((f) => [f.entity_id, f.label] as const));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return Response.json(
      { error: `the prediction log is unavailable: ${why.split("\n")[0]}` },
      { status: 503 },
    );
  }
  return Response.json({ stored: items.length });
}
