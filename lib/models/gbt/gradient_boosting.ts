/**
 * The gradient-boosting estimator: XGBoost's `hist` algorithm with its hot loops (binning,
 * gradients, histograms, partitioning, prediction) in WebAssembly. Serves the `xgboost`,
 * `lightgbm` (leaf-wise growth) and `random_forest` (parallel trees) model types.
 *
 * @module
 */

import type { Frame } from "../../data/frame.ts";
import { ConfigError, DataError } from "../../errors.ts";
import { Rng } from "../../util/rng.ts";
import type { Estimator, FitOptions, IterationMetrics, TrainingCallback } from "../model.ts";
import { validateParams } from "../params.ts";
import { computeCuts } from "./binning.ts";
import { EarlyStopping } from "./early_stopping.ts";
import { EVAL_METRIC_REGISTRY } from "./eval_metrics.ts";
import { GbtModel } from "./gbt_model.ts";
import { type GrownTree, growTree } from "./grow_tree.ts";
import { OP_GRAD_LOGISTIC, OP_GRAD_SQUARED } from "./_jobs.ts";
import { HistBuilder } from "./hist_builder.ts";
import { splitRange, threadCount, ThreadPool } from "./thread_pool.ts";
import { Workspace } from "./kernel/workspace.ts";
import { baseMargin, estimateBaseScore, isLogistic, transform } from "./objective.ts";
import {
  ALIASES,
  type GbtParams,
  GbtParamsSchema,
  MODEL_DEFAULTS,
  normalizeAliases,
  type TreeModelType,
} from "./params.ts";
import { placeTree, type RegTree } from "./tree.ts";

/**
 * Gradient-boosted trees, XGBoost-compatible.
 *
 * @example
 * ```ts
 * const model = await new GradientBoosting({ max_depth: 4, eta: 0.1 }).fit(frame, labels);
 * model.predictProba(frame);
 * ```
 */
export class GradientBoosting implements Estimator {
  /** `xgboost`, `lightgbm` or `random_forest`. */
  readonly type: TreeModelType;
  /** Validated parameters (type defaults applied). */
  readonly params: GbtParams;

  /**
   * @param params XGBoost parameters (aliases such as `learning_rate`, `n_estimators` accepted).
   * @param options.type Model type whose defaults apply first. @default "xgboost"
   * @throws {ConfigError} one line per bad parameter, naming it, its range and the value found.
   */
  constructor(params: Record<string, unknown> = {}, options: { type?: TreeModelType } = {}) {
    const type = options.type ?? "xgboost";
    this.type = type;
    const merged = { ...MODEL_DEFAULTS[type], ...normalizeAliases(params) };
    try {
      this.params = validateParams(GbtParamsSchema, merged, type);
    } catch (error) {
      // Name a parameter as the user spelled it (learning_rate, not eta).
      if (!(error instanceof ConfigError)) throw error;
      const spelled = Object.keys(params).filter((k) => k in ALIASES && !(ALIASES[k]! in params));
      throw new ConfigError(
        error.problems.map((line) =>
          spelled.reduce(
            (l, alias) => l.replace(`model.params.${ALIASES[alias]}:`, `model.params.${alias}:`),
            line,
          )
        ),
      );
    }
    const p = this.params;
    if (p.max_depth === 0 && (p.grow_policy === "depthwise" || p.max_leaves === 0)) {
      throw new ConfigError([
        `model.params.max_depth: must be ≥ 1 unless grow_policy is lossguide with max_leaves ≥ 1, got 0`,
      ]);
    }
  }

