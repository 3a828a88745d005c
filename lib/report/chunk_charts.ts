/**
 * Chunked measures as text and charts: per measure a line over the chunks (the reference's grey,
 * the current ones blue, alerts red) with its ± 3 sampling-error bounds and the reference's band
 * as dashed lines; an estimated metric shares its chart with the realized one where labels were
 * known, so estimate and truth sit side by side per chunk.
 *
 * @module
 */

import type { ChunkValue } from "../drift/chunk_band.ts";
import type { ChunkedDrift } from "../drift/chunked_drift.ts";
import type { ChunkedMeasure } from "../drift/chunked_measure.ts";
import { Figure } from "./figure.ts";
import { textTable } from "./text_table.ts";

const fixed = (v: number | null) => (v === null || Number.isNaN(v) ? "-" : v.toFixed(4));

/**
 * One row per measure: the band, the overall value, the latest chunk and the chunks in alert.
 *
 * @example No chunks, no rows
 * ```ts
 * import { chunkTable } from "./chunk_charts.ts";
 * chunkTable({ by: { size: 100 }, measures: [], warnings: [] }).includes("measure"); // true
 * ```
 */
export function chunkTable(c: ChunkedDrift): string {
  const by = "size" in c.by
    ? `${c.by.size} rows`
    : "count" in c.by
    ? `${c.by.count} chunks`
    : `${c.by.period}`;
  const table = textTable(
    ["measure", "band", "overall", "latest chunk", "alerts"],
    c.measures.map((m) => {
      const latest = m.chunks.at(-1);
      return [
        m.measure,
        `[${fixed(m.band.lower)}, ${fixed(m.band.upper)}]`,
        fixed(m.overall.value),
        latest ? `${latest.key} ${fixed(latest.value)}` : "-",
        `${m.alerts} of ${m.chunks.length}`,
      ];
    }),
  );
  const calibrated = c.calibrated === undefined
    ? ""
    : `; scores ${c.calibrated ? "calibrated (isotonic)" : "used as they are"}`;
  return `Per chunk (by ${by}${calibrated}):\n${table}`;
}

/** The charts, one per measure in the measures' order; a realized metric shares its estimate's. */
export function chunkFigures(c: ChunkedDrift): Figure[] {
  const byName = new Map(c.measures.map((m) => [m.measure, m]));
  return c.measures.filter((m) => !m.measure.startsWith("realized_")).map((m) => {
    const realized = byName.get(m.measure.replace(/^estimated_/, "realized_"));
    return chunkFigure(m, realized !== m ? realized : undefined);
  });
}

/** One measure over the reference's and the current chunks, with bounds, band and alerts. */
export function chunkFigure(m: ChunkedMeasure, realized?: ChunkedMeasure): Figure {
  const all = [...m.reference, ...m.chunks];
  const x = all.map((c, i) => `${i < m.reference.length ? "ref " : ""}${c.key}`);
  const current = x.slice(m.reference.length);
  const line = (
    name: string,
    values: readonly ChunkValue[],
    at: { x: string[]; color: string },
  ) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: at.x,
    y: values.map((c) => c.value),
    line: { color: at.color },
  });
  const bound = (which: "lowerBound" | "upperBound") => ({
    type: "scatter",
    mode: "lines",
    name: which === "lowerBound" ? "−3 sampling errors" : "+3 sampling errors",
    x: current,
    y: m.chunks.map((c) => c[which]),
    line: { color: "#9ecae9", dash: "dot", width: 1 },
  });
  const threshold = (v: number | null, name: string) =>
    v === null ? [] : [{
      type: "scatter",
      mode: "lines",
      name,
      x: [x[0], x.at(-1)],
      y: [v, v],
      line: { color: "#e45756", dash: "dash", width: 1 },
    }];
  const alerts = m.chunks.flatMap((c, i) => (c.alert ? [{ x: current[i], y: c.value }] : []));
  return new Figure({
    data: [
      line("reference", m.reference, { x: x.slice(0, m.reference.length), color: "#999999" }),
      line(m.measure.replace(/_/g, " "), m.chunks, { x: current, color: "#4c78a8" }),
      bound("lowerBound"),
      bound("upperBound"),
      ...(realized
        ? [
          line(realized.measure.replace(/_/g, " "), realized.chunks, {
            x: current,
            color: "#54a24b",
          }),
        ]
        : []),
      ...threshold(m.band.lower, "lower threshold"),
      ...threshold(m.band.upper, "upper threshold"),
      {
        type: "scatter",
        mode: "markers",
        name: "alert",
        x: alerts.map((a) => a.x),
        y: alerts.map((a) => a.y),
        marker: { color: "#e45756", size: 10 },
      },
    ],
    layout: {
      title: { text: `${m.measure.replace(/_/g, " ")} per chunk (${m.alerts} alert(s))` },
      height: 340,
      margin: { t: 40, b: 90 },
      xaxis: { tickangle: -45 },
    },
  });
}
