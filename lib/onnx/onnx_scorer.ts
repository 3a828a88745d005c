/**
 * Scoring with onnxruntime-node. Labels are derived from the probabilities and a threshold
 * (onnxruntime's `label` output is unreliable for binary tree ensembles).
 *
 * @module
 */

import * as ort from "onnxruntime-node";
import { type Frame, modelColumns } from "../data/frame.ts";
import { ModelFormatError } from "../errors.ts";
import { decodeMetadata } from "./proto.ts";

/** Rows per inference call. */
const BATCH_ROWS = 1 << 18;

/**
 * An ONNX model loaded into onnxruntime.
 *
 * @example Score a frame with onnxruntime
 * ```ts
 * import { Frame } from "../data/frame.ts";
 * import { LogisticRegression } from "../models/logistic_regression.ts";
 * import { exportOnnx } from "./export_model.ts";
 * import { OnnxScorer } from "./onnx_scorer.ts";
 * const frame = new Frame(["amount"], [Float64Array.of(10, 900, 40, 700, 25, 300)]);
 * const model = await new LogisticRegression().fit(frame, Uint8Array.of(0, 1, 0, 1, 0, 0));
 * const scorer = await OnnxScorer.load(exportOnnx(model)); // or await Deno.readFile("model.onnx")
 * await scorer.predictProba(frame); // model.predictProba(frame), to float32 precision
 * await scorer.release();
 * ```
 */
export class OnnxScorer {
  /** Feature names, from the model's metadata. */
  readonly featureNames: readonly string[];
  /** The model's chosen threshold (metadata `threshold`, default 0.5). */
  readonly threshold: number;
  /** Model type from the metadata (or "onnx"). */
  readonly type: string;
  /** All metadata_props. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Categories of text-trained features (metadata `category_vocabulary`), as `Classifier.vocabulary`. */
  readonly vocabulary: Readonly<Record<string, readonly string[]>>;
  readonly #session: ort.InferenceSession;

  private constructor(
    session: ort.InferenceSession,
    metadata: Record<string, string>,
    names: string[],
  ) {
    this.#session = session;
    this.metadata = metadata;
    this.featureNames = names;
    this.threshold = Number(metadata.threshold ?? 0.5);
    this.type = metadata.model_type ?? "onnx";
    this.vocabulary = metadata.category_vocabulary ? JSON.parse(metadata.category_vocabulary) : {};
  }

  /**
   * Loads model bytes.
   *
   * @throws {ModelFormatError} when onnxruntime refuses the model or feature names are missing.
   */
  static async load(bytes: Uint8Array): Promise<OnnxScorer> {
    let session: ort.InferenceSession;
    let metadata: Record<string, string>;
    try {
      metadata = decodeMetadata(bytes);
      session = await ort.InferenceSession.create(bytes);
    } catch (cause) {
      throw new ModelFormatError(`onnxruntime cannot load the model: ${(cause as Error).message}`, {
        cause,
      });
    }
    let names: string[];
    try {
      names = JSON.parse(metadata.feature_names ?? "");
    } catch (cause) {
      throw new ModelFormatError("the ONNX model lacks feature_names metadata", { cause });
    }
    return new OnnxScorer(session, metadata, names);
  }

  /**
   * P(class 1) per row of `frame` (columns looked up by the model's feature names).
   *
   * @throws {ModelFormatError} for a model without a `probabilities` output (a ranking model).
   */
  async predictProba(frame: Frame): Promise<Float64Array> {
    if (!this.#session.outputNames.includes("probabilities")) {
      throw new ModelFormatError("the ONNX model has no probabilities output (a ranking model?)");
    }
    return await this.#outputs(frame, { name: "probabilities", stride: 2, at: 1 });
  }

  /**
   * A ranking model's score per row of `frame` (its `score` output: higher ranks first).
   *
   * @throws {ModelFormatError} for a model without a `score` output (a classifier).
   */
  async scores(frame: Frame): Promise<Float64Array> {
    if (!this.#session.outputNames.includes("score")) {
      throw new ModelFormatError("the ONNX model has no score output (it is not a ranking model)");
    }
    return await this.#outputs(frame, { name: "score", stride: 1, at: 0 });
  }

  /** One value per row of `frame`: output `name`'s value `at` of each row's `stride`. */
  async #outputs(
    frame: Frame,
    output: { name: string; stride: number; at: number },
  ): Promise<Float64Array> {
    const cols = modelColumns(frame, this.featureNames);
    const f = cols.length, n = frame.rows;
    const out = new Float64Array(n);
    for (let start = 0; start < n; start += BATCH_ROWS) {
      const m = Math.min(BATCH_ROWS, n - start);
      const x = new Float32Array(m * f);
      for (let j = 0; j < f; j++) {
        const c = cols[j]!;
        for (let i = 0; i < m; i++) x[i * f + j] = c[start + i]!;
      }
      const result = await this.#session.run({ float_input: new ort.Tensor("float32", x, [m, f]) });
      const values = result[output.name]!.data as Float32Array;
      for (let i = 0; i < m; i++) out[start + i] = values[output.stride * i + output.at]!;
    }
    return out;
  }

  /** Frees the session. */
  async release(): Promise<void> {
    await this.#session.release();
  }
}
