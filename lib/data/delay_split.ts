/**
 * The fraud handbook's validation split (*Reproducible Machine Learning for Credit Card Fraud
 * Detection*, chapter 5, "Validation strategies"; `get_train_test_set` and `prequentialSplit` of
 * its `shared_functions.py`): a training period, a delay period that is in neither set (labels of
 * the latest transactions are not known yet), then a test period, all in whole UTC days. From each
 * test day, the cards already known to be compromised are left out — the handbook: "for each test
 * day, all frauds known at (test_day-delay_period) are removed".
 *
 * @module
 */

import { DataError } from "../errors.ts";
import type { SplitIndices } from "./split.ts";
import { DAY_MS, isoDay } from "./days.ts";

/** The columns of a transaction log the split reads (a `TransactionLog` has them). */
export interface DelaySplitInput {
  /** Transaction time, epoch milliseconds (any row order). */
  readonly time: ArrayLike<number>;
  /** The card (entity) of each row, as a code. */
  readonly entity: ArrayLike<number>;
  /** 1 for a fraud, else 0. */
  readonly label: ArrayLike<number>;
}

/** The periods, in days, and where they start. */
export interface DelaySplitOptions {
  /** Days of training. */
  readonly trainDays: number;
  /** Days between training and test, in neither set (0 or more). */
  readonly delayDays: number;
  /** Days of test (and of each fold's test period). */
  readonly testDays: number;
  /**
   * The first training day, `YYYY-MM-DD` (UTC). Default: from `testStart`, else the latest
   * placement, whose test period ends on the log's last day.
   */
  readonly trainStart?: string | undefined;
  /** The first test day, `YYYY-MM-DD` (UTC); with `trainStart` too, they must agree. */
  readonly testStart?: string | undefined;
  /**
   * Prequential folds before the split (the handbook's `prequentialSplit`): the last fold's test
   * period ends where the split's training period ends, each earlier fold `testDays` earlier;
   * every fold has the split's training, delay and test lengths. @default 0
   */
  readonly folds?: number | undefined;
  /**
   * When each label became known (epoch ms), from a label-time column. Given, a card is known
   * compromised on a test day when one of its frauds (from the training start on) has a label
   * time at or before that day's start (a NaN label time is never known); absent, when one of
   * its frauds is on a day before that day − `delayDays` (the handbook's rule). Pass it only for
   * real label times: a log without them copies the transaction time, which would make every
   * label known at once.
   */
  readonly labelTime?: ArrayLike<number> | undefined;
}

/** Consecutive UTC days: `start` (inclusive) to `end` (exclusive), as `YYYY-MM-DD`. */
export interface Period {
  /** The first day. */
  readonly start: string;
  /** The day after the last one (equal to `start` for an empty period). */
  readonly end: string;
  /** How many days. */
  readonly days: number;
}

/** One training/test split: its rows, its periods, and what the known-compromised rule left out. */
export interface DelayWindow extends SplitIndices {
  /** Training, delay and test periods, back to back. */
  readonly periods: { readonly train: Period; readonly delay: Period; readonly test: Period };
  /** Test-period rows left out as belonging to known compromised cards. */
  readonly removedRows: number;
  /** The distinct cards those rows belong to. */
  readonly removedCards: number;
}

/** The split, and its prequential folds in time order (oldest first). */
export interface DelaySplit extends DelayWindow {
  /** The folds for model selection, oldest first; all before the split's test period. */
  readonly folds: readonly DelayWindow[];
}

