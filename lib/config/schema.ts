/**
 * The training configuration: zod schemas with every default in one place.
 *
 * @module
 */

import { z } from "zod";
import { FEATURE_VIEWS } from "../features/catalog.ts";
import { DRIFT_TEST_NAMES } from "../drift/registry.ts";
import { SCALAR_METRICS } from "../evaluate/binary_metrics.ts";
import { DRIFT_SCENARIOS } from "../features/transactions.ts";
import { RULE_SETS } from "../labels/rule_sets.ts";
import { MODEL_TYPES } from "../models/model_types.ts";
import { CALIBRATION_METHODS } from "../models/calibration/calibrator.ts";
import { USE_CASES } from "./use_cases.ts";
import { rankingProblems } from "./ranking_settings.ts";

/** Feature sources. */
export const SOURCES = ["embedded", "redis", "file", "transactions"] as const;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), {
  message: "must be an ISO-8601 time such as 2024-06-03T03:00:00Z",
});

/** The Redis feature store: connection, layout and extraction settings. */
export const RedisConfigSchema = z.strictObject({
  host: z.string().min(1).default("localhost"),
  port: z.number().int().min(1).max(65535).default(6379),
  /** Secret: from REDIS_PASSWORD; never logged or written. */
  password: z.string().optional(),
  db: z.number().int().min(0).default(0),
  tls: z.boolean().default(false),
  /** `host:port` of Redis Cluster nodes (REDIS_CLUSTER_NODES); empty = a single server. */
  clusterNodes: z.array(z.string().regex(/^[^:\s]+:\d+$/, { message: "must be host:port" }))
    .default([]),
  /** `hash` (the streaming pipeline's) or `feast` (Feast's online store). */
  layout: z.enum(["hash", "feast"]).default("hash"),
  /** Feast project name (the key suffix in the feast layout). */
  project: z.string().min(1).default("fraud_detection"),
  /** Feast join key of the card entity. */
  joinKey: z.string().min(1).default("card_id"),
  /** Rows older than this many minutes (vs the newest row) are dropped; 0 = keep all. */
  maxFeatureAgeMinutes: z.number().min(0).default(0),
  scanCount: z.number().int().min(1).max(100_000).default(1000),
  batchSize: z.number().int().min(1).max(100_000).default(1000),
  connectTimeoutMs: z.number().int().min(1).default(5000),
  /** Reconnection attempts (backoff 50 ms → 2 s) before a run fails. */
  retries: z.number().int().min(0).max(100).default(8),
  /**
   * A rescan after a dropped connection found rows gone that were read before it (the server
   * restarted empty, a failover to an empty replica): `warn` keeps what was read and reports both
   * counts (log and data-quality artifact); `error` stops the run.
   */
  onRescanShrink: z.enum(["warn", "error"]).default("warn"),
  /** Key TTL written by ingest, seconds (0 = none). */
  ttlSeconds: z.number().int().min(0).default(0),
});

/** A labeled file (`data.source: "file"`): real labels, no labeler. */
export const FileSourceSchema = z.strictObject({
  /** A CSV (with a header row) or Parquet file. */
  path: z.string().min(1).optional(),
  /** The column of 0/1 labels. */
  label: z.string().min(1).optional(),
  /** The column of entity ids (kept with the rows, not a feature). */
  entityColumn: z.string().min(1).optional(),
  /** The column of event times (ISO strings or epoch ms; not a feature; used by the time split). */
  timestampColumn: z.string().min(1).optional(),
  /** Feature columns; empty = every column but the label, entity and timestamp columns. */
  featureColumns: z.array(z.string().min(1)).default([]),
  /** A transaction log's terminal or merchant id column (`source: "transactions"`). */
  counterpartyColumn: z.string().min(1).optional(),
  /** A transaction log's amount column. */
  amountColumn: z.string().min(1).optional(),
  /** A transaction log's label-time column: when each fraud was confirmed (optional). */
  labelTimeColumn: z.string().min(1).optional(),
  /** A transaction log's transaction id column (optional). */
  idColumn: z.string().min(1).optional(),
  /**
   * A column of row weights (numbers ≥ 0, not all 0; a file or a transaction log): each row counts
   * as its weight in training and in every metric. Not a feature.
   */
  weightColumn: z.string().min(1).optional(),
  /**
   * A column of query-group ids (`data.source: "file"`): the run ranks documents within their
   * group (`rank:ndcg` unless `model.params.objective` names `rank:pairwise`), the label column
   * holds relevance grades, and groups are split whole. Not a feature.
   */
  groupColumn: z.string().min(1).optional(),
});

