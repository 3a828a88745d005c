/**
 * A fitted tree ensemble (boosted, leaf-wise or random forest), XGBoost-compatible: it predicts
 * with XGBoost's rules (float32 `x < threshold`, learned missing directions) and saves and loads
 * XGBoost's JSON model format.
 *
 * @module
 */

import { type Frame, modelColumns } from "../../data/frame.ts";
import type { Classifier, IterationMetrics } from "../model.ts";
import { importance, type ImportanceType } from "./importance.ts";
import { Workspace } from "./kernel/workspace.ts";
import { baseMargin, transform } from "./objective.ts";
import { expectedMargin, forestShap, maxDepth, placeCovers } from "./shap.ts";
import { forestArgs, placeForest } from "./tree.ts";
import {
  type GbtState,
  parseXGBoostJSON,
  stringifyXGBoostJSON,
  toXGBoostJSON,
} from "./xgboost_json.ts";
import { modelCardHtml } from "../model_card.ts";
import {
  applyCalibrator,
  type CalibrationInput,
  type Calibrator,
  readCalibrator,
} from "../calibration/calibrator.ts";
import { ModelFormatError } from "../../errors.ts";

/** A model's prediction workspace and the trees it holds. */
interface Predictor {
  readonly ws: Workspace;
  readonly forest: ReturnType<typeof placeForest>;
  /** Each node's cover, for explanations. */
  readonly covers: number;
  /** Where batch memory starts (after the forest). */
  readonly mark: number;
  readonly trees: GbtState["trees"];
  readonly weightDrop: GbtState["weightDrop"];
}

/** Rows scored per WASM batch (bounds memory for large inputs). */
const BATCH_ROWS = 1 << 16;

/**
 * A fitted gradient-boosted-tree classifier.
 *
 * @example Score with a saved model
 * ```ts
 * import { Frame } from "../../data/frame.ts";
 * import { GbtModel } from "./gbt_model.ts";
 * // model.json: a model of ours (toJSON) or Python xgboost's save_model("model.json").
 * const model = GbtModel.fromJSON(JSON.parse(await Deno.readTextFile("model.json")));
 * const rows = new Frame(model.featureNames, model.featureNames.map(() => Float64Array.of(NaN)));
 * model.predictProba(rows); // one row, every feature missing: each tree's default direction
 * ```
 */
export class GbtModel implements Classifier {
  /** The ensemble. */
  state: GbtState;
  /** Eval-set metrics per boosting round, when the model was trained here (not saved). */
  history: IterationMetrics[] = [];
  /** The prediction workspace: the forest placed once, reused by every call. */
  #predictor: Predictor | undefined;
  /** The calibrator read from the attribute it is saved in (that attribute's text, and it). */
  #calibrator: { readonly saved: string; readonly calibrator: Calibrator } | undefined;
  /** A calibrator reads P(class 1): xgboost's classifiers have no `decision_function`. */
  readonly calibrationInput: CalibrationInput = "probability";

  /**
   * @param state The ensemble.
   * @param type The model type it was trained as, kept in its attributes; omitted, the state's own.
   */
  constructor(state: GbtState, type?: string) {
    this.state = type === undefined
      ? state
      : { ...state, attributes: { ...state.attributes, model_type: type } };
  }

  /**
   * `xgboost`, `lightgbm` or `random_forest`: the model type it was trained as (the factory's
   * name for how it was grown), saved with it in the learner attribute `model_type`; a model
   * without one (as Python's xgboost writes them) is `xgboost`.
   */
  get type(): string {
    return this.state.attributes.model_type ?? "xgboost";
  }

  /** Saved in the learner attributes as `decision_threshold` (xgboost keeps attributes). */
  get decisionThreshold(): number {
    const t = Number(this.state.attributes.decision_threshold);
    return Number.isFinite(t) ? t : 0.5;
  }

  set decisionThreshold(t: number) {
    this.state = {
      ...this.state,
      attributes: { ...this.state.attributes, decision_threshold: String(t) },
    };
  }

  /** Categories of text-trained features, in the learner attribute `category_vocabulary` (JSON). */
  get vocabulary(): Readonly<Record<string, readonly string[]>> {
    const raw = this.state.attributes.category_vocabulary;
    return raw ? JSON.parse(raw) : {};
  }

