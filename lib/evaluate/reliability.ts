/**
 * How far probabilities are from what they say: the reliability diagram's bins, the expected
 * calibration error and the Brier score.
 *
 * Bins are scikit-learn's `calibration_curve(strategy="uniform")`'s: `bins` equal-width bins of
 * [0, 1] with edges `np.linspace(0, 1, bins + 1)`, the first closed ([0, 0.1]), the others open
 * below ((0.1, 0.2], …). The expected calibration error (ECE) over them is the usual one (Naeini et
 * al. 2015, Guo et al. 2017): Σ over bins of (rows in the bin / all rows) × |mean predicted
 * probability − observed positive share|.
 *
 * @module
 */

/** One bin of the reliability diagram. */
export interface ReliabilityBin {
  /** The bin's lower edge (excluded, but for the first bin's 0). */
  readonly lower: number;
  /** The bin's upper edge (included). */
  readonly upper: number;
  /** Rows whose probability falls in it. */
  readonly count: number;
  /** Their mean predicted probability (`calibration_curve`'s `prob_pred`). */
  readonly meanPredicted: number;
  /** Their observed share of positives (`prob_true`). */
  readonly observedRate: number;
}

/** The calibration of a set of probabilities against their labels. */
export interface CalibrationQuality {
  /** Expected calibration error over the bins. */
  readonly ece: number;
  /** Brier score: the mean squared difference between probability and label. */
  readonly brier: number;
  /** The non-empty bins, in order (empty bins are left out, as `calibration_curve` does). */
  readonly bins: readonly ReliabilityBin[];
}

/**
 * The reliability bins, ECE and Brier score of `probabilities` against 0/1 `labels`.
 *
 * @param labels 0/1 per row.
 * @param probabilities P(class 1) per row, in [0, 1].
 * @param bins Equal-width bins (default 10).
 * @returns The calibration measures.
 * @throws {RangeError} for a probability outside [0, 1], lengths that differ, or fewer than one bin.
 * @example Four scored rows in two bins
 * ```ts
 * import { calibrationQuality } from "./reliability.ts";
 * const q = calibrationQuality([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], 2);
 * q.bins; // [0, 0.5]: 2 rows, predicted 0.2, observed 0; (0.5, 1]: 2 rows, 0.75, 1
 * q.ece; // 0.225
 * q.brier; // 0.0675
 * ```
 */
export function calibrationQuality(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  bins = 10,
): CalibrationQuality {
  const n = labels.length;
  if (probabilities.length !== n) {
    throw new RangeError(
      `Expected one probability per label (${n}) but found ${probabilities.length}`,
    );
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`Expected bins to be an integer ≥ 1 but found ${bins}`);
  }
  // np.linspace(0, 1, bins + 1): i · (1 / bins), the last edge exactly 1.
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * (1 / bins)));
  const sums = new Float64Array(bins), positives = new Float64Array(bins);
  const counts = new Float64Array(bins);
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!, y = labels[i]! > 0 ? 1 : 0;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`Expected probabilities in [0, 1] but found ${p} at row ${i}`);
    }
    let b = 0; // np.searchsorted(inner edges, p): the inner edges below p
    while (b < bins - 1 && edges[b + 1]! < p) b++;
    sums[b]! += p;
    positives[b]! += y;
    counts[b]! += 1;
    brier += (p - y) ** 2;
  }
  const out: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const count = counts[b]!;
    if (!count) continue;
    const meanPredicted = sums[b]! / count, observedRate = positives[b]! / count;
    out.push({ lower: edges[b]!, upper: edges[b + 1]!, count, meanPredicted, observedRate });
    ece += (count / n) * Math.abs(meanPredicted - observedRate);
  }
  return { ece, brier: n ? brier / n : NaN, bins: out };
}
