/**
 * The data-quality report: per feature, how many values are missing, non-numeric, out of the
 * catalog's range, and whether the column is constant.
 *
 * @module
 */

import type { FeatureSpec } from "./feature_spec.ts";
import type { Frame } from "./frame.ts";

/** Quality counts for one feature. */
export interface FeatureQuality {
  /** Feature name. */
  readonly name: string;
  /** Values that are missing (NaN), including non-numeric ones. */
  readonly missing: number;
  /** Values that were present but not numbers (e.g. strings) when parsed; also counted missing. */
  readonly nonNumeric: number;
  /** Present values outside the catalog's valid range. */
  readonly outOfRange: number;
  /** True when every present value is the same (or none is present). */
  readonly constant: boolean;
  /** Smallest present value (NaN when none). */
  readonly min: number;
  /** Largest present value (NaN when none). */
  readonly max: number;
  /** Mean of present values (NaN when none). */
  readonly mean: number;
}

/** What the feature source reported while reading (counts and warnings). */
export interface SourceNotes {
  /** The source, e.g. `redis`. */
  readonly name: string;
  /** Counts such as keys read, stale rows dropped, duplicates, rescans, rows gone after a rescan. */
  readonly counts: Readonly<Record<string, number>>;
  /** One sentence per problem found while reading. */
  readonly warnings: readonly string[];
}

/** A data-quality report over a frame. */
export interface QualityReport {
  /** Rows inspected. */
  readonly rows: number;
  /** What the source reported while reading, when it reports anything. */
  readonly source?: SourceNotes;
  /** Rows with at least one missing value. */
  readonly rowsWithMissing: number;
  /** Per feature, in frame order. */
  readonly features: readonly FeatureQuality[];
}

/**
 * Builds the data-quality report for `frame` against the catalog specs.
 *
 * @param frame The feature columns (NaN = missing).
 * @param specs Catalog specs giving each feature's valid range (features without one are
 *   not range-checked).
 * @param nonNumeric Per feature, values found non-numeric when the source was parsed.
 */
export function qualityReport(
  frame: Frame,
  specs: readonly FeatureSpec[],
  nonNumeric: Readonly<Record<string, number>> = {},
): QualityReport {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const rowMissing = new Uint8Array(frame.rows);
  const features = frame.names.map((name, j) => {
    const col = frame.columns[j]!;
    const range = byName.get(name)?.range;
    let missing = 0, outOfRange = 0, present = 0, sum = 0;
    let min = Number.POSITIVE_INFINITY, max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (Number.isNaN(v)) {
        missing++;
        rowMissing[i] = 1;
        continue;
      }
      present++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (range && (v < range[0] || v > range[1])) outOfRange++;
    }
    return {
      name,
      missing,
      nonNumeric: nonNumeric[name] ?? 0,
      outOfRange,
      constant: present === 0 || min === max,
      min: present ? min : NaN,
      max: present ? max : NaN,
      mean: present ? sum / present : NaN,
    };
  });
  let rowsWithMissing = 0;
  for (const m of rowMissing) rowsWithMissing += m;
  return { rows: frame.rows, rowsWithMissing, features };
}
