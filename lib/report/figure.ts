/**
 * A plotly figure that displays itself wherever a notebook is opened:
 * - `application/vnd.plotly.v1+json` for front ends with plotly's renderer (VS Code, JupyterLab
 *   with the plotly extension);
 * - `text/html` that draws it with plotly.js, offline: the bundle the project depends on is
 *   inlined once per kernel session (the first figure shown carries it, as plotly's own notebook
 *   renderer does), and until plotly.js has drawn, the div holds the static SVG below — so a
 *   viewer that strips scripts (GitHub) still shows a chart;
 * - `image/svg+xml`, rendered headless by Vega-Lite (no browser at run time), for viewers that
 *   run no scripts at all (nbconvert to PDF).
 *
 * @module
 */

import { createRequire } from "node:module";
import { parse as vegaParse, View } from "vega";
import { compile } from "vega-lite";
import { vegaLiteSpec } from "./_vega_lite.ts";
import { PLOTLY_MIME, type PlotlySpec } from "./plotly_spec.ts";
import { JUPYTER_DISPLAY } from "./display.ts";

/** The plotly.js bundle's text (from the npm package `plotly.js-dist-min`; run `deno install` first). */
export async function plotlyBundle(): Promise<string> {
  const path = createRequire(import.meta.url).resolve("plotly.js-dist-min");
  return await Deno.readTextFile(path);
}

/** A `<script>` element holding the plotly.js bundle (safe to inline in HTML). */
export async function plotlyScript(): Promise<string> {
  return `<script>${(await plotlyBundle()).replaceAll("</script", "<\\/script")}</script>`;
}

/** Whether this process has already displayed the plotly.js bundle (once per kernel). */
let bundleShown = false;
let nextId = 0;

/**
 * A figure for notebooks and reports.
 *
 * @example A bar chart
 * ```ts
 * import { Figure } from "./figure.ts";
 * const figure = new Figure({
 *   data: [{ type: "bar", x: ["amount", "velocity_score"], y: [0.6, 0.4] }],
 *   layout: { title: { text: "Feature importance" } },
 * });
 * await figure.toSvg(); // what a notebook shows beside the interactive plotly chart
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

  /** The static SVG of the figure (Vega-Lite, rendered headless). */
  async toSvg(): Promise<string> {
    const vega = compile(vegaLiteSpec(this.spec) as never).spec;
    const view = new View(vegaParse(vega), { renderer: "none" });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /**
   * HTML that draws the figure with plotly.js (the static SVG shows until it has drawn).
   *
   * @param options.bundle Inline the plotly.js bundle in this output.
   * @param options.svg The static SVG, if already rendered (`""`: no placeholder).
   */
  async toHtml(options: { bundle?: boolean; svg?: string } = {}): Promise<string> {
    const id = `plotly-fig-${Date.now().toString(36)}-${nextId++}`;
    const spec = JSON.stringify(this.spec).replaceAll("</", "<\\/");
    const draw = `(function(){var s=${spec};function draw(){var d=document.getElementById(` +
      `"${id}");if(!d)return;d.innerHTML="";window.Plotly.newPlot(d,s.data,s.layout,` +
      `{responsive:true,displaylogo:false});}if(window.Plotly){draw();}else{var n=0,t=` +
      `setInterval(function(){if(window.Plotly){clearInterval(t);draw();}else if(++n>200)` +
      `{clearInterval(t);}},50);}})();`;
    const svg = options.svg ?? await this.toSvg();
    const bundle = options.bundle ? await plotlyScript() : "";
    return `${bundle}<div id="${id}" class="plotly-figure">${svg}</div><script>${draw}</script>`;
  }

  /** Jupyter display: plotly JSON, HTML drawn by plotly.js, and a static SVG. */
  async [JUPYTER_DISPLAY](): Promise<Record<string, unknown>> {
    const bundle = !bundleShown;
    bundleShown = true;
    const svg = await this.toSvg();
    return {
      [PLOTLY_MIME]: this.spec,
      "text/html": await this.toHtml({ bundle, svg }),
      "image/svg+xml": svg,
    };
  }
}
