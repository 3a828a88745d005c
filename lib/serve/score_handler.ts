/**
 * The scoring server's routes: `POST /v1/score` (feature rows or entity ids; `?explain=k` adds
 * reason codes), `POST /v1/feedback` (labels that arrived later), `/healthz`, `/readyz`,
 * `/metrics`. Every answer other than a 200 is JSON with a one-line `error`: bad requests are 400
 * with one line per problem, a body over the limit 413 (refused before it is buffered) and one
 * that stops arriving 408, unknown entities 404 naming them, entities with too few features
 * present 422 (one line each; the whole request is refused), a feature store that cannot be read
 * 503 saying why (authentication failed, not connected). An error no route expected is a 500,
 * handed to `onError` — never a request left unanswered.
 *
 * @module
 */

import { feedback } from "./feedback_route.ts";
import { RequestError } from "./score_request.ts";
import { score } from "./score_route.ts";
import type { ServeContext } from "./serve_context.ts";

export type { LoggedRow, ServeContext } from "./serve_context.ts";

const json = (status: number, body: unknown) => Response.json(body, { status });

/** The request handler. */
export function scoreHandler(ctx: ServeContext): (req: Request) => Promise<Response> {
  return async (req) => {
    const t0 = performance.now();
    const url = requestUrl(req.url), path = url.pathname;
    let res: Response;
    try {
      res = await route(ctx, req, url);
    } catch (error) {
      res = answerError(ctx, error);
    }
    ctx.metrics.request(path, res.status, (performance.now() - t0) / 1000);
    return res;
  };
}

/**
 * The request's URL. `Deno.serve` builds it from the Host header, which a client may fill with
 * something that is not a host (`a b`, `[::`), making the URL invalid: the path and query are
 * then read on their own.
 */
function requestUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    const at = url.indexOf("/", url.indexOf("//") + 2);
    try {
      return new URL(at < 0 ? "/" : url.slice(at).replace(/^\/+/, "/"), "http://localhost");
    } catch {
      return new URL("http://localhost/");
    }
  }
}

function answerError(ctx: ServeContext, error: unknown): Response {
  if (error instanceof RequestError) {
    const res = json(error.status, { error: error.error, problems: error.problems });
    // The body was left unread (too large, late, broken): the connection cannot carry another
    // request, so it is closed rather than held for the rest of a body.
    if (error.closesConnection) res.headers.set("connection", "close");
    return res;
  }
  ctx.onError?.(error);
  return json(500, { error: "internal error (the server logged it)" });
}

async function route(ctx: ServeContext, req: Request, url: URL): Promise<Response> {
  const path = url.pathname;
  if (path === "/healthz") return json(200, { status: "ok" });
  if (path === "/readyz") return readiness(ctx);
  if (path === "/metrics") {
    return new Response(ctx.metrics.toPrometheus(), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  }
  if (path !== "/v1/score" && path !== "/v1/feedback") {
    return json(404, { error: `no route ${path.length > 100 ? `${path.slice(0, 99)}…` : path}` });
  }
  if (req.method !== "POST") return json(405, { error: `POST a JSON body to ${path}` });
  return path === "/v1/feedback" ? await feedback(ctx, req) : await score(ctx, req, url);
}

/** Ready when the model is loaded and the feature store (if any) connected; else 503 saying why. */
function readiness(ctx: ServeContext): Response {
  const m = ctx.slot.current, model = { name: m.name, version: m.version };
  const store = ctx.online ? ctx.online.conn.client.status : "none";
  const problem = ctx.storeProblem?.();
  if ((store === "ready" || store === "none") && !problem) {
    return json(200, { status: "ready", model });
  }
  const status = problem ? `feature store ${problem}` : "waiting for the feature store";
  return json(503, { status, store, model });
}
