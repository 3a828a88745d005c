/**
 * Plotly's figure JSON, the form every chart of the report layer is declared in.
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
