/**
 * The drift report as text for terminals: the per-feature table, then what was found — the
 * drifted features with their severities, unseen categories, schema changes, the dataset verdict
 * with each trigger's value and threshold, prediction and performance drift — and the verdict
 * line, which always names what drifted.
 *
 * @module
 */

import { type DriftResult, missingRises } from "../drift/drift_result.ts";
import { textTable } from "./text_table.ts";
import { chunkTable } from "./chunk_charts.ts";

/** A number for a report: 4 decimals, exponent form below 1e-4, "-" for null. */
export function reportNumber(x: number | null, digits = 4): string {
  if (x === null) return "-";
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential(2) : x.toFixed(digits);
}

/** Missing shares as "reference → current" percentages ("—" when neither has any). */
export function missingCell(m: { reference: number; current: number }): string {
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  return m.reference === 0 && m.current === 0 ? "—" : `${pct(m.reference)} → ${pct(m.current)}`;
}

/**
 * The findings as sentences (shared by the text summary and the HTML report), the last one the
 * verdict.
 */
export function driftFindings(r: DriftResult): string[] {
  const d = r.data, f = reportNumber;
  const drifted = d.features.filter((x) => x.drifted);
  const lines: string[] = [...(r.context.warnings ?? []), ...(r.chunks?.warnings ?? [])]
    .map((w) => `Warning: ${w}`);
  const importance = d.dataset.driftedImportanceShare;
  if (d.features.some((x) => x.missingRose)) lines.push(`Missing values rose: ${missingRises(d)}`);
  const unmeasured = d.features.filter((x) => !x.measurable);
  if (unmeasured.length) lines.push(`Not measured: ${notMeasured(unmeasured)}`);
  if (drifted.length) {
    lines.push(
      `Drifted features: ${drifted.map((x) => `${x.name} (${driftLabel(x)})`).join(", ")}${
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

/** Features too thinly sampled to test, grouped by their counts. */
function notMeasured(features: DriftResult["data"]["features"]): string {
  const groups = new Map<string, string[]>();
  for (const x of features) {
    const why = x.note ?? "";
    groups.set(why, [...(groups.get(why) ?? []), x.name]);
  }
  return [...groups].map(([why, names]) => `${names.join(", ")} (${why})`).join("; ");
}

/** A drifted feature's label: its severity, or why it drifted without test evidence. */
function driftLabel(x: DriftResult["data"]["features"][number]): string {
  return x.severity !== "none" ? x.severity : "unseen categories";
}

function datasetLine(r: DriftResult): string {
  const ds = r.data.dataset;
  const shown = ds.triggers.filter((t) =>
    !["schema", "missing_values"].includes(t.name) || t.fired
  );
  const parts = shown.map((t) => {
    const cmp = t.fired ? "≥" : "<";
    if (t.name === "drift_share") {
      return `${ds.driftedCount} of ${ds.measuredCount} measured features drifted (share ${
        reportNumber(t.value, 2)
      } ${cmp} ${t.threshold})`;
    }
    if (t.name === "missing_values") {
      return `a missing share rose by ${reportNumber(t.value, 2)} ≥ ${t.threshold}`;
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
  if (r.data.dataset.measuredCount === 0 && !r.prediction) {
    return `Not measurable: no feature had enough values in both samples (${r.data.dataset.nReference} reference, ${r.data.dataset.nCurrent} current) — no verdict (exit 0).`;
  }
  const drifted = r.data.features.filter((x) => x.drifted);
  if (drifted.length || r.prediction?.drifted) {
    const what = [
      ...drifted.map((x) => `${x.name} (${driftLabel(x)})`),
      ...(r.prediction?.drifted ? [`scores (${r.prediction.severity})`] : []),
    ];
    return `Drifted below the alarm rules: ${what.join(", ")} — no alarm (exit 0).`;
  }
  return "Nothing drifted (exit 0).";
}

/**
 * The whole report as text.
 *
 * @example The text a drift task prints
 * ```ts
 * import { detectDataDrift } from "../drift/data_drift.ts";
 * import { driftAlarms } from "../drift/drift_result.ts";
 * import { formatDriftSummary } from "./drift_summary.ts";
 * const amounts = (shift: number) => Float64Array.from({ length: 200 }, (_, i) => i % 50 + shift);
 * const data = detectDataDrift(
 *   [{ name: "amount", kind: "continuous", values: amounts(0) }],
 *   [{ name: "amount", kind: "continuous", values: amounts(25) }],
 * );
 * const context = { reference: "ref.csv", current: "cur.csv", createdAt: "2024-06-03T03:00:00Z" };
 * console.log(formatDriftSummary({ data, context, alarms: driftAlarms({ data }) }));
 * // a table per feature, then "Drift found (exit 3): drifted-feature share 1.00 ≥ 0.5."
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
      "missing",
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
      missingCell(x.missingShare).replace("—", "-"),
      ...(withImportance ? [x.importance === null ? "-" : x.importance.toFixed(3)] : []),
      x.measurable ? x.severity : "-",
      x.measurable ? (x.drifted ? "yes" : "no") : "n/a",
    ]),
  );
  const chunks = r.chunks ? `\n\n${chunkTable(r.chunks)}` : "";
  return `${table}${chunks}\n\n${driftFindings(r).join("\n")}`;
}
