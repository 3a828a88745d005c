/**
 * The one way a benchmark states a comparison and a goal. Every speed ratio is **speed vs a
 * peer**: the peer's time over ours, or our rate over the peer's — higher is better, above 1 ours
 * is faster. Every goal prints what it asks and whether this run `met` it or `MISSED` it. Memory is
 * stated as our peak over the data's size (lower is better); quality (AUC) as a difference, never
 * as a speed.
 *
 * @module
 */

/** The printed meaning of every speed ratio. */
export const SPEED_DIRECTION = "higher is better; > 1 = ours faster";

/** How every goal is reported (a line of a benchmark's `--help`). */
export const GOAL_NOTE = `Each goal prints "met" or "MISSED"; a closing "goals:" line counts them.`;

/** The closing line of a benchmark's `--help`. */
export const RATIO_NOTE =
  `Speeds print as "speed vs <peer>": the peer's time / ours, or our rate / ` +
  `the peer's (${SPEED_DIRECTION}). ${GOAL_NOTE}`;

/** The printed meaning of every memory ratio. */
export const MEMORY_DIRECTION =
  "our peak MB above the data / the data's float32 MB; lower is better";

/**
 * Speed vs a peer from seconds: the peer's time over ours (> 1 = ours faster; NaN when either is
 * missing or zero).
 */
export function speedFromSeconds(ours: number, peer: number): number {
  return ours > 0 && peer > 0 ? peer / ours : NaN;
}

/**
 * Speed vs a peer from rates (rows/s, requests/s): our rate over the peer's (> 1 = ours faster;
 * NaN when either is missing or zero).
 */
export function speedFromRates(ours: number, peer: number): number {
  return ours > 0 && peer > 0 ? ours / peer : NaN;
}

/**
 * A speed as printed: `1.23×`, or `-` when not measured. Cut to two decimals, not rounded, so
 * that a speed printed at a goal's value meets it: 1.2499 prints `1.24×`, never `1.25×` beside
 * `goal ≥ 1.25×: MISSED` (the nudge of 1e-9 keeps 0.29, stored as 0.28999…, at `0.29×`).
 */
export function formatSpeed(speed: number): string {
  return Number.isFinite(speed) ? `${(Math.floor(speed * 100 + 1e-9) / 100).toFixed(2)}×` : "-";
}

/** A table column of speeds: `speed vs xgboost (higher is better)`. */
export function speedHeader(peer: string): string {
  return `speed vs ${peer} (higher is better)`;
}

/**
 * The legend under a table of speeds, e.g. `speed vs xgboost = xgboost's time / ours (higher is
 * better; > 1 = ours faster)`; `how` says what was divided when it is not time.
 */
export function speedLegend(peer: string, how = `${peer}'s time / ours`): string {
  return `speed vs ${peer} = ${how} (${SPEED_DIRECTION})`;
}

/** One speed on one line: `speed vs scipy: 2.70× (higher is better; > 1 = ours faster)`. */
export function speedSentence(peer: string, speed: number): string {
  return `speed vs ${peer}: ${formatSpeed(speed)} (${SPEED_DIRECTION})`;
}

/** What a measured value must be: its printed form (`≥ 1.20×`) and the test. */
export interface Goal {
  /** The goal as printed after `goal`, e.g. `≥ 1.20×`, `< 0.050 s`. */
  readonly label: string;
  /** Whether a (finite) value meets it. */
  readonly met: (value: number) => boolean;
}

/** How a goal's target prints (default: as a speed, `1.20×`). */
export interface GoalOptions {
  readonly format?: (value: number) => string;
}

/** A value must be at least `min` (a speed by default: `goal ≥ 1.20×`). */
export function atLeast(min: number, options: GoalOptions = {}): Goal {
  const format = options.format ?? formatSpeed;
  return { label: `≥ ${format(min)}`, met: (v) => v >= min };
}

/** A value must be below `max` (e.g. seconds: `goal < 0.050 s`). */
export function below(max: number, options: GoalOptions = {}): Goal {
  const format = options.format ?? formatSpeed;
  return { label: `< ${format(max)}`, met: (v) => v < max };
}

/** The outcome alone, for a table cell: `met`, `MISSED`, or `not measured`. */
export function goalOutcome(value: number, goal: Goal): string {
  if (!Number.isFinite(value)) return "not measured";
  return goal.met(value) ? "met" : "MISSED";
}

/** A table column of outcomes: `goal ≥ 1.20×`. */
export function goalHeader(goal: Goal): string {
  return `goal ${goal.label}`;
}

/** The goal and its outcome: `goal ≥ 1.20×: met` or `goal ≥ 1.20×: MISSED`. */
export function goalCheck(value: number, goal: Goal): string {
  return `${goalHeader(goal)}: ${goalOutcome(value, goal)}`;
}

/** One goal of a run, named for the summary line. */
export interface GoalResult {
  /** The measurement, e.g. `WASM predictor, 1 thread`. */
  readonly what: string;
  readonly value: number;
  readonly goal: Goal;
}

/**
 * Every goal of a run on one closing line, misses named so none is overlooked:
 * `goals: 4 of 4 met`, or `goals: 3 of 4 met — MISSED: 1M rows, 2 threads`.
 */
export function goalSummary(results: readonly GoalResult[]): string {
  const by = (outcome: string) =>
    results.filter((r) => goalOutcome(r.value, r.goal) === outcome).map((r) => r.what);
  const missed = by("MISSED"), unmeasured = by("not measured");
  return [
    `goals: ${by("met").length} of ${results.length} met`,
    ...(missed.length ? [`MISSED: ${missed.join("; ")}`] : []),
    ...(unmeasured.length ? [`not measured: ${unmeasured.join("; ")}`] : []),
  ].join(" — ");
}
