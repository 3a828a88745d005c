/**
 * What the scoring server exposes at `/metrics` (Prometheus text, version 0.0.4): requests by
 * route and status, a latency histogram, rows scored, the feature-fetch time, and the model
 * version serving.
 *
 * @module
 */

/** Latency buckets, seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The server's counters. */
export class ServeMetrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Float64Array(BUCKETS.length + 1);
  #latencySum = 0;
  #latencyCount = 0;
  #rows = 0;
  #fetchSum = 0;
  #fetchCount = 0;
  model = { name: "", version: "" };
  /** The prediction log's counts, when there is one. */
  predictionLog: (() => { written: number; failed: number }) | undefined;

  /** Records a finished request. */
  request(route: string, status: number, seconds: number): void {
    const key = `route="${route}",code="${status}"`;
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

  /** The text exposition. */
  toPrometheus(): string {
    const out: string[] = [];
    const head = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    head("serve_requests_total", "counter", "Requests by route and status code.");
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
    head("serve_feature_fetch_seconds", "summary", "Feature-store reads of entity requests.");
    out.push(`serve_feature_fetch_seconds_sum ${this.#fetchSum}`);
    out.push(`serve_feature_fetch_seconds_count ${this.#fetchCount}`);
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
    head("serve_model_version", "gauge", "The model version serving (1 for it).");
    out.push(`serve_model_version{name="${this.model.name}",version="${this.model.version}"} 1`);
    return out.join("\n") + "\n";
  }
}
