/**
 * HTML for drift reports: a summary table (also the notebook display) and a self-contained page
 * with plotly inlined — per feature, reference vs current shares per PSI bin and each bin's PSI
 * contribution.
 *
 * @module
 */

import type { DriftResult } from "../drift/drift_result.ts";
import type { PsiResult } from "../drift/psi.ts";
import { driftFindings, missingCell, reportNumber } from "./drift_summary.ts";
import { Figure, plotlyScript } from "./figure.ts";
import { chunkFigures } from "./chunk_charts.ts";
import { escapeHtml } from "./_html.ts";

const num = (v: number | null, digits = 4) => (v === null ? "—" : reportNumber(v, digits));

/** The summary: what was found (the verdict last, in bold), then one row per feature. */
export function driftSummaryHtml(report: DriftResult): string {
  const d = report.data;
  const withImportance = d.dataset.driftedImportanceShare !== null;
  const flagged = (f: DriftResult["data"]["features"][number]) => f.drifted || f.missingRose;
  const rows = d.features.map((f) =>
    `<tr${flagged(f) ? ' class="drifted" style="background:#fde2e1"' : ""}>` +
    [
      escapeHtml(f.name),
      f.kind,
      f.test,
      num(f.statistic),
      num(f.pValue),
      num(f.psi),
      missingCell(f.missingShare),
      ...(withImportance ? [f.importance === null ? "—" : f.importance.toFixed(3)] : []),
      f.measurable ? f.severity : "—",
      f.measurable ? (f.drifted ? "yes" : "no") : "not measurable",
    ].map((c) => `<td>${c}</td>`).join("") + "</tr>"
  ).join("");
  const findings = driftFindings(report);
  const verdict = findings.pop()!;
  const head = ["feature", "kind", "test", "statistic", "p-value", "PSI", "missing"]
    .concat(withImportance ? ["importance"] : [], ["severity", "drifted"])
    .map((h) => `<th>${h}</th>`).join("");
  return `<div class="drift-report"><p class="verdict"><b>${escapeHtml(verdict)}</b></p>` +
    findings.map((l) => `<p>${escapeHtml(l)}</p>`).join("") +
    `<p>α = ${d.significanceLevel}${
      d.correction !== "none" ? `, ${d.correction} correction` : ""
    }</p><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Plotly figure of one distribution: reference vs current shares per bin, and PSI per bin. */
export function distributionFigure(
  title: string,
  dist: PsiResult,
): Figure {
  const labels = binLabels(dist);
  const contrib = dist.referenceShares.map((r, i) => {
    const rr = r === 0 ? 1e-4 : r, cc = dist.currentShares[i] === 0 ? 1e-4 : dist.currentShares[i]!;
    return (cc - rr) * Math.log(cc / rr);
  });
  return new Figure({
    data: [
      {
        type: "bar",
        name: "reference",
        x: labels,
        y: dist.referenceShares,
        marker: { color: "#4c78a8" },
      },
      {
        type: "bar",
        name: "current",
        x: labels,
        y: dist.currentShares,
        marker: { color: "#f58518" },
      },
      {
        type: "bar",
        name: "PSI per bin",
        x: labels,
        y: contrib,
        xaxis: "x2",
        yaxis: "y2",
        marker: { color: "#e45756" },
      },
    ],
    layout: {
      title: { text: title },
      barmode: "group",
      grid: { rows: 1, columns: 2, pattern: "independent" },
      height: 320,
      margin: { t: 40, b: 60 },
    },
  });
}

/** Bin labels: categories as they are, numeric edges with three significant digits. */
export function binLabels(d: PsiResult): string[] {
  if (typeof d.bins[0] === "string") return d.bins as string[];
  const e = d.bins as number[];
  if (e.length === 0) return ["all"];
  return [
    `< ${formatEdge(e[0]!)}`,
    ...e.slice(1).map((v, i) => `[${formatEdge(e[i]!)}, ${formatEdge(v)})`),
    `≥ ${formatEdge(e[e.length - 1]!)}`,
  ];
}

/**
 * A bin edge that an axis can show: three significant digits, in exponent notation below 0.001
 * and from 1e6 on (`2.37e-6`, `0.0123`, `1,250`).
 */
export function formatEdge(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
  return Number(v.toPrecision(3)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** One self-contained HTML page: summary, then per feature the distribution and PSI charts. */
export async function driftReportHtml(report: DriftResult): Promise<string> {
  const figures = report.data.features.flatMap((f) =>
    f.distribution
      ? [distributionFigure(
        `${f.name} (${f.test}, PSI ${num(f.psi, 3)}${f.drifted ? ", drifted" : ""})`,
        f.distribution,
      )]
      : []
  );
  if (report.prediction) {
    figures.unshift(
      distributionFigure("model scores (prediction drift)", report.prediction.distribution),
    );
  }
  if (report.chunks) figures.unshift(...chunkFigures(report.chunks));
  // The page inlines plotly.js, so figures are drawn by it; no static SVG placeholders (rendering
  // those would take most of the report's time).
  const divs = await Promise.all(figures.map((f) => f.toHtml({ svg: "" })));
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Drift report</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style>
${await plotlyScript()}</head>
<body><h1>Drift report</h1><p>Reference: ${escapeHtml(report.context.reference)}<br>Current: ${
    escapeHtml(report.context.current)
  }${
    report.context.scenario ? ` (scenario ${escapeHtml(report.context.scenario)})` : ""
  }<br>Created ${escapeHtml(report.context.createdAt)}</p>
${driftSummaryHtml(report)}
<noscript><p>The figures below are drawn by plotly.js: open this page with JavaScript on.</p></noscript>
${divs.join("\n")}
</body></html>
`;
}
