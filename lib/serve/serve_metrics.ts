/**
 * What the scoring server exposes at `/metrics` (Prometheus text, version 0.0.4): requests by
 * route and status, a latency histogram, rows scored, the feature-fetch time, the feature values
 * of entity reads by state (present, missing, unreadable) and the entities refused for too few,
 * connections open and closed by the guard's timeouts, and the model version serving. The series
 * are bounded whatever clients send: a path that is not a route counts as `route="other"`.
 *
 * @module
 */

import type { ConnectionCounts } from "./connection_guard.ts";

/** Latency buckets, seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The routes counted by name; any other path is `other`. */
export const ROUTES: ReadonlySet<string> = new Set([
  "/healthz",
  "/readyz",
  "/metrics",
  "/v1/score",
  "/v1/feedback",
]);

/** Feature values of entity reads, by state. */
export interface FeatureValueCounts {
  readonly present: number;
  readonly missing: number;
  readonly unreadable: number;
}

/** The server's counters. */
export class ServeMetrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Float64Array(BUCKETS.length + 1);
  #latencySum = 0;
  #latencyCount = 0;
  #rows = 0;
  #fetchSum = 0;
  #fetchCount = 0;
  #values = { present: 0, missing: 0, unreadable: 0 };
  #refused = 0;
  #shadowRows = 0;
  #shadowFailures = 0;
  model = { name: "", version: "" };
  /** The prediction log's counts, when there is one. */
  predictionLog: (() => { written: number; failed: number }) | undefined;
  /** The connection guard's counts, when there is one. */
  connections: (() => ConnectionCounts) | undefined;

  /** Records a finished request (a path that is not one of {@link ROUTES} as `other`). */
  request(path: string, status: number, seconds: number): void {
    const key = `route="${ROUTES.has(path) ? path : "other"}",code="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    let b = 0;
    while (b < BUCKETS.length && seconds > BUCKETS[b]!) b++;
    this.#latency[b]!++;
    this.#latencySum += seconds;
    this.#latencyCount++;
  }

  /** Records rows scored and, for entity requests, the feature-store read time. */
  scored(rows: number, fetchSeconds?: number): void {
    this.#rows += rows;
    if (fetchSeconds !== undefined) {
      this.#fetchSum += fetchSeconds;
      this.#fetchCount++;
    }
  }

  /** Records rows the shadow challenger scored. */
  shadowed(rows: number): void {
    this.#shadowRows += rows;
  }

  /** Records a shadow scoring that failed (the answer was not affected). */
  shadowFailed(): void {
    this.#shadowFailures++;
  }

  /** Records the feature values of an entity read, and the entities refused for too few. */
  featureValues(counts: FeatureValueCounts, refused: number): void {
    this.#values.present += counts.present;
    this.#values.missing += counts.missing;
    this.#values.unreadable += counts.unreadable;
    this.#refused += refused;
  }

  /** The text exposition. */
  toPrometheus(): string {
    const out: string[] = [];
    const head = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    head("serve_requests_total", "counter", "Requests by route (other: not a route) and status.");
    for (const [k, n] of this.#requests) out.push(`serve_requests_total{${k}} ${n}`);
    head("serve_request_duration_seconds", "histogram", "Request latency.");
    let cum = 0;
    BUCKETS.forEach((le, b) => {
      cum += this.#latency[b]!;
      out.push(`serve_request_duration_seconds_bucket{le="${le}"} ${cum}`);
    });
    out.push(`serve_request_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    out.push(`serve_request_duration_seconds_sum ${this.#latencySum}`);
    out.push(`serve_request_duration_seconds_count ${this.#latencyCount}`);
    head("serve_rows_scored_total", "counter", "Rows scored.");
    out.push(`serve_rows_scored_total ${this.#rows}`);
    head("serve_shadow_rows_total", "counter", "Rows the shadow challenger scored.");
    out.push(`serve_shadow_rows_total ${this.#shadowRows}`);
    head(
      "serve_shadow_failures_total",
      "counter",
      "Shadow scorings that failed (the answers were not affected).",
    );
    out.push(`serve_shadow_failures_total ${this.#shadowFailures}`);
    head("serve_feature_fetch_seconds", "summary", "Feature-store reads of entity requests.");
    out.push(`serve_feature_fetch_seconds_sum ${this.#fetchSum}`);
    out.push(`serve_feature_fetch_seconds_count ${this.#fetchCount}`);
    this.#entityLines(head, out);
    this.#optionalLines(head, out);
    head("serve_model_version", "gauge", "The model version serving (1 for it).");
    out.push(`serve_model_version{name="${this.model.name}",version="${this.model.version}"} 1`);
    return out.join("\n") + "\n";
  }

  #entityLines(head: (name: string, type: string, help: string) => void, out: string[]): void {
    head(
      "serve_feature_values_total",
      "counter",
      "Feature values of entity reads: present, missing, or present but unreadable (scored as missing).",
    );
    for (const [state, n] of Object.entries(this.#values)) {
      out.push(`serve_feature_values_total{state="${state}"} ${n}`);
    }
    head(
      "serve_entities_refused_total",
      "counter",
      "Entities refused (422) for too few features present.",
    );
    out.push(`serve_entities_refused_total ${this.#refused}`);
  }

  #optionalLines(head: (name: string, type: string, help: string) => void, out: string[]): void {
    if (this.predictionLog) {
      const { written, failed } = this.predictionLog();
      head(
        "serve_prediction_log_rows_total",
        "counter",
        "Rows written to the prediction log, and failed writes.",
      );
      out.push(`serve_prediction_log_rows_total{result="written"} ${written}`);
      out.push(`serve_prediction_log_rows_total{result="failed"} ${failed}`);
    }
    if (this.connections) {
      const c = this.connections();
      head("serve_connections_open", "gauge", "Client connections open.");
      out.push(`serve_connections_open ${c.open}`);
      head("serve_connections_closed_total", "counter", "Connections closed by a timeout.");
      out.push(`serve_connections_closed_total{reason="header_timeout"} ${c.headerTimeouts}`);
      out.push(`serve_connections_closed_total{reason="idle_timeout"} ${c.idleTimeouts}`);
    }
  }
}
