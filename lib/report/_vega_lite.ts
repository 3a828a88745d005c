/**
 * Plotly figure JSON → a Vega-Lite spec, for the static SVG that viewers without scripts show.
 * Covers the trace types our charts use: `scatter` lines, `bar` (vertical, horizontal, grouped),
 * `histogram` (with `histnorm: "probability"`), `heatmap`, horizontal `waterfall` (absolute,
 * relative and total steps), a second subplot (`xaxis: "x2"`) and
 * vertical line shapes. Colors follow the trace's own or plotly.js's default colorway, so the
 * static picture matches the interactive one.
 *
 * @module
 */

import type { PlotlySpec } from "./plotly_spec.ts";

type Trace = Record<string, unknown>;
type Spec = Record<string, unknown>;

/** plotly.js's default colorway (D3 category10). */
const COLORWAY = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const WIDTH = 640;

const text = (t: unknown): string =>
  typeof t === "string" ? t : (t as { text?: string } | undefined)?.text ?? "";

/** The Vega-Lite spec drawing `figure` as closely as a static chart can. */
export function vegaLiteSpec(figure: PlotlySpec): Spec {
  const layout = figure.layout;
  const names = figure.data.map((t, i) => String(t.name ?? `trace ${i}`));
  const colors = figure.data.map((t, i) =>
    String(
      (t.marker as Trace | undefined)?.color ?? (t.line as Trace | undefined)?.color ??
        COLORWAY[i % COLORWAY.length],
    )
  );
  const color = { domain: names, range: colors };
  const panels = new Map<string, Spec[]>();
  figure.data.forEach((trace, i) => {
    const axis = String(trace.xaxis ?? "x");
    const layers = panels.get(axis) ?? [];
    layers.push(traceLayer(trace, { name: names[i]!, color, layout }));
    panels.set(axis, layers);
  });
  const heightOf = Number(layout.height ?? 400) - 90;
  const width = Math.round(WIDTH / panels.size);
  const charts = [...panels.entries()].map(([axis, layers]) => {
    const extra = axis === "x" ? shapeLayers(layout) : [];
    return {
      width,
      height: Math.max(120, heightOf),
      layer: [...layers, ...extra],
    };
  });
  const base = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: text(layout.title),
    config: { font: "sans-serif", legend: { orient: "right" }, view: { stroke: "#ddd" } },
  };
  return charts.length === 1
    ? { ...base, ...charts[0]! }
    : { ...base, hconcat: charts, resolve: { scale: { y: "independent" } } };
}

/** How a trace is drawn among the figure's: its series name, the shared colors, the layout. */
interface TraceContext {
  readonly name: string;
  readonly color: { domain: string[]; range: string[] };
  readonly layout: Record<string, unknown>;
}

function traceLayer(t: Trace, ctx: TraceContext): Spec {
  const { name, color, layout } = ctx;
  const xTitle = text((layout.xaxis as Trace | undefined)?.title) || null;
  const yTitle = text((layout.yaxis as Trace | undefined)?.title) || null;
  const series = { field: "series", type: "nominal", title: null, scale: color };
  switch (t.type) {
    case "bar":
      return barLayer(t, { name, series, grouped: layout.barmode === "group" });
    case "histogram":
      return histogramLayer(t, { name, series, bins: Number(t.nbinsx ?? 30) });
    case "heatmap":
      return heatmapLayer(t, layout);
    case "waterfall":
      return waterfallLayer(t);
    default:
      return {
        data: { values: points(t.x, t.y).map(([x, y]) => ({ x, y, series: name })) },
        mark: {
          type: "line",
          clip: true,
          ...((t.line as Trace | undefined)?.dash ? { strokeDash: [4, 4] } : {}),
        },
        encoding: {
          x: { field: "x", type: "quantitative", title: xTitle },
          y: { field: "y", type: "quantitative", title: yTitle },
          color: series,
        },
      };
  }
}