/**
 * The column names a transaction log (`data.source: "transactions"`) is read with unless
 * `data.file` names others: the handbook's layout in snake case.
 */
export const LOG_COLUMNS = {
  label: "label",
  entityColumn: "entity_id",
  counterpartyColumn: "counterparty_id",
  timestampColumn: "time",
  amountColumn: "amount",
} as const;

/** Where features come from and how rows are labeled, cleaned and split. */
export const DataConfigSchema = z.strictObject({
  /**
   * `embedded` (synthetic stream), `redis` (the feature store), `file` (labeled rows) or
   * `transactions` (a transaction log in `data.file`: one row per transaction, point-in-time
   * features computed from the log).
   */
  source: z.enum(SOURCES).default("embedded"),
  /** Rows (entities) to use. */
  maxSamples: z.number().int().min(10).max(10_000_000).default(10_000),
  /** Share of rows held out as the test set. */
  testSize: z.number().gt(0).lt(1).default(0.2),
  /**
   * `stratified`: a seeded split keeping the class shares, stratified k-fold CV. `time`: the latest
   * `testSize` share by feature timestamp is the test set, CV is forward-chaining (as
   * scikit-learn's `TimeSeriesSplit`).
   */
  split: z.enum(["stratified", "time"]).default("stratified"),
  /** CV folds on the training part (stratified, or forward-chaining with `split: time`); 0 = off. */
  cvFolds: z.number().int().min(0).max(50).refine((k) => k !== 1, {
    message: "must be 0 (no CV) or ≥ 2",
  }).default(5),
  /** The rule set that labels embedded and Redis rows (`fraud`, `propensity`). */
  labelRules: z.string().refine((s) => RULE_SETS.has(s), {
    message: `must be a rule set (${[...RULE_SETS.keys()].join(", ")})`,
  }).default("fraud"),
  /** Target share of positive labels the rules give (fraud, purchases). */
  positiveRate: z.number().gt(0).lt(1).default(0.02),
  /** Share of labels flipped at random (seeded), to simulate label noise. */
  labelNoise: z.number().min(0).lt(0.5).default(0),
  /** Rows with missing values: impute them, drop them, or stop with an error. */
  missing: z.enum(["impute", "drop", "error"]).default("impute"),
  /** Fill value for imputation, learned on training rows. */
  imputeStrategy: z.enum(["median", "mean", "zero"]).default("median"),
  /**
   * A known shift in the embedded stream (`new_fraud_pattern`, …): what a monitoring cycle sees
   * and retrains on when the world has moved. `none` for the stream as trained.
   */
  scenario: z.enum(DRIFT_SCENARIOS).default("none"),
  /** Snapshot time of the embedded stream (features are as of this instant). */
  snapshotTime: isoTime.default("2024-06-03T03:00:00Z"),
  /** Redis feature store (used with `source: "redis"`, and by `deno task ingest`). */
  redis: RedisConfigSchema.default(RedisConfigSchema.parse({})),
  /** The labeled file (used with `source: "file"`), or the transaction log (`"transactions"`). */
  file: FileSourceSchema.default(FileSourceSchema.parse({})),
  /**
   * How the embedded source labels: `rules` (the rule set on each card's latest state, at the
   * target rate) or `scenarios` (a simulated transaction log with the handbook's ground-truth
   * fraud scenarios, confirmed days later: one row per transaction, point-in-time features,
   * about `maxSamples` transactions over `logDays` days).
   */
  labels: z.enum(["rules", "scenarios"]).default("rules"),
  /** Days the simulated log spans (`labels: "scenarios"`). */
  logDays: z.number().int().min(7).max(3650).default(60),
  /** A transaction log's feature windows, in days (`source: "transactions"`). */
  windowsDays: z.array(z.number().int().min(1).max(365)).min(1).default([1, 7, 30]),
  /**
   * How many days late fraud labels are known: counterparty risk windows end this much earlier
   * (`source: "transactions"`).
   */
  delayDays: z.number().int().min(0).max(365).default(7),
  /**
   * With `split: "time"` on a transaction log, the handbook's validation: `trainDays` of training,
   * a gap of `delayDays`, `testDays` of test (cards known compromised before a test day leave
   * it); forward-chaining CV folds keep the same gap. Unset: the latest `testSize` share is test.
   */
  trainDays: z.number().int().min(1).max(3650).optional(),
  /** Days of test (and of each CV fold's test period), with `trainDays`. */
  testDays: z.number().int().min(1).max(3650).optional(),
  /** The first training day (`YYYY-MM-DD`, UTC); unset: the test period ends on the log's last day. */
  trainStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** The first test day (`YYYY-MM-DD`, UTC), instead of `trainStart`. */
  testStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
}).superRefine((d, ctx) => {
  const days = d.trainDays !== undefined || d.testDays !== undefined;
  if (days && (d.trainDays === undefined || d.testDays === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [d.trainDays === undefined ? "trainDays" : "testDays"],
      message: "is needed too: the split by days takes data.trainDays and data.testDays",
    });
  }
  const log = d.source === "transactions" || d.labels === "scenarios";
  if (days && (!log || d.split !== "time")) {
    ctx.addIssue({
      code: "custom",
      path: ["trainDays"],
      message:
        'splits a transaction log by days: needs data.source "transactions" and data.split "time"',
    });
  }
  if (d.file.weightColumn && d.source !== "file" && d.source !== "transactions") {
    ctx.addIssue({
      code: "custom",
      path: ["file", "weightColumn"],
      message: `weighs the rows of a file or a log: needs data.source "file" or "transactions"`,
    });
  }
  if (d.file.groupColumn && d.source !== "file") {
    ctx.addIssue({
      code: "custom",
      path: ["file", "groupColumn"],
      message: `groups the rows of a file: needs data.source "file"`,
    });
  }
  if (d.labels === "scenarios" && d.source !== "embedded") {
    ctx.addIssue({
      code: "custom",
      path: ["labels"],
      message: 'simulates a log: it needs data.source "embedded" (a log file has its own labels)',
    });
  }
  if (d.source === "transactions" && !d.file.path) {
    ctx.addIssue({
      code: "custom",
      path: ["file", "path"],
      message: `is required with data.source "transactions" (--input)`,
    });
  }
  if (d.source !== "file") return;
  for (const key of ["path", "label"] as const) {
    if (!d.file[key]) {
      ctx.addIssue({
        code: "custom",
        path: ["file", key],
        message: `is required with data.source "file" (--${key === "path" ? "input" : "label"})`,
      });
    }
  }
});

