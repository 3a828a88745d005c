import assert from "node:assert/strict";
import { psiContinuous } from "../lib/drift/psi.ts";
import { binLabels, distributionFigure, formatEdge } from "../lib/report/drift_html.ts";
import { correlationFigure, featureByLabelFigure } from "../lib/report/feature_charts.ts";
import { Frame } from "../lib/data/frame.ts";
import { importanceFigure, rocFigure, thresholdFigure } from "../lib/report/training_charts.ts";

Deno.test("score bins are labeled with three significant digits, tiny ones in exponent form", () => {
  assert.equal(formatEdge(0.000002368), "2.37e-6");
  assert.equal(formatEdge(0.0000004227), "4.23e-7");
  assert.equal(formatEdge(0.0123456), "0.0123");
  assert.equal(formatEdge(1250.4), "1,250");
  assert.equal(formatEdge(2.5e7), "2.5e7");
  assert.equal(formatEdge(0), "0");
  const scores = Float64Array.from({ length: 500 }, (_, i) => 1e-7 * (1 + i) ** 1.5);
  const labels = binLabels(psiContinuous(scores, scores));
  assert.equal(labels.length, 10);
  for (const l of labels) assert.ok(l.length <= 22, `short enough to read: ${l}`);
  assert.match(labels[1]!, /^\[\d\.\d\de-\d, \d(\.\d\d?)?e-\d\)$/);
});

Deno.test("every chart type renders to a static SVG with its marks (Vega-Lite, no browser)", async () => {
  const x = Float64Array.from({ length: 200 }, (_, i) => (i * 37) % 101);
  const frame = new Frame(["a", "b"], [x, Float64Array.from(x, (v) => v * 2 + 1)]);
  const labels = Uint8Array.from(x, (v) => (v > 80 ? 1 : 0));
  const scores = Float64Array.from(x, (v) => v / 101);
  const cases = [
    [rocFigure(labels, scores, 0.9), "mark-line", 2],
    [thresholdFigure(labels, scores, 0.5), "mark-rule", 1],
    [
      importanceFigure([{ feature: "a", importance: 2 }, { feature: "b", importance: 1 }]),
      "mark-rect",
      1,
    ],
    [featureByLabelFigure(frame, labels, { feature: "a" }), "mark-rect", 2],
    [correlationFigure(frame), "mark-rect", 1],
    [distributionFigure("d", psiContinuous(x, scores)), "mark-rect", 3],
  ] as const;
  for (const [figure, mark, layers] of cases) {
    const svg = await figure.toSvg();
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, figure.title);
    const found = (svg.match(new RegExp(`class="${mark} role-mark`, "g")) ?? []).length;
    assert.ok(found >= layers, `${figure.title}: ${found} ${mark} layers, expected ≥ ${layers}`);
    assert.ok(svg.includes(figure.title.replaceAll("&", "&amp;").slice(0, 10)), "titled");
  }
});