function barLayer(
  t: Trace,
  { name, series, grouped }: { name: string; series: Spec; grouped: boolean },
): Spec {
  const horizontal = t.orientation === "h";
  const values = points(t.x, t.y).map(([x, y]) => ({ x, y, series: name }));
  const cat = horizontal ? "y" : "x", num = horizontal ? "x" : "y";
  const order = values.map((v) => v[cat]);
  return {
    data: { values },
    mark: { type: "bar" },
    encoding: {
      [cat]: {
        field: cat,
        type: "nominal",
        sort: horizontal ? [...order].reverse() : order,
        title: null,
        axis: { labelLimit: 200, labelAngle: horizontal ? 0 : -40 },
      },
      [num]: { field: num, type: "quantitative", title: null },
      color: series,
      ...(grouped && !horizontal ? { xOffset: { field: "series" } } : {}),
    },
  };
}

/** A horizontal waterfall: each step a bar from the running total to the next (rows top-down). */
function waterfallLayer(t: Trace): Spec {
  const xs = Array.from(t.x as ArrayLike<number>), ys = Array.from(t.y as ArrayLike<string>);
  const measure = Array.from((t.measure ?? []) as ArrayLike<string>);
  let total = 0;
  const values = xs.map((x, i) => {
    const m = measure[i] ?? "relative";
    const from = m === "relative" ? total : 0;
    const to = m === "relative" ? total + x : m === "absolute" ? x : total;
    if (m !== "total") total = to;
    const step = m === "relative" ? (x >= 0 ? "increase" : "decrease") : "total";
    return { y: ys[i], x0: from, x1: to, step };
  });
  return {
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "y", type: "nominal", sort: ys, title: null, axis: { labelLimit: 220 } },
      x: { field: "x0", type: "quantitative", title: text(t.name) || null },
      x2: { field: "x1" },
      color: {
        field: "step",
        type: "nominal",
        title: null,
        scale: {
          domain: ["increase", "decrease", "total"],
          range: ["#d62728", "#1f77b4", "#7f7f7f"],
        },
      },
    },
  };
}

function histogramLayer(
  t: Trace,
  { name, series, bins }: { name: string; series: Spec; bins: number },
): Spec {
  const values = Array.from(t.x as ArrayLike<number>, (x) => ({ x, series: name }));
  return {
    data: { values },
    transform: [
      { bin: { maxbins: bins }, field: "x", as: ["x0", "x1"] },
      { aggregate: [{ op: "count", as: "n" }], groupby: ["x0", "x1", "series"] },
      { joinaggregate: [{ op: "sum", field: "n", as: "total" }], groupby: ["series"] },
      { calculate: "datum.n / datum.total", as: "share" },
    ],
    mark: { type: "bar", opacity: Number(t.opacity ?? 0.6), binSpacing: 0 },
    encoding: {
      x: { field: "x0", type: "quantitative", bin: { binned: true }, title: null },
      x2: { field: "x1" },
      y: { field: "share", type: "quantitative", title: "share", stack: null },
      color: series,
    },
  };
}

function heatmapLayer(t: Trace, _layout: Record<string, unknown>): Spec {
  const xs = t.x as string[], ys = t.y as string[], z = t.z as number[][];
  const values = ys.flatMap((y, i) => xs.map((x, j) => ({ x, y, z: z[i]?.[j] ?? null })));
  return {
    data: { values },
    mark: { type: "rect" },
    encoding: {
      x: { field: "x", type: "nominal", sort: xs, title: null, axis: { labelAngle: -60 } },
      y: { field: "y", type: "nominal", sort: ys, title: null },
      color: {
        field: "z",
        type: "quantitative",
        title: null,
        scale: {
          scheme: "redblue",
          reverse: true,
          domain: [Number(t.zmin ?? -1), Number(t.zmax ?? 1)],
        },
      },
    },
  };
}

function shapeLayers(layout: Record<string, unknown>): Spec[] {
  const shapes = (layout.shapes ?? []) as Trace[];
  return shapes.filter((s) => s.type === "line" && s.x0 === s.x1).map((s) => ({
    data: { values: [{ x: s.x0 }] },
    mark: { type: "rule", strokeDash: [6, 4], color: "#444" },
    encoding: { x: { field: "x", type: "quantitative" } },
  }));
}

function points(x: unknown, y: unknown): Array<[unknown, unknown]> {
  const xs = Array.from((x ?? []) as ArrayLike<unknown>),
    ys = Array.from((y ?? []) as ArrayLike<unknown>);
  const out: Array<[unknown, unknown]> = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const v = ys[i];
    if (v !== null && !(typeof v === "number" && !Number.isFinite(v))) out.push([xs[i], v]);
  }
  return out;
}