/** Which model to train and its parameters (validated by the model itself). */
/** Where a Dask fit runs (`model.dask`). */
export const DaskConfigSchema = z.strictObject({
  /** The scheduler's address (`tcp://host:port`; env DASK_SCHEDULER_ADDRESS). */
  scheduler: z.string().min(1).optional(),
  /** A folder every worker reads at the same path: each fit's rows go there as Parquet. */
  shared: z.string().min(1).default("output/dask"),
  /** Parquet partitions per fit (about the workers' threads). */
  partitions: z.number().int().min(1).max(10_000).default(8),
});

export const ModelConfigSchema = z.strictObject({
  /** Model family. */
  type: z.enum(MODEL_TYPES).default("xgboost"),
  /** Where tree models train: our engine, or xgboost.dask on a Dask cluster (`model.dask`). */
  engine: z.enum(["local", "dask"]).default("local"),
  /** The Dask cluster (with `engine: "dask"`). */
  dask: DaskConfigSchema.default(DaskConfigSchema.parse({})),
  /** Model parameters, by the model's own names (e.g. `C` for logistic regression). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  /**
   * Calibrate the model's probabilities (`isotonic` or Platt's `sigmoid`, as scikit-learn's
   * `CalibratedClassifierCV`) on scores it did not train on: the CV's out-of-fold scores, or with
   * `data.split: "time"` the latest 20% of the training part scored by a model fitted on the rest.
   */
  calibration: z.enum(CALIBRATION_METHODS).default("none"),
  /**
   * Select features inside the training part before the final fit: keep the `keep` most important
   * (an integer ≥ 1) or those with at least that share of the total importance (a number in
   * (0, 1)); importance by mean |SHAP| on each CV fold's training rows or by permutation on its
   * held-out rows. Off when unset.
   */
  featureSelection: z.strictObject({
    keep: z.number().gt(0).refine((v) => v < 1 || Number.isInteger(v), {
      message: "must be a share in (0, 1) or a whole number of features ≥ 1",
    }),
    importance: z.enum(["shap", "permutation"]).default("shap"),
  }).optional(),
});