/**
 * Splits a transaction log as the handbook validates fraud models: training rows of the training
 * period, then (after the delay period) test rows of the test period whose card is not yet known
 * to be compromised; with `folds`, the same split shifted back for model selection. Row indices
 * are ascending.
 *
 * @param log Times, card codes and labels (a `TransactionLog` will do).
 * @param options The periods' lengths in days, where they start, the folds, label times.
 * @returns The split's rows and periods, and its folds.
 * @throws {DataError} for a missing time, or a training or test period (of the split or a fold)
 *   with no rows or no fraud, with the counts; {RangeError} for bad lengths or dates.
 * @example One week each of training, delay and test, with two folds
 * ```ts
 * import { delaySplit } from "./delay_split.ts";
 * const day = 86_400_000, start = Date.UTC(2018, 6, 25);
 * const time = Float64Array.from({ length: 42 * 4 }, (_, i) => start + Math.floor(i / 4) * day);
 * const entity = Int32Array.from(time, (_, i) => i % 9);
 * const label = Uint8Array.from(time, (_, i) => (i % 13 === 0 ? 1 : 0));
 * const weeks = { trainDays: 7, delayDays: 7, testDays: 7, folds: 2 };
 * const split = delaySplit({ time, entity, label }, weeks);
 * split.periods.test; // { start: "2018-08-29", end: "2018-09-05", days: 7 }: the log's last week
 * split.folds.map((f) => f.periods.test.start); // ["2018-08-08", "2018-08-15"]
 * // the last fold tests on the split's training week
 * ```
 */
export function delaySplit(log: DelaySplitInput, options: DelaySplitOptions): DelaySplit {
  const days = rowDays(log, options.labelTime);
  const start = trainStartDay(days, options);
  const folds = options.folds ?? 0;
  const window = (s: number, what: string) => delayWindow({ log, days, options, start: s, what });
  const split = window(start, "the delay split");
  const earlier: DelayWindow[] = [];
  for (let f = folds - 1; f >= 0; f--) {
    const s = start - (options.delayDays + options.testDays) - f * options.testDays;
    earlier.push(window(s, `fold ${folds - f} of ${folds} of the delay split`));
  }
  return { ...split, folds: earlier };
}

/** One window's inputs: the log, its rows' days, the options, the first training day. */
interface WindowSpec {
  readonly log: DelaySplitInput;
  readonly days: Float64Array;
  readonly options: DelaySplitOptions;
  readonly start: number;
  /** How errors name the window. */
  readonly what: string;
}

/** The training rows, the test rows less known compromised cards, and the periods. */
function delayWindow(spec: WindowSpec): DelayWindow {
  const { log, days, options, start } = spec;
  const testStart = start + options.trainDays + options.delayDays;
  const testEnd = testStart + options.testDays;
  const knownFrom = knownFromDay(spec);
  const train: number[] = [], test: number[] = [];
  const removed = new Set<number>();
  let removedRows = 0;
  for (let i = 0; i < days.length; i++) {
    const d = days[i]!;
    if (d >= start && d < start + options.trainDays) train.push(i);
    else if (d >= testStart && d < testEnd) {
      if ((knownFrom.get(log.entity[i]!) ?? Infinity) <= d) {
        removedRows++;
        removed.add(log.entity[i]!);
      } else test.push(i);
    }
  }
  const window: DelayWindow = {
    train: Int32Array.from(train),
    test: Int32Array.from(test),
    periods: {
      train: period(start, options.trainDays),
      delay: period(start + options.trainDays, options.delayDays),
      test: period(testStart, options.testDays),
    },
    removedRows,
    removedCards: removed.size,
  };
  assertUsable(spec, window);
  return window;
}

/**
 * For each card with a fraud from the window's training start on: the first day it counts as
 * known compromised. By the delay, the day after its first fraud's day plus `delayDays`; by label
 * times, the first day starting at or after its earliest label time.
 */
function knownFromDay(spec: WindowSpec): Map<number, number> {
  const { log, days, options, start } = spec;
  const known = new Map<number, number>();
  for (let i = 0; i < days.length; i++) {
    if (log.label[i] !== 1 || days[i]! < start) continue;
    const from = options.labelTime
      ? Math.ceil(options.labelTime[i]! / DAY_MS)
      : days[i]! + options.delayDays + 1;
    if (from < (known.get(log.entity[i]!) ?? Infinity)) known.set(log.entity[i]!, from);
  }
  return known;
}