  /**
   * Trains on `frame` (NaN = missing) and labels (0/1 for logistic objectives).
   *
   * @throws {DataError} for empty data or labels outside the objective's range.
   * @throws {ConfigError} for early stopping without an eval set.
   */
  async fit(frame: Frame, labels: ArrayLike<number>, options: FitOptions = {}): Promise<GbtModel> {
    const p = this.params;
    const n = frame.rows, nf = frame.width;
    if (n === 0) throw new DataError("cannot train on an empty set");
    if (isLogistic(p.objective)) {
      for (let i = 0; i < n; i++) {
        if (!(labels[i]! >= 0 && labels[i]! <= 1)) {
          throw new DataError(
            `label ${labels[i]} at row ${i} is outside [0, 1] for ${p.objective}`,
          );
        }
      }
    }
    const evalSets = options.evalSets ?? [];
    const callbacks: TrainingCallback[] = [...(options.callbacks ?? [])];
    const metrics = [p.eval_metric ?? (isLogistic(p.objective) ? "logloss" : "rmse")].flat();
    let stopper: EarlyStopping | undefined;
    if (p.early_stopping_rounds !== undefined) {
      const last = evalSets[evalSets.length - 1];
      if (!last) {
        throw new ConfigError([
          `model.params.early_stopping_rounds: needs at least one eval set, got ${p.early_stopping_rounds} with none`,
        ]);
      }
      const metric = metrics[metrics.length - 1]!;
      stopper = new EarlyStopping({
        rounds: p.early_stopping_rounds,
        key: `${last.name}-${metric}`,
        maximize: EVAL_METRIC_REGISTRY[metric]!.higherIsBetter,
      });
      callbacks.push(stopper);
    }

    const ws = new Workspace();
    const cuts = computeCuts(frame.columns, p.max_bin);
    const binCounts = ws.alloc(4 * nf);
    ws.i32(binCounts, nf).set(cuts.cuts.map((c) => c.length));
    // Bins twice: row-major for histograms, column-major for partitioning.
    const bins = ws.alloc(n * nf), binsCol = ws.alloc(n * nf);
    const mark = ws.used;
    const tmp = ws.alloc(8 * n), cutPtr = ws.alloc(4 * 256);
    frame.columns.forEach((col, j) => {
      ws.f64(tmp, n).set(col);
      ws.f32(cutPtr, cuts.cuts[j]!.length).set(cuts.cuts[j]!);
      ws.k.binColumn(tmp, n, cutPtr, cuts.cuts[j]!.length, binsCol + j * n);
      ws.k.scatterColumn(binsCol + j * n, n, bins + j, nf);
    });
    ws.reset(mark);

    const y = Float32Array.from(labels);
    const baseScore = p.base_score ?? estimateBaseScore(p.objective, y, p.scale_pos_weight);
    const base = baseMargin(p.objective, baseScore);
    const label = ws.alloc(4 * n), margin = ws.alloc(8 * n), gh = ws.alloc(16 * n);
    const rowIndex = ws.alloc(4 * n), scratch = ws.alloc(4 * n);
    ws.f32(label, n).set(y);
    ws.f64(margin, n).fill(base);
    const evals = evalSets.map((e) => {
      const m = e.frame.rows;
      const x = ws.alloc(4 * m * nf), em = ws.alloc(8 * m);
      const xs = ws.f32(x, m * nf);
      frame.names.forEach((name, j) => {
        const c = e.frame.column(name);
        for (let i = 0; i < m; i++) xs[i * nf + j] = c[i]!;
      });
      ws.f64(em, m).fill(base);
      return { name: e.name, labels: e.labels, rows: m, x, margin: em };
    });

    const rng = new Rng(p.seed);
    const data = { bins, nfeat: nf, rowIndex, gh };
    const pool = await ThreadPool.start(ws, data, threadCount(p.nthread));
    const hist = new HistBuilder(ws, data, pool);
    // Gradients, split across threads when there are rows enough.
    const parts = n >= 65_536 ? splitRange(n, pool.threads) : [[0, n] as [number, number]];
    const gradJobs = parts.map(([s, e]) =>
      p.objective === "reg:squarederror"
        ? [OP_GRAD_SQUARED, margin + 8 * s, label + 4 * s, 0, e - s, gh + 16 * s]
        : [
          OP_GRAD_LOGISTIC,
          margin + 8 * s,
          label + 4 * s,
          0,
          e - s,
          p.scale_pos_weight,
          gh + 16 * s,
        ]
    );
    const trees: RegTree[] = [];
    const history: IterationMetrics[] = [];
    const eta = p.eta / p.num_parallel_tree;
    try {
      for (let round = 0; round < p.num_boost_round; round++) {
        await pool.run(gradJobs);
        const fresh: GrownTree[] = [];
        for (let t = 0; t < p.num_parallel_tree; t++) {
          const idx = ws.i32(rowIndex, n);
          let rows = 0;
          if (p.subsample < 1) {
            for (let i = 0; i < n; i++) if (rng.next() < p.subsample) idx[rows++] = i;
          } else {
            for (let i = 0; i < n; i++) idx[i] = i;
            rows = n;
          }
          const ctx = {
            ws,
            bins,
            binsCol,
            n,
            nfeat: nf,
            rowIndex,
            rows,
            scratch,
            gh,
            cuts,
            binCounts,
            hist,
            pool,
            rng,
          };
          fresh.push(await growTree(ctx, { ...p, eta }));
        }
        const before = ws.used;
        for (const { tree, leaves } of fresh) {
          if (p.subsample < 1 || p.num_parallel_tree > 1) {
            const b = placeTree(ws, tree, true);
            ws.k.addTreeBinned(
              bins,
              nf,
              n,
              b.feature,
              b.split,
              b.left,
              b.right,
              b.defaultLeft,
              b.value,
              margin,
            );
          } else {
            // Every row went through the partition: add each leaf's value to its row range.
            for (const [id, start, end] of leaves) {
              ws.k.addLeafValue(rowIndex, start, end, tree.threshold[id]!, margin);
            }
          }
          const r = placeTree(ws, tree, false);
          for (const e of evals) {
            ws.k.addTreeRaw(
              e.x,
              nf,
              e.rows,
              r.feature,
              r.split,
              r.left,
              r.right,
              r.defaultLeft,
              r.value,
              e.margin,
            );
          }
        }
        ws.reset(before);
        trees.push(...fresh.map((f) => f.tree));
        const values: Record<string, number> = {};
        for (const e of evals) {
          const out = Float64Array.from(ws.f64(e.margin, e.rows), (m) => transform(p.objective, m));
          for (const metric of metrics) {
            values[`${e.name}-${metric}`] = EVAL_METRIC_REGISTRY[metric]!.compute(e.labels, out);
          }
        }
        const it = { iteration: round, values };
        history.push(it);
        let stop = false;
        for (const cb of callbacks) if (cb.afterIteration?.(it) === "stop") stop = true;
        if (stop) break;
      }
    } finally {
      pool.close();
    }
    const attributes: Record<string, string> = {};
    let kept = trees;
    if (stopper && stopper.bestIteration >= 0) {
      kept = trees.slice(0, (stopper.bestIteration + 1) * p.num_parallel_tree);
      attributes.best_iteration = String(stopper.bestIteration);
      attributes.best_score = String(stopper.bestScore);
    }
    const model = new GbtModel({
      featureNames: [...frame.names],
      trees: kept.map(({ splitBin: _bin, ...t }) => t),
      numParallelTree: p.num_parallel_tree,
      baseScore,
      objective: p.objective,
      scalePosWeight: p.scale_pos_weight,
      attributes,
    }, this.type);
    model.history = history;
    return model;
  }
}