/** Drift detection: sample sizes, tests, thresholds and the alarm rules (`deno task drift`). */
export const DriftConfigSchema = z.strictObject({
  /** Rows of each sample. */
  maxSamples: z.number().int().min(5).max(10_000_000).default(1000),
  /** α for p-value tests. */
  significanceLevel: z.number().gt(0).lt(1).default(0.05),
  /** Multiple-testing correction across features. */
  correction: z.enum(["none", "bonferroni", "bh"]).default("none"),
  /** Share of drifted features that makes the dataset drifted. */
  driftShare: z.number().gt(0).max(1).default(0.5),
  /** Drifted importance share that makes the dataset drifted (off when unset). */
  importanceShare: z.number().gt(0).max(1).optional(),
  /** Share of current rows in unseen categories that alone marks a feature drifted. */
  unseenShare: z.number().gt(0).max(1).default(0.01),
  /** PSI bins of continuous features. */
  psiBins: z.number().int().min(2).max(100).default(10),
  /** Present values each sample needs for a test (and scores, labeled rows); fewer: not measurable. */
  minSamples: z.number().int().min(2).default(30),
  /** Rise of a feature's missing share (current − reference) that raises the alarm; 1 = only a feature with no value at all. */
  missingShareRise: z.number().gt(0).max(1).default(0.1),
  /** ROC AUC drop that counts as degraded performance. */
  performanceMargin: z.number().min(0).max(1).default(0.05),
  /** Test per feature, kind or `*` (feature > kind > *). */
  tests: z.record(z.string(), z.enum(DRIFT_TEST_NAMES)).default({}),
  /** Threshold per feature, kind or `*`, on the test's own scale. */
  thresholds: z.record(z.string(), z.number().gt(0)).default({}),
  /** Rows per chunk: every chunked measure (estimated performance, multivariate drift) per chunk. */
  chunkSize: z.number().int().min(2).optional(),
  /** Number of chunks (each `rows // chunkCount` rows, the remainder a last chunk). */
  chunkCount: z.number().int().min(1).optional(),
  /** Chunks by calendar period of the timestamp column (UTC days; weeks Monday to Sunday). */
  chunkBy: z.enum(["day", "week"]).optional(),
  /** PCA variance share kept by the reconstruction-error drift (NannyML's 0.65). */
  reconstructionVariance: z.number().gt(0).lt(1).default(0.65),
  /** With a chunking, the domain classifier per chunk too (5-fold trees per chunk: slower). */
  domainClassifier: z.boolean().default(false),
}).refine(
  (d) => [d.chunkSize, d.chunkCount, d.chunkBy].filter((v) => v !== undefined).length <= 1,
  { message: "give one of chunkSize, chunkCount and chunkBy", path: ["chunkSize"] },
).refine(
  (d) => !d.domainClassifier || [d.chunkSize, d.chunkCount, d.chunkBy].some((v) => v !== undefined),
  { message: "needs a chunking (chunkSize, chunkCount or chunkBy)", path: ["domainClassifier"] },
);