/** Each row's UTC day, after checking the columns' lengths and that every row has a time. */
function rowDays(log: DelaySplitInput, labelTime: ArrayLike<number> | undefined): Float64Array {
  const n = log.time.length;
  const columns = [["entity", log.entity], ["label", log.label], ["labelTime", labelTime]] as const;
  for (const [name, column] of columns) {
    if (column && column.length !== n) {
      throw new RangeError(
        `Expected ${n} values of ${name} (one per time) but found ${column.length}`,
      );
    }
  }
  const days = Float64Array.from(log.time, (t) => Math.floor(t / DAY_MS));
  const missing = days.reduce((m, d) => m + (Number.isFinite(d) ? 0 : 1), 0);
  if (missing) {
    throw new DataError(
      `the delay split needs a time on every row; ${missing} of ${n} have none`,
    );
  }
  return days;
}

/** The first training day: given, from the test start, or the latest placement. */
function trainStartDay(days: Float64Array, options: DelaySplitOptions): number {
  const { trainDays, delayDays, testDays } = options;
  checkLengths(options);
  const gap = trainDays + delayDays;
  const fromTest = options.testStart === undefined
    ? undefined
    : parseDay("testStart", options.testStart) - gap;
  if (options.trainStart !== undefined) {
    const start = parseDay("trainStart", options.trainStart);
    if (fromTest !== undefined && fromTest !== start) {
      throw new RangeError(
        `Expected testStart ${isoDay(start + gap)} (trainStart + trainDays + delayDays) but ` +
          `found ${options.testStart}`,
      );
    }
    return start;
  }
  if (fromTest !== undefined) return fromTest;
  if (days.length === 0) throw new DataError("the delay split's log is empty: no rows to split");
  return days.reduce((a, b) => Math.max(a, b)) - (gap + testDays) + 1;
}

/** Throws a RangeError for a length that is not a whole number of days (or folds) in range. */
function checkLengths(options: DelaySplitOptions): void {
  const least = { trainDays: 1, delayDays: 0, testDays: 1, folds: 0 } as const;
  for (const [name, min] of Object.entries(least) as Array<[keyof typeof least, number]>) {
    const value = options[name] ?? 0;
    if (!(Number.isInteger(value) && value >= min)) {
      throw new RangeError(`Expected ${name} to be an integer ≥ ${min} but found ${value}`);
    }
  }
}

/** Throws when the window's training or test rows are none, or hold no fraud. */
function assertUsable(spec: WindowSpec, window: DelayWindow): void {
  const { log, what } = spec;
  for (const part of ["train", "test"] as const) {
    const rows = window[part], p = window.periods[part];
    let frauds = 0;
    for (const i of rows) frauds += log.label[i] === 1 ? 1 : 0;
    if (rows.length > 0 && frauds > 0) continue;
    const name = part === "train" ? "training" : "test";
    const left = part === "test" && window.removedRows
      ? ` (${window.removedRows} more rows of ${window.removedCards} known compromised cards left out)`
      : "";
    const [first, last] = spec.days.reduce(
      ([lo, hi], d) => [Math.min(lo, d), Math.max(hi, d)],
      [Infinity, -Infinity],
    );
    const span = spec.days.length ? `; the log runs from ${isoDay(first)} to ${isoDay(last)}` : "";
    throw new DataError(
      `${what}: the ${name} period [${p.start}, ${p.end}) (${p.days} days) holds ` +
        `${rows.length} rows${left} and ${frauds} frauds; it needs rows and a fraud${span}`,
    );
  }
}

/** `days` days from day `start`. */
function period(start: number, days: number): Period {
  return { start: isoDay(start), end: isoDay(start + days), days };
}

/** A `YYYY-MM-DD` date as a UTC day index. */
function parseDay(name: string, text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : NaN;
  if (!m || isoDay(day) !== text) {
    throw new RangeError(`Expected ${name} to be a date YYYY-MM-DD but found "${text}"`);
  }
  return day;
}
