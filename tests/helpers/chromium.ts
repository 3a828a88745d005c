/**
 * Headless Chromium (Debian's `chromium`) for tests that look at what a page draws: the DOM after
 * the page's scripts ran for a virtual-time budget.
 *
 * @module
 */

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The DOM of `file` (an HTML file path) after `budgetMs` of virtual time. */
export async function dumpDom(file: string, budgetMs = 15_000): Promise<string> {
  const profile = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command("chromium", {
      args: [
        ...FLAGS,
        `--user-data-dir=${profile}`,
        `--virtual-time-budget=${budgetMs}`,
        "--dump-dom",
        `file://${file}`,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (out.code !== 0) throw new Error(`chromium exited with ${out.code} on ${file}`);
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** What plotly drew inside each of our figure divs (`class="plotly-figure"`), in page order. */
export interface DrawnFigure {
  /** plotly's `main-svg` layers present (plotly.js ran and drew this figure). */
  readonly plotlySvg: boolean;
  /** Traces drawn (`g.trace`, or a heatmap's `g.hm`). */
  readonly traces: number;
}

/** Splits a dumped DOM at each figure div and reports what plotly drew in it. */
export function drawnFigures(dom: string): DrawnFigure[] {
  return dom.split('class="plotly-figure').slice(1).map((chunk) => ({
    plotlySvg: chunk.includes('class="main-svg"'),
    traces: (chunk.match(/class="trace[ "]/g) ?? []).length +
      (chunk.match(/class="hm"/g) ?? []).length,
  }));
}