/** Where runs are tracked. */
export const MlflowConfigSchema = z.strictObject({
  /**
   * Where runs are tracked, as MLflow reads it: `sqlite:///<path>` (MLflow's own database; the
   * default, with artifacts in `mlruns/` beside it), `http(s)://…` (a tracking server), or a path
   * / `file:` URI (MLflow's deprecated file store).
   */
  trackingUri: z.string().min(1).default("sqlite:///mlflow.db"),
  /** Experiment the run belongs to (created if missing). */
  experimentName: z.string().min(1).default("fraud-detection"),
  /** Optional run name (default: model type and time). */
  runName: z.string().min(1).optional(),
  /** Register the run's model as a new version of this registered model. */
  registerModel: z.string().min(1).optional(),
  /** Point this alias (e.g. `challenger`) at the version registered (with `registerModel`). */
  registerAlias: z.string().regex(/^[A-Za-z_][\w-]*$/, {
    message: "must be a name such as challenger",
  })
    .optional(),
  /** A tracking server that cannot be reached at start: track to the embedded store instead. */
  offlineOk: z.boolean().default(false),
  /** Secret (MLFLOW_TRACKING_TOKEN): a bearer token for the server. */
  token: z.string().optional(),
  /** MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (secret): basic auth for the server. */
  username: z.string().optional(),
  password: z.string().optional(),
});

/** A searched parameter's range in `tune.space`. */
const ParamRangeSchema = z.union([
  z.strictObject({
    low: z.number(),
    high: z.number(),
    log: z.boolean().optional(),
    int: z.boolean().optional(),
  }),
  z.strictObject({ choices: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1) }),
]);

/** Hyperparameter search (`--tune`): random configurations, successive halving, CV scores. */
export const TuneConfigSchema = z.strictObject({
  /** Search before the final fit (needs CV folds). */
  enabled: z.boolean().default(false),
  /** Configurations sampled (the first rung scores them all). */
  trials: z.number().int().min(1).max(10_000).default(27),
  /** Keep the best 1/eta at each rung, with eta times the budget. */
  eta: z.number().int().min(2).max(10).default(3),
  /** The first rung's budget (boosting rounds, or trees of a forest); the last is the model's. */
  minBudget: z.number().int().min(1).default(12),
  /** Early stopping inside each fold for boosted trees (on the fold's held-out part); 0 = off. */
  earlyStoppingRounds: z.number().int().min(0).default(20),
  /** Stop starting evaluations after this many seconds (0 = no limit). */
  timeBudgetSeconds: z.number().min(0).default(0),
  /**
   * Configurations sampled around the best after the halving, each scored at the full budget
   * (default: a third of `trials`, which about evens the compute of `trials` full evaluations).
   */
  refine: z.number().int().min(0).optional(),
  /** The CV metric maximized (mean over folds). */
  metric: z.enum(["pr_auc", "roc_auc"]).default("pr_auc"),
  /** Ranges replacing (or adding to) the model type's default space, by parameter name. */
  space: z.record(z.string(), ParamRangeSchema).default({}),
});

/** Retraining triggers a monitoring cycle evaluates. */
export const TRIGGERS = [
  "drift",
  "performance",
  "age",
  "data",
  "estimated_performance",
  "multivariate",
] as const;

