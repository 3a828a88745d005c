/**
 * What the training summary and the notebook views read of a training run. The pipeline's
 * `TrainingResult` is one; the report layer names only what it shows, so it depends on no
 * pipeline code.
 *
 * @module
 */

import type { BinaryMetrics, ScalarMetric } from "../evaluate/binary_metrics.ts";
import type { MeanStd } from "../evaluate/summary.ts";
import type { CalibrationFacts } from "./calibration_summary.ts";
import type { FraudMetrics } from "../evaluate/fraud_metrics.ts";

/** The parts of a training run that reports show. */
export interface TrainingOutcome {
  readonly runId: string;
  readonly experimentId: string;
  readonly artifactUri: string;
  readonly trackingUri: string;
  readonly durationMs: number;
  /** Wall time per phase, ms. */
  readonly phases?: Readonly<Record<string, number>>;
  readonly config: {
    readonly model: { readonly type: string };
    readonly mlflow: { readonly experimentName: string };
  };
  readonly rows: { readonly total: number; readonly train: number; readonly test: number };
  readonly data: {
    readonly labeling: { readonly achievedRate: number; readonly positive: string };
  };
  readonly cv?: {
    readonly folds: readonly unknown[];
    readonly summary: Readonly<Record<ScalarMetric, MeanStd>>;
  };
  readonly test: BinaryMetrics;
  readonly chosenThreshold: number;
  readonly testAtChosen: {
    readonly precision: number;
    readonly recall: number;
    readonly f1: number;
  };
  readonly importance: ReadonlyArray<{ feature: string; importance: number; share: number }>;
  readonly readiness: string;
  /** The model (a logistic regression's coefficient table is shown). */
  readonly model: object;
  /** With the time split: each part's time span. */
  readonly timeRanges?: {
    readonly train: { readonly from: string; readonly to: string };
    readonly test: { readonly from: string; readonly to: string };
  };
  /** With `model.calibration`: how the calibrator was fitted, the test rows before and after. */
  readonly calibration?: CalibrationFacts;
  /** With a transaction log: the fraud team's metrics of the test period. */
  readonly fraud?: FraudMetrics;
  readonly registered?: { readonly name: string; readonly version: string };
  readonly offline?: { readonly from: string; readonly to: string; readonly lostRunId?: string };
}
