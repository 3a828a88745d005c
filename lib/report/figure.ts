/**
 * A plotly figure that displays itself in Jupyter (Deno kernel) with the plotly MIME type, and
 * an HTML table of its data as the fallback for front ends without plotly.
 *
 * @module
 */

/** Plotly's figure JSON. */
export interface PlotlySpec {
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/** The MIME type JupyterLab renders plotly figures from. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/**
 * A figure for notebooks and reports.
 *
 * @example
 * ```ts
 * new Figure({ data: [{ type: "bar", x: ["a"], y: [1] }], layout: { title: { text: "t" } } });
 * ```
 */
export class Figure {
  /** The plotly spec. */
  readonly spec: PlotlySpec;

  constructor(spec: PlotlySpec) {
    this.spec = spec;
  }

  /** Title text, if any. */
  get title(): string {
    const t = this.spec.layout.title as { text?: string } | string | undefined;
    return typeof t === "string" ? t : t?.text ?? "";
  }

  /** Plotly MIME bundle with an HTML-table fallback. */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return { [PLOTLY_MIME]: this.spec, "text/html": this.fallbackHtml() };
  }

  /** The traces' data as HTML tables (at most 50 points each). */
  fallbackHtml(): string {
    const esc = (s: unknown) =>
      String(s).replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
    const tables = this.spec.data.map((t) => {
      const x = (t.x ?? []) as unknown[], y = (t.y ?? []) as unknown[];
      const rows = x.slice(0, 50).map((xi, i) =>
        `<tr><td>${esc(xi)}</td><td>${esc(y[i])}</td></tr>`
      ).join("");
      return `<table><caption>${
        esc(t.name ?? t.type ?? "")
      }</caption><tr><th>x</th><th>y</th></tr>${rows}</table>`;
    }).join("");
    return `<div class="figure-fallback"><b>${esc(this.title)}</b>${tables}</div>`;
  }
}
