/**
 * The fraud and personalization training pipeline as a library: what a notebook or another
 * program calls. Every task (`deno task train`, `drift`, `predict`, …) runs these same functions.
 *
 * Results show themselves in Jupyter (Deno kernel): a training result, a drift report, a model
 * and an explanation display as HTML summaries, and every figure draws itself.
 *
 * @example Train on the embedded stream and look at the test AUC
 * ```ts
 * import { config, train } from "./mod.ts";
 * const result = await train(config({ data: { maxSamples: 5000 }, seed: 7 }));
 * result.test.roc_auc; // a notebook cell ending in `result;` shows the run's summary
 * ```
 *
 * @example Drift between two frames
 * ```ts
 * import { driftBetween, Frame } from "./mod.ts";
 * const ramp = (shift: number) => Float64Array.from({ length: 500 }, (_, i) => i + shift);
 * const report = driftBetween(new Frame(["amount"], [ramp(0)]), new Frame(["amount"], [ramp(80)]));
 * report.driftFound; // true: the amount moved
 * ```
 *
 * @example Explain a registered model's scores
 * ```ts
 * import { explain, Frame, loadModel } from "./mod.ts";
 * const model = await loadModel("models:/fraud_detection@champion");
 * const missing = new Frame(model.featureNames, model.featureNames.map(() => Float64Array.of(NaN)));
 * explain(model, missing).row(0); // every feature missing: where the trees send NaN
 * ```
 *
 * `deno.json` exports this module (`"exports": "./lib/mod.ts"`). Sub-modules stay importable for
 * what it does not list (`lib/drift/ks.ts`, …).
 *
 * @module
 */

// Configuration: defaults < environment < overrides, validated in one call.
export { config, type ConfigOverrides, resolveConfig } from "./config/load.ts";
export type { TrainingConfig } from "./config/schema.ts";

// Errors callers may catch, by meaning.
export {
  ConfigError,
  DataError,
  EnvironmentError,
  ModelFormatError,
  NotFoundError,
  ServiceUnreachableError,
} from "./errors.ts";

// Data: frames, files, the configured features with their labels.
export { Frame } from "./data/frame.ts";
export { readTable } from "./data/read_table.ts";
export type { Table } from "./data/table.ts";
export { type LabeledData, loadLabeledData } from "./pipeline/load_features.ts";

// Training and models.
export { train, type TrainOptions } from "./pipeline/train.ts";
export type { TrainingResult } from "./pipeline/training_result.ts";
export { trainRanking, type TrainRankingOptions } from "./pipeline/train_ranking.ts";
export type { RankingResult } from "./pipeline/ranking_result.ts";
export { runSummary } from "./report/run_summary.ts";
export { GradientBoosting } from "./models/gbt/gradient_boosting.ts";
export { EarlyStopping } from "./models/gbt/early_stopping.ts";
export { LogisticRegression } from "./models/logistic_regression.ts";
export type { Classifier, Estimator } from "./models/model.ts";
export { loadModel, type LoadModelOptions } from "./pipeline/load_model.ts";

// Explanations.
export { explain, Explanation } from "./explain/explanation.ts";

// Drift: between two samples, and against a training run.
export { driftBetween, driftFromFiles } from "./pipeline/drift_files.ts";
export { driftFromRun, type RunDrift } from "./pipeline/drift_run.ts";
export { DriftReport } from "./report/drift_report.ts";
export { estimatePerformance, type PerformanceEstimate } from "./drift/cbpe.ts";
export { type ChunkedDrift, chunkedDrift } from "./drift/chunked_drift.ts";
export { reconstructionDrift } from "./drift/reconstruction.ts";

// Report views and figures (each displays itself in a notebook).
export {
  coefficientsView,
  confusionView,
  metricsView,
  qualityView,
  rulesView,
  trainingView,
} from "./report/views.ts";
export {
  boostingFigure,
  importanceFigure,
  prFigure,
  rocFigure,
  thresholdFigure,
} from "./report/training_charts.ts";
export { correlationFigure, featureByLabelFigure } from "./report/feature_charts.ts";
export { reliabilityFigure } from "./report/reliability_figure.ts";
export { shapImportanceFigure, waterfallFigure } from "./report/explain_charts.ts";
export { distributionFigure } from "./report/drift_html.ts";
export { chunkFigure, chunkFigures } from "./report/chunk_charts.ts";
export { cardPrecisionFigure } from "./report/fraud_charts.ts";
export { takeValues } from "./data/frame.ts";