  set vocabulary(v: Readonly<Record<string, readonly string[]>>) {
    const { category_vocabulary: _, ...rest } = this.state.attributes;
    this.state = {
      ...this.state,
      attributes: Object.keys(v).length
        ? { ...rest, category_vocabulary: JSON.stringify(v) }
        : rest,
    };
  }

  /**
   * The calibrator applied to P(class 1), saved in the learner attribute `calibration` (JSON; a
   * learner attribute, so Python's xgboost keeps it but does not apply it).
   *
   * @throws {ModelFormatError} when the saved attribute is not a calibrator.
   */
  get calibration(): Calibrator | undefined {
    const saved = this.state.attributes.calibration;
    if (saved === undefined) return undefined;
    if (this.#calibrator?.saved !== saved) {
      let json: unknown;
      try {
        json = JSON.parse(saved);
      } catch (cause) {
        throw new ModelFormatError(`learner attribute "calibration" is not JSON`, { cause });
      }
      this.#calibrator = { saved, calibrator: readCalibrator(json, this.calibrationInput) };
    }
    return this.#calibrator.calibrator;
  }

  set calibration(c: Calibrator | undefined) {
    const { calibration: _, ...rest } = this.state.attributes;
    this.state = {
      ...this.state,
      attributes: c ? { ...rest, calibration: JSON.stringify(c) } : rest,
    };
  }

  /** Feature names in model order. */
  get featureNames(): readonly string[] {
    return this.state.featureNames;
  }

