/**
 * A measure read chunk by chunk against the band of its reference chunks, as NannyML draws it:
 * the band is the mean of the reference chunks' values ± 3 standard deviations (population,
 * NaN chunks skipped), a side past the measure's natural limit held at the limit (or dropped);
 * a chunk alerts when its value lies outside the band (or, for measures read as NannyML's
 * reconstruction drift, when it is not strictly inside: bounds and NaN included). Each chunk
 * also carries its sampling error and the ± 3 sampling-error confidence bounds.
 *
 * @module
 */

/** The band: a side is null when there is none. */
export interface Band {
  readonly lower: number | null;
  readonly upper: number | null;
}

/** One chunk's value of a measure. */
export interface ChunkValue {
  readonly key: string;
  /** Rows in the chunk. */
  readonly rows: number;
  /** The chunk's time span (ms since the epoch) when the sample has timestamps. */
  readonly start?: number;
  readonly end?: number;
  readonly value: number;
  readonly samplingError: number;
  /** value ± 3 sampling errors, held within the measure's limits. */
  readonly lowerBound: number;
  readonly upperBound: number;
  /**
   * The chunk alerts: its value outside the band (for the reconstruction error, not strictly
   * inside it); measures with a rule of their own (the drifted share's dataset verdict, the
   * scores' KS p-value) set it by that rule.
   */
  readonly alert: boolean;
}

/** A measure's natural limits and how its band is read. */
export interface BandLimits {
  readonly lower?: number;
  readonly upper?: number;
  /** Drop a side past its limit (true), or hold it at the limit (false). @default false */
  readonly dropPastLimit?: boolean;
  /** Alert unless strictly inside the band, NaN included (true), or only when outside. @default false */
  readonly strictlyInside?: boolean;
}

/** How many standard deviations (and sampling errors) wide a band is. */
export const BAND_WIDTH = 3;

/**
 * The band of the reference chunks' values.
 *
 * @example Four reference chunks
 * ```ts
 * import { referenceBand } from "./chunk_band.ts";
 * referenceBand([0.9, 0.92, 0.91, 0.93], { lower: 0, upper: 1 }); // about { lower: 0.881, upper: 0.949 }
 * ```
 */
export function referenceBand(values: readonly number[], limits: BandLimits = {}): Band {
  const present = values.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return { lower: null, upper: null };
  const mean = present.reduce((s, v) => s + v, 0) / present.length;
  const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length);
  let lower: number | null = mean - BAND_WIDTH * std,
    upper: number | null = mean + BAND_WIDTH * std;
  if (limits.lower !== undefined && lower <= limits.lower) {
    lower = limits.dropPastLimit ? null : limits.lower;
  }
  if (limits.upper !== undefined && upper >= limits.upper) {
    upper = limits.dropPastLimit ? null : limits.upper;
  }
  return { lower, upper };
}

/** True when `value` lies outside the band; with `strictlyInside`, when it is not strictly inside. */
export function outsideBand(value: number, band: Band, strictlyInside = false): boolean {
  const lo = band.lower ?? -Infinity, hi = band.upper ?? Infinity;
  return strictlyInside ? !(lo < value && value < hi) : value < lo || value > hi;
}

/** A chunk's value with its confidence bounds (value ± 3 sampling errors within the limits). */
export function chunkValue(
  chunk: { key: string; rows: number; start?: number; end?: number },
  measured: { value: number; samplingError: number },
  context: { band: Band; limits: BandLimits },
): ChunkValue {
  const { value, samplingError } = measured, { band, limits } = context;
  const lowerBound = Math.max(value - BAND_WIDTH * samplingError, limits.lower ?? -Infinity);
  const upperBound = Math.min(value + BAND_WIDTH * samplingError, limits.upper ?? Infinity);
  return {
    key: chunk.key,
    rows: chunk.rows,
    ...(chunk.start !== undefined ? { start: chunk.start, end: chunk.end! } : {}),
    value,
    samplingError,
    lowerBound: Number.isNaN(samplingError) ? NaN : lowerBound,
    upperBound: Number.isNaN(samplingError) ? NaN : upperBound,
    alert: outsideBand(value, band, limits.strictlyInside),
  };
}
