/**
 * The scheduler's HTTP face: `/healthz` (200 while healthy, 503 after repeated failed cycles,
 * with a JSON body) and `/metrics` (Prometheus text), on `Deno.serve`.
 *
 * @module
 */

import type { CycleMetrics } from "./cycle_metrics.ts";

/** A running health server. */
export interface HealthServer {
  readonly port: number;
  /** Stops accepting connections and finishes in-flight requests. */
  shutdown(): Promise<void>;
}

/** Serves `/healthz` and `/metrics` for `metrics` on `hostname:port` (port 0 = any free one). */
export function serveHealth(
  metrics: CycleMetrics,
  { hostname, port }: { hostname: string; port: number },
): HealthServer {
  const server = Deno.serve({ hostname, port, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") {
      const h = metrics.health();
      return Response.json({ status: h.healthy ? "ok" : "failing", ...h }, {
        status: h.healthy ? 200 : 503,
      });
    }
    if (path === "/metrics") {
      return new Response(metrics.toPrometheus(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    }
    return new Response("not found: try /healthz or /metrics\n", { status: 404 });
  });
  return { port: server.addr.port, shutdown: () => server.shutdown() };
}