/** Continuous learning: the triggers of a monitoring cycle, promotion and the cycle lock. */
export const MonitorConfigSchema = z.strictObject({
  /** The registered model watched: its `champion` is compared, its `challenger` trained. */
  modelName: z.string().min(1).default("fraud_detection"),
  /** Triggers evaluated (each reported with its value and threshold). */
  triggers: z.array(z.enum(TRIGGERS)).default([...TRIGGERS]),
  /** Drift: the lowest feature severity that counts… */
  driftSeverity: z.enum(["low", "medium", "high"]).default("medium"),
  /** …on features carrying at least this share of the champion's importance (or the dataset verdict). */
  driftImportanceShare: z.number().gt(0).max(1).default(0.3),
  /** Performance: the metric compared with the champion's own test score… */
  performanceMetric: z.enum(["roc_auc", "recall"]).default("roc_auc"),
  /** …and the drop that fires. */
  performanceMargin: z.number().min(0).max(1).default(0.05),
  /** Age: a champion older than this many hours fires (a schedule); 0 = off. */
  maxAgeHours: z.number().min(0).default(168),
  /**
   * Labels count for realized performance only once their row is this many days old (chargebacks
   * arrive late); younger rows are measured by the estimated performance only. 0 = every label.
   */
  labelMaturityDays: z.number().min(0).default(0),
  /** Data: a rule's hit rate (or the rule-based positive rate) outside [ref / band, ref × band]… */
  dataBand: z.number().gt(1).default(2),
  /** …at least this far from the reference's, absolutely (small rates are noisy)… */
  dataMinDifference: z.number().min(0).max(1).default(0.01),
  /** …and different at this level (two-proportion z-test, Bonferroni over the rates compared). */
  dataAlpha: z.number().gt(0).lt(1).default(0.01),
  /** Promotion: the metric on the fresh holdout… */
  promotionMetric: z.enum(SCALAR_METRICS).default("roc_auc"),
  /** …and how much better the challenger must be. */
  minGain: z.number().min(0).default(0.001),
  /** The Redis cycle lock expires this long after its last renewal (a crashed cycle's frees itself; a file lock is freed by the OS when its process ends). */
  lockTtlSeconds: z.number().int().min(1).max(86_400).default(120),
  /**
   * The file lock (when Redis is not the source); it keeps the fencing token, so it stays. Under
   * `output/` (ignored, as everything tasks write by default), not in the work tree.
   */
  lockFile: z.string().min(1).default("output/monitor.lock"),
});

/** How a fraud model is judged beside ROC and PR AUC: the alert budget and the cost model. */
export const EvaluationConfigSchema = z.strictObject({
  /** Alerts investigators can check a day: k of precision@k and card precision@k. */
  alertBudget: z.number().int().min(1).default(100),
  /** The cost of reviewing one alert, in the amounts' currency. */
  reviewCost: z.number().min(0).default(10),
  /** The cost of a missed fraud: its amount, or a fixed value. */
  missedFraudCost: z.union([z.literal("amount"), z.number().min(0)]).default("amount"),
});

/** The whole training configuration. */
export const TrainingConfigSchema = z.strictObject({
  /** The use case whose defaults sit under the user's settings (see `use_cases.ts`). */
  useCase: z.string().refine((s) => USE_CASES.has(s), {
    message: `must be a use case (${[...USE_CASES.keys()].join(", ")})`,
  }).default("fraud"),
  data: DataConfigSchema.default(DataConfigSchema.parse({})),
  model: ModelConfigSchema.default(ModelConfigSchema.parse({})),
  mlflow: MlflowConfigSchema.default(MlflowConfigSchema.parse({})),
  drift: DriftConfigSchema.default(DriftConfigSchema.parse({})),
  monitor: MonitorConfigSchema.default(MonitorConfigSchema.parse({})),
  tune: TuneConfigSchema.default(TuneConfigSchema.parse({})),
  evaluation: EvaluationConfigSchema.default(EvaluationConfigSchema.parse({})),
  /** Also write the model as ONNX (`model/model.onnx`), verified loadable by onnxruntime. */
  exportOnnx: z.boolean().default(true),
  /** Feature views to train on. */
  featureViews: z.array(
    z.string().refine((v) => FEATURE_VIEWS.has(v), {
      message: `must be a known feature view (${[...FEATURE_VIEWS.keys()].join(", ")})`,
    }),
  ).min(1).default(["transaction"]),
  /** Seed for every random choice (data, labels, splits, models). */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
}).superRefine((c, ctx) => {
  for (const { path, message } of rankingProblems(c)) {
    ctx.addIssue({ code: "custom", path, message });
  }
});

/** The parsed, defaulted training configuration. */
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

/** The defaults (of the fraud use case), as a value. */
export function defaultConfig(): TrainingConfig {
  return TrainingConfigSchema.parse(USE_CASES.get("fraud")!.defaults);
}
