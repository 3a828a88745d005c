/**
 * Plain-text tables for terminals.
 *
 * @module
 */

/**
 * Renders rows as an aligned text table with a header rule. Numeric-looking cells are
 * right-aligned.
 *
 * @example Metrics for a terminal
 * ```ts
 * import { textTable } from "./text_table.ts";
 * textTable(["metric", "value"], [["roc_auc", "0.9312"]]);
 * // metric   value
 * // ───────  ──────
 * // roc_auc  0.9312
 * ```
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const numeric = (s: string) => /^[-+]?[\d.]+( ± [\d.]+)?$/.test(s);
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (numeric(c) ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