  /** Jupyter display: the model card (trees, objective, top features). */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const s = this.state;
    return {
      "text/html": modelCardHtml(this, [
        ["trees", String(s.trees.length)],
        ["objective", s.objective],
        ["base score", String(s.baseScore)],
      ]),
    };
  }

  /** Raw margins (before the objective's transform) per row of `frame`. */
  predictMargin(frame: Frame): Float64Array {
    const { trees } = this.state;
    const cols = modelColumns(frame, this.state.featureNames);
    const nf = cols.length, n = frame.rows;
    const out = new Float64Array(n);
    const { ws, forest: f, mark } = this.#predictorFor(trees);
    const base = baseMargin(this.state.objective, this.state.baseScore);
    for (let start = 0; start < n; start += BATCH_ROWS) {
      const m = Math.min(BATCH_ROWS, n - start);
      ws.reset(mark);
      const x = ws.rowsF32(cols, start, m), margin = ws.alloc(8 * m);
      ws.f64(margin, m).fill(base);
      ws.k.addForestRaw(x, nf, m, ...forestArgs(f), margin);
      out.set(ws.f64(margin, m), start);
    }
    ws.reset(mark);
    return out;
  }

  /**
   * The WASM memory predictions run in (unshared: they run on this thread): one per model, made
   * on first use (the forest placed in it once, batches of up to 65,536 rows after it) and reused
   * by every call; it is freed with the model, or at once by {@link releasePredictor}.
   */
  get predictorMemory(): WebAssembly.Memory | undefined {
    return this.#predictor?.ws.memory;
  }

  /** Drops the prediction memory now (the next prediction makes it again). */
  releasePredictor(): void {
    this.#predictor = undefined;
  }

  #predictorFor(trees: GbtState["trees"]): Predictor {
    const p = this.#predictor;
    if (p && p.trees === trees && p.weightDrop === this.state.weightDrop) return p;
    const ws = new Workspace({ shared: false }); // one thread: the cheaper bounds checks
    const forest = placeForest(ws, trees, this.state.weightDrop);
    const covers = placeCovers(ws, trees);
    this.#predictor = {
      ws,
      forest,
      covers,
      mark: ws.used,
      trees,
      weightDrop: this.state.weightDrop,
    };
    return this.#predictor;
  }

  /**
   * SHAP values (exact path-dependent TreeSHAP, as XGBoost's `pred_contribs`): a row-major
   * `rows × (features + 1)` matrix, features in model order, the bias last; each row sums to the
   * raw margin.
   */
  contributions(frame: Frame): Float64Array {
    const { trees, weightDrop } = this.state;
    const cols = modelColumns(frame, this.state.featureNames);
    const p = this.#predictorFor(trees);
    const base = baseMargin(this.state.objective, this.state.baseScore);
    return forestShap({
      ...p,
      depth: maxDepth(trees),
      bias: expectedMargin(trees, { base, ...(weightDrop ? { scales: weightDrop } : {}) }),
    }, cols);
  }

  /**
   * P(class 1) for logistic objectives (the prediction itself for squared error), through the
   * calibrator when the model has one.
   */
  predictProba(frame: Frame): Float64Array {
    return this.probabilities(this.predictMargin(frame));
  }

  /** P(class 1) before calibration (what a calibrator reads). */
  calibrationScores(frame: Frame): Float64Array {
    const m = this.predictMargin(frame);
    for (let i = 0; i < m.length; i++) m[i] = transform(this.state.objective, m[i]!);
    return m;
  }

  /**
   * {@link predictProba} from raw margins (as {@link predictMargin} gives them): the objective's
   * transform, then the calibrator. `margins` is overwritten when there is no calibrator.
   *
   * @example Probabilities from margins scored elsewhere
   * ```ts
   * import { GbtModel } from "./gbt_model.ts";
   * import { Frame } from "../../data/frame.ts";
   * const model = GbtModel.fromJSON(JSON.parse(await Deno.readTextFile("model.json")));
   * const rows = new Frame(model.featureNames, model.featureNames.map(() => Float64Array.of(NaN)));
   * model.probabilities(model.predictMargin(rows)); // model.predictProba(rows)
   * ```
   */
  probabilities(margins: Float64Array): Float64Array {
    for (let i = 0; i < margins.length; i++) {
      margins[i] = transform(this.state.objective, margins[i]!);
    }
    const c = this.calibration;
    return c ? applyCalibrator(c, margins) : margins;
  }

  /** Average gain per feature (XGBoost's `get_score(importance_type="gain")`), 0 for unused ones. */
  featureImportance(): Record<string, number> {
    const scores = importance(this.state, "gain");
    return Object.fromEntries(this.state.featureNames.map((n) => [n, scores[n] ?? 0]));
  }

  /** XGBoost's `get_score`: only features used in a split appear. */
  getScore(type: ImportanceType = "weight"): Record<string, number> {
    return importance(this.state, type);
  }

  /**
   * The model of its first `rounds` boosting rounds (xgboost's `booster[:rounds]`): each round's
   * trees (`numParallelTree` per round), attributes and type kept; all of it when `rounds` is at
   * least the rounds it holds.
   *
   * @throws {RangeError} when `rounds` is not an integer ≥ 1.
   * @example The first ten rounds of a saved model
   * ```ts
   * import { GbtModel } from "./gbt_model.ts";
   * const model = GbtModel.fromJSON(JSON.parse(await Deno.readTextFile("model.json")));
   * const first10 = model.firstRounds(10);
   * ```
   */
  firstRounds(rounds: number): GbtModel {
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new RangeError(`Expected rounds to be an integer ≥ 1 but found ${rounds}`);
    }
    const n = rounds * this.state.numParallelTree;
    const { weightDrop } = this.state;
    return new GbtModel({
      ...this.state,
      trees: this.state.trees.slice(0, n),
      ...(weightDrop ? { weightDrop: weightDrop.slice(0, n) } : {}),
    });
  }

  /** XGBoost JSON text (floats written as xgboost's parser expects). */
  serialize(): string {
    return stringifyXGBoostJSON(this.toJSON()) + "\n";
  }

  /** The model as XGBoost JSON. */
  toJSON(): Record<string, unknown> {
    return toXGBoostJSON(this.state);
  }

  /**
   * Reads an XGBoost JSON model (ours or one saved by Python's xgboost 1.7–3.x); its type is the
   * one it was saved with (see {@link type}).
   *
   * @throws {ModelFormatError} for what the engine does not support.
   */
  static fromJSON(json: unknown): GbtModel {
    const model = new GbtModel(parseXGBoostJSON(json));
    void model.calibration; // a saved calibrator is checked on loading
    return model;
  }
}
