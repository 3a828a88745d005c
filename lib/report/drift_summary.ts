/**
 * The drift report as text for terminals: the per-feature table, then what was found — the
 * drifted features with their severities, unseen categories, schema changes, the dataset verdict
 * with each trigger's value and threshold, prediction and performance drift — and the verdict
 * line, which always names what drifted.
 *
 * @module
 */

import type { DriftResult } from "../drift/drift_result.ts";
import { textTable } from "./text_table.ts";

/** A number for a report: 4 decimals, exponent form below 1e-4, "-" for null. */
export function reportNumber(x: number | null, digits = 4): string {
  if (x === null) return "-";
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential(2) : x.toFixed(digits);
}

/**
 * The findings as sentences (shared by the text summary and the HTML report), the last one the
 * verdict.
 */
export function driftFindings(r: DriftResult): string[] {
  const d = r.data, f = reportNumber;
  const drifted = d.features.filter((x) => x.drifted);
  const lines: string[] = (r.context.warnings ?? []).map((w) => `Warning: ${w}`);
  const importance = d.dataset.driftedImportanceShare;
  if (drifted.length) {
    lines.push(
      `Drifted features: ${drifted.map((x) => `${x.name} (${x.severity})`).join(", ")}${
        importance !== null ? ` — ${f(importance, 2)} of the model's importance` : ""
      }`,
    );
  }
  const unseen = d.features.filter((x) => Object.keys(x.unseenCategories).length);
  if (unseen.length) {
    lines.push(
      `Unseen categories: ${
        unseen.map((x) =>
          `${x.name}: ${
            Object.entries(x.unseenCategories).map(([c, n]) => `${c} ×${n}`).join(", ")
          } (${(100 * x.unseenShare).toFixed(1)}% of current rows)`
        ).join("; ")
      }`,
    );
  }
  if (d.missingFeatures.length) {
    lines.push(`Missing features (schema change): ${d.missingFeatures.join(", ")}`);
  }
  if (d.newColumns.length) lines.push(`New columns (not compared): ${d.newColumns.join(", ")}`);
  lines.push(datasetLine(r));
  if (r.prediction) {
    const p = r.prediction;
    lines.push(
      `Prediction drift: KS ${f(p.ksStatistic)}, p ${f(p.pValue)}, PSI ${f(p.psi)} → ${
        p.drifted ? `drifted (severity ${p.severity})` : "stable"
      }`,
    );
  }
  if (r.performance) {
    lines.push(
      `Performance: ${
        r.performance.metrics.map((m) => `${m.metric} ${f(m.reference, 3)} → ${f(m.current, 3)}`)
          .join(", ")
      } → ${r.performance.degraded ? "DEGRADED" : "within margin"}`,
    );
  }
  lines.push(verdictLine(r));
  return lines;
}

function datasetLine(r: DriftResult): string {
  const ds = r.data.dataset;
  const parts = ds.triggers.filter((t) => t.name !== "schema" || t.fired).map((t) => {
    const cmp = t.fired ? "≥" : "<";
    if (t.name === "drift_share") {
      return `${ds.driftedCount} of ${r.data.features.length} features drifted (share ${
        reportNumber(t.value, 2)
      } ${cmp} ${t.threshold})`;
    }
    if (t.name === "importance_share") {
      return `drifted importance share ${reportNumber(t.value, 2)} ${cmp} ${t.threshold}`;
    }
    return `${t.value} reference feature(s) missing`;
  });
  return `Dataset: ${ds.drifted ? "DRIFTED" : "no dataset drift"} — ${
    parts.join("; ")
  }; ${ds.nReference} reference vs ${ds.nCurrent} current rows`;
}

function verdictLine(r: DriftResult): string {
  const alarms = r.alarms;
  if (alarms.length) return `Drift found (exit 3): ${alarms.map((a) => a.detail).join("; ")}.`;
  const drifted = r.data.features.filter((x) => x.drifted);
  if (drifted.length || r.prediction?.drifted) {
    const what = [
      ...drifted.map((x) => `${x.name} (${x.severity})`),
      ...(r.prediction?.drifted ? [`scores (${r.prediction.severity})`] : []),
    ];
    return `Drifted below the alarm rules: ${what.join(", ")} — no alarm (exit 0).`;
  }
  return "Nothing drifted (exit 0).";
}

/**
 * The whole report as text.
 *
 * @example
 * ```ts
 * console.log(formatDriftSummary(report));
 * ```
 */
export function formatDriftSummary(r: DriftResult): string {
  const f = reportNumber;
  const withImportance = r.data.dataset.driftedImportanceShare !== null;
  const table = textTable(
    [
      "feature",
      "kind",
      "test",
      "statistic",
      "p-value",
      "PSI",
      ...(withImportance ? ["importance"] : []),
      "severity",
      "drifted",
    ],
    r.data.features.map((x) => [
      x.name,
      x.kind,
      x.test,
      f(x.statistic),
      f(x.pValue),
      f(x.psi),
      ...(withImportance ? [x.importance === null ? "-" : x.importance.toFixed(3)] : []),
      x.severity,
      x.drifted ? "yes" : "no",
    ]),
  );
  return `${table}\n\n${driftFindings(r).join("\n")}`;
}
