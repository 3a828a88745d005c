/**
 * HTML views of results that display themselves in notebooks: the metric table of a training
 * run, the confusion matrix, the data-quality report and the labeling-rule counts.
 *
 * @module
 */

import type { QualityReport } from "../data/quality.ts";
import type { Confusion } from "../evaluate/binary_metrics.ts";
import type { Labeling } from "../labels/rule_labeler.ts";
import { RULE_SETS } from "../labels/rule_sets.ts";
import type { CoefficientRow } from "../models/logistic_stats.ts";
import type { TrainingOutcome } from "./training_outcome.ts";
import { JUPYTER_DISPLAY } from "./display.ts";
import { escapeHtml } from "./_html.ts";

const f4 = (v: number) => (Number.isNaN(v) ? "nan" : v.toFixed(4));

/** Something with an HTML rendering that shows in Jupyter. */
export class HtmlView {
  /** The HTML. */
  readonly html: string;

  constructor(html: string) {
    this.html = html;
  }

  [JUPYTER_DISPLAY](): Record<string, string> {
    return { "text/html": this.html };
  }
}

function table(t: {
  caption: string;
  header: readonly string[];
  rows: readonly (readonly string[])[];
  cls: string;
}): HtmlView {
  const { caption, header, rows, cls } = t;
  const th = header.map((h) => `<th>${h}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return new HtmlView(
    `<table class="${cls}"><caption>${caption}</caption><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`,
  );
}

/** CV mean ± std and test value of each metric, with the readiness verdict. */
export function metricsView(r: TrainingOutcome): HtmlView {
  const keys = [
    "roc_auc",
    "pr_auc",
    "precision",
    "recall",
    "f1",
    "best_f1",
    "log_loss",
    "brier",
  ] as const;
  return table({
    caption: `${r.config.model.type}: readiness ${r.readiness} (test ROC AUC ${
      f4(r.test.roc_auc)
    })`,
    header: ["metric", "CV mean ± std", "test"],
    rows: keys.map((k) => [
      k,
      r.cv ? `${f4(r.cv.summary[k].mean)} ± ${f4(r.cv.summary[k].std)}` : "-",
      f4(r.test[k]),
    ]),
    cls: "metrics-table",
  });
}

/**
 * A training run at a glance, as a notebook shows `train()`'s result: where it was logged, the
 * rows, the operating threshold, the metric table and the top features.
 */
export function trainingView(r: TrainingOutcome): HtmlView {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const top = r.importance.slice(0, 5).map((i) => `${escapeHtml(i.feature)} ${pct(i.share)}`);
  const at = r.testAtChosen;
  const head =
    `<p><b>${escapeHtml(r.config.model.type)}</b> run <code>${escapeHtml(r.runId)}</code>` +
    ` in <code>${
      escapeHtml(r.trackingUri)
    }</code> · ${r.rows.train} training rows, ${r.rows.test}` +
    ` test · ${(r.durationMs / 1000).toFixed(1)} s<br>threshold ${r.chosenThreshold.toFixed(3)}:` +
    ` precision ${f4(at.precision)}, recall ${f4(at.recall)} on the test set · top features: ` +
    `${top.join(", ")}</p>`;
  return new HtmlView(head + metricsView(r).html);
}

/** The confusion matrix at a threshold, classes named by what label 1 means (default `fraud`). */
export function confusionView(c: Confusion, threshold: number, positive = "fraud"): HtmlView {
  return table({
    caption: `Confusion matrix at ${threshold.toFixed(3)}`,
    header: ["", `predicted no ${positive}`, `predicted ${positive}`],
    rows: [
      [`actual no ${positive}`, String(c.tn), String(c.fp)],
      [`actual ${positive}`, String(c.fn), String(c.tp)],
    ],
    cls: "confusion-matrix",
  });
}

/** Missing, non-numeric, out-of-range and constant counts per feature. */
export function qualityView(q: QualityReport): HtmlView {
  return table({
    caption: `Data quality: ${q.rows} rows, ${q.rowsWithMissing} with missing values`,
    header: ["feature", "missing", "non-numeric", "out of range", "constant", "min", "mean", "max"],
    rows: q.features.map((f) => [
      f.name,
      String(f.missing),
      String(f.nonNumeric),
      String(f.outOfRange),
      f.constant ? "yes" : "no",
      f4(f.min),
      f4(f.mean),
      f4(f.max),
    ]),
    cls: "quality-report",
  });
}

/** How often each labeling rule fired, and the labeling outcome (or where file labels came from). */
export function rulesView(l: Labeling, rows: number): HtmlView {
  const rules = l.method === "rules" ? RULE_SETS.get(l.from)?.rules ?? [] : [];
  return table({
    caption: `${
      l.method === "rules"
        ? `Labeling rules "${l.from}" (${l.positive}): target rate ${l.targetRate}`
        : `Labels from column "${l.from}"`
    }, achieved ${f4(l.achievedRate)}${l.warnings.length ? ` — ${l.warnings.join("; ")}` : ""}`,
    header: ["rule", "condition", "weight", "rows fired", "share"],
    rows: rules.map((r) => [
      r.name,
      r.condition,
      String(r.weight),
      String(l.ruleCounts[r.name] ?? 0),
      f4((l.ruleCounts[r.name] ?? 0) / rows),
    ]),
    cls: "label-rules",
  });
}

/** A logistic regression's coefficient table: original scale, standard errors, 95% intervals, odds ratios. */
export function coefficientsView(rows: readonly CoefficientRow[]): HtmlView {
  const g = (v: number) => (Number.isNaN(v) ? "nan" : Number(v.toPrecision(4)).toString());
  return table({
    caption:
      "Logistic regression coefficients (original scale; odds ratio per unit, or vs the reference category)",
    header: ["term", "coef", "std err", "z", "p", "95% CI", "odds ratio", "odds ratio 95% CI"],
    rows: rows.map((r) => [
      r.term,
      g(r.coef),
      g(r.stdErr),
      g(r.z),
      r.pValue < 1e-4 ? "&lt;1e-4" : r.pValue.toFixed(4),
      `[${g(r.ciLow)}, ${g(r.ciHigh)}]`,
      g(r.oddsRatio),
      `[${g(r.oddsRatioLow)}, ${g(r.oddsRatioHigh)}]`,
    ]),
    cls: "coefficients",
  });
}
