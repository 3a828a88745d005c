/**
 * The Grafana dashboard cannot drift from the code: every query names metrics the scheduler and
 * the scoring server emit (their real exposition, every series filled), with labels those metrics
 * carry and label values they take; Prometheus scrapes the ports compose gives the two services.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { CycleMetrics } from "../lib/monitor/cycle_metrics.ts";
import { ServeMetrics } from "../lib/serve/serve_metrics.ts";
import { runPython } from "./helpers/python.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Every series both processes expose, filled with a sample of each kind. */
function exposition(): string {
  const cycles = new CycleMetrics();
  cycles.started();
  cycles.record({
    decision: "promoted",
    championAfter: "3",
    driftedShare: 0.4,
    championCurrentAuc: 0.93,
    triggers: [
      { name: "drift", fired: true, value: 0.5, threshold: 0.3 },
      { name: "age", fired: false, value: 12, threshold: 168 },
    ],
  }, 1500);
  const serve = new ServeMetrics();
  serve.model = { name: "fraud_detection", version: "3" };
  serve.request("/v1/score", 200, 0.004);
  serve.scored(1, 0.001);
  serve.featureValues({ present: 10, missing: 1, unreadable: 1 }, 0);
  serve.shadowed(1);
  serve.predictionLog = () => ({ written: 5, failed: 1 });
  serve.connections = () => ({ open: 1, headerTimeouts: 0, idleTimeouts: 0 });
  return cycles.toPrometheus() + serve.toPrometheus();
}

/** Series names and, per name, its labels and the values each label takes. */
function seriesOf(text: string): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const line of text.split("\n")) {
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? /.exec(line);
    if (!m) continue;
    const labels = out.get(m[1]!) ?? new Map<string, Set<string>>();
    for (const [, k, v] of (m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)) {
      labels.set(k!, (labels.get(k!) ?? new Set()).add(v!));
    }
    out.set(m[1]!, labels);
  }
  return out;
}

Deno.test("every dashboard query names emitted metrics, their labels and label values", async () => {
  const dashboard = JSON.parse(
    await Deno.readTextFile(join(ROOT, "deploy/grafana/dashboards/fraud-pipeline.json")),
  );
  const series = seriesOf(exposition());
  const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
    p.targets.map((t) => t.expr)
  );
  assert.ok(exprs.length >= 12, "a query per subject");
  for (const expr of exprs) {
    const names = [...expr.matchAll(/\b((?:serve|monitor)_[a-z_]+)/g)].map((m) => m[1]!);
    assert.ok(names.length > 0, `${expr}: names no metric of ours`);
    const labels = new Map<string, Set<string>>();
    for (const name of names) {
      assert.ok(series.has(name), `${expr}: ${name} is not emitted`);
      for (const [k, v] of series.get(name)!) labels.set(k, v);
    }
    for (const [, label, value] of expr.matchAll(/(\w+)="([^"]*)"/g)) {
      assert.ok(labels.get(label!)?.has(value!), `${expr}: ${label}="${value}" never emitted`);
    }
    for (const [, list] of expr.matchAll(/by \(([^)]*)\)/g)) {
      for (const label of list!.split(",").map((l) => l.trim())) {
        assert.ok(labels.has(label), `${expr}: no series carries the label ${label}`);
      }
    }
    for (const [, label] of expr.matchAll(/\{\{(\w+)\}\}/g)) assert.ok(labels.has(label!), label!);
  }
  // Legends name labels the series carry.
  for (const p of dashboard.panels) {
    for (const t of p.targets as { expr: string; legendFormat: string }[]) {
      const names = [...t.expr.matchAll(/\b((?:serve|monitor)_[a-z_]+)/g)].map((m) => m[1]!);
      for (const [, label] of t.legendFormat.matchAll(/\{\{(\w+)\}\}/g)) {
        assert.ok(names.some((n) => series.get(n)?.has(label!)), `${t.legendFormat}: ${label}`);
      }
    }
  }
  // The subjects the operators asked for are on it.
  const titles = dashboard.panels.map((p: { title: string }) => p.title).join("\n");
  for (
    const subject of [
      /cycles/i,
      /drifted/i,
      /champion/i,
      /trigger/i,
      /requests/i,
      /latency/i,
      /prediction log/i,
    ]
  ) {
    assert.match(titles, subject);
  }
});

Deno.test("Prometheus scrapes the ports compose gives the scheduler and the server; Grafana is provisioned", async () => {
  const read = await runPython<
    {
      prom: { scrape_configs: { static_configs: { targets: string[] }[] }[] };
      compose: { services: Record<string, { command?: string[]; volumes?: string[] }> };
    }
  >(
    `import yaml\nout = {"prom": yaml.safe_load(open(data["prom"])), "compose": yaml.safe_load(open(data["compose"]))}`,
    {
      prom: join(ROOT, "deploy/prometheus/prometheus.yml"),
      compose: join(ROOT, "docker-compose.yml"),
    },
  );
  const targets = read.prom.scrape_configs.flatMap((c) =>
    c.static_configs.flatMap((s) => s.targets)
  );
  const s = read.compose.services;
  const portOf = (name: string) => s[name]!.command![s[name]!.command!.indexOf("--port") + 1];
  assert.deepEqual(targets.sort(), [
    `scheduler:${portOf("scheduler")}`,
    `serve:${portOf("serve")}`,
  ]);
  const mounts = s.grafana!.volumes!.join("\n");
  assert.match(mounts, /deploy\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards/);
  const provider = await Deno.readTextFile(
    join(ROOT, "deploy/grafana/provisioning/dashboards/dashboards.yml"),
  );
  assert.match(provider, /path: \/var\/lib\/grafana\/dashboards/);
});
