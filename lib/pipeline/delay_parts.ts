/**
 * The handbook's validation of a transaction log as the training pipeline's parts: the delay
 * split's training and test rows, its prequential folds as positions within the training part
 * (a fold's rows that fall outside the training period are left out of it), and the periods'
 * time spans.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { delaySplit, type DelayWindow } from "../data/delay_split.ts";
import type { SplitIndices } from "../data/split.ts";
import { ConfigError, DataError } from "../errors.ts";
import type { LabeledData } from "./load_features.ts";
import type { TimeRange, TimeRanges } from "./training_result.ts";

/** The split, its folds within the training part, and the periods. */
export interface DelayParts {
  readonly split: SplitIndices;
  readonly folds?: SplitIndices[];
  readonly timeRanges: TimeRanges;
  /** Test rows left out as belonging to cards known compromised before their day. */
  readonly removedRows: number;
}

/**
 * Splits by `data.trainDays`, `data.delayDays`, `data.testDays` (and `data.cvFolds` folds).
 *
 * @throws {ConfigError} without a transaction log; {@link DataError} for a period with no rows or
 *   no fraud.
 */
export function delayParts(data: LabeledData, config: TrainingConfig): DelayParts {
  const log = data.log;
  if (!log) {
    throw new ConfigError([
      'data.trainDays: splits a transaction log (data.source "transactions")',
    ]);
  }
  const d = config.data;
  const split = delaySplit(log, {
    trainDays: d.trainDays!,
    delayDays: d.delayDays,
    testDays: d.testDays!,
    trainStart: d.trainStart,
    testStart: d.testStart,
    folds: d.cvFolds >= 2 ? d.cvFolds : 0,
    // Only real label times: without the column the log copies the transaction's own time.
    labelTime: d.file.labelTimeColumn ? log.labelTime : undefined,
  });
  const position = new Map<number, number>();
  split.train.forEach((row, k) => position.set(row, k));
  const within = (rows: Int32Array) =>
    Int32Array.from(rows.filter((r) => position.has(r)), (r) => position.get(r)!);
  const folds = split.folds.map((f) => ({ train: within(f.train), test: within(f.test) }));
  folds.forEach((f, i) => {
    const has = (rows: Int32Array) => rows.some((k) => data.labels[split.train[k]!] === 1);
    if (!has(f.train) || !has(f.test)) {
      throw new DataError(
        `data.cvFolds: fold ${i + 1} of ${folds.length} holds ${f.train.length} training and ` +
          `${f.test.length} test rows of the training period (from ${split.periods.train.start}), ` +
          `${has(f.train) ? "no fraud in its test rows" : "no fraud to train on"}: use fewer ` +
          `folds, more data.trainDays or a later data.trainStart`,
      );
    }
  });
  const range = (p: DelayWindow["periods"]["train"], rows: number): TimeRange => ({
    from: `${p.start}T00:00:00.000Z`,
    to: `${p.end}T00:00:00.000Z`,
    rows,
  });
  return {
    split: { train: split.train, test: split.test },
    ...(folds.length ? { folds } : {}),
    timeRanges: {
      train: range(split.periods.train, split.train.length),
      test: range(split.periods.test, split.test.length),
      folds: split.folds.map((f, i) => ({
        train: range(f.periods.train, folds[i]!.train.length),
        test: range(f.periods.test, folds[i]!.test.length),
      })),
    },
    removedRows: split.removedRows,
  };
}
