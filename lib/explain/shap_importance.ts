/**
 * Global importance from contributions: the mean absolute SHAP value of each feature over the
 * rows (the bar chart of the SHAP summary), largest first.
 *
 * @module
 */

/** Mean |contribution| per feature, largest first. */
export function meanAbsShap(
  contributions: Float64Array,
  names: readonly string[],
): Array<{ feature: string; meanAbsShap: number }> {
  const width = names.length + 1, rows = contributions.length / width;
  const sums = new Float64Array(names.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < names.length; j++) sums[j]! += Math.abs(contributions[i * width + j]!);
  }
  return names.map((feature, j) => ({ feature, meanAbsShap: rows ? sums[j]! / rows : 0 }))
    .sort((a, b) => b.meanAbsShap - a.meanAbsShap || a.feature.localeCompare(b.feature));
}
