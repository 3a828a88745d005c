/**
 * ONNX export of every model type: tree ensembles as an `ai.onnx.ml` TreeEnsembleClassifier
 * (logistic post-transform, the base margin as base value, `BRANCH_LT` as XGBoost's `x < t`,
 * missing values routed by the learned default direction), logistic regression as standard ops
 * (impute, MatMul + Add, Sigmoid). Input `float_input` [N, F]; outputs `label` [N] and
 * `probabilities` [N, 2] (no ZipMap). A calibrated model's graph ends in its calibrator, and
 * computes the score the calibrator reads as our engine does (see `_calibrated_graph.ts`).
 *
 * @module
 */

import { ModelFormatError } from "../errors.ts";
import { GbtModel } from "../models/gbt/gbt_model.ts";
import { baseMargin, isLogistic, isRanking } from "../models/gbt/objective.ts";
import { LogisticRegressionModel } from "../models/logistic_regression.ts";
import type { Classifier } from "../models/model.ts";
import { calibratedGraph } from "./_calibrated_graph.ts";
import { categoricalInput, treeNodes } from "./_tree_nodes.ts";
import {
  attribute,
  ElemType,
  encodeModel,
  floatTensor,
  int64Tensor,
  node,
  valueInfo,
} from "./proto.ts";

/** Metadata written into the model's metadata_props. */
export interface OnnxMetadata {
  /** Training run id (if any). */
  readonly runId?: string;
  /** Model version (if registered). */
  readonly version?: string;
  /** Chosen decision threshold (default 0.5). */
  readonly threshold?: number;
  /**
   * `classifier` (default): outputs `label` [N] and `probabilities` [N, 2]. `probability`: one
   * output `probability` [N] = P(class 1), the form MLflow's pyfunc returns as a DataFrame column.
   */
  readonly outputs?: "classifier" | "probability";
}

/**
 * Serializes `model` as ONNX.
 *
 * @throws {ModelFormatError} for objectives that are not binary classification.
 * @example Save a fitted model as ONNX
 * ```ts
 * import { Frame } from "../data/frame.ts";
 * import { LogisticRegression } from "../models/logistic_regression.ts";
 * import { exportOnnx } from "./export_model.ts";
 * const frame = new Frame(["amount"], [Float64Array.of(10, 900, 40, 700, 25, 300)]);
 * const model = await new LogisticRegression().fit(frame, Uint8Array.of(0, 1, 0, 1, 0, 0));
 * await Deno.writeFile("model.onnx", exportOnnx(model, { runId: "3f2a9c", threshold: 0.3 }));
 * ```
 */
export function exportOnnx(model: Classifier, meta: OnnxMetadata = {}): Uint8Array {
  const f = model.featureNames.length;
  const metadata: Record<string, string> = {
    feature_names: JSON.stringify(model.featureNames),
    model_type: model.type,
    threshold: String(meta.threshold ?? 0.5),
    ...(Object.keys(model.vocabulary).length
      ? { category_vocabulary: JSON.stringify(model.vocabulary) }
      : {}),
    ...(model.calibration ? { calibration: model.calibration.method } : {}),
    ...(meta.runId ? { run_id: meta.runId } : {}),
    ...(meta.version ? { version: meta.version } : {}),
  };
  const inputs = [valueInfo("float_input", ElemType.FLOAT, ["N", f])];
  const graph = model.calibration
    ? { graphName: `calibrated_${model.type}`, ...calibratedGraph(model, model.calibration) }
    : model instanceof GbtModel
    ? treeGraph(model)
    : model instanceof LogisticRegressionModel
    ? { graphName: "logistic_regression", ...linearGraph(model) }
    : undefined;
  if (!graph) throw new ModelFormatError(`ONNX export does not know model type "${model.type}"`);
  if (model instanceof GbtModel && isRanking(model.state.objective)) {
    return rankingModel(graph, { inputs, metadata, outputs: meta.outputs });
  }
  if (meta.outputs === "probability") {
    return encodeModel({
      graphName: graph.graphName,
      nodes: [
        ...graph.nodes,
        node("Gather", { inputs: ["probabilities", "class_1"], outputs: ["probability"] }, {
          attributes: [attribute("axis", 1)],
        }),
      ],
      initializers: [...graph.initializers, int64Tensor("class_1", [], [1])],
      inputs,
      outputs: [valueInfo("probability", ElemType.FLOAT, ["N"])],
      metadata,
    });
  }
  const outputs = [
    valueInfo("label", ElemType.INT64, ["N"]),
    valueInfo("probabilities", ElemType.FLOAT, ["N", 2]),
  ];
  return encodeModel({ ...graph, inputs, outputs, metadata });
}

/**
 * A ranking model's ONNX: one output `score` [N], the raw score (higher ranks first).
 *
 * @throws {ModelFormatError} when probabilities are asked of it.
 */
function rankingModel(
  graph: { graphName: string; nodes: unknown[]; initializers: unknown[] },
  o: { inputs: unknown[]; metadata: Record<string, string>; outputs?: string | undefined },
): Uint8Array {
  if (o.outputs === "probability") {
    throw new ModelFormatError("a ranking model has scores, not probabilities");
  }
  return encodeModel({
    graphName: graph.graphName,
    nodes: [...graph.nodes, node("Reshape", { inputs: ["score_2d", "flat"], outputs: ["score"] })],
    initializers: [...graph.initializers, int64Tensor("flat", [1], [-1])],
    inputs: o.inputs,
    outputs: [valueInfo("score", ElemType.FLOAT, ["N"])],
    metadata: { ...o.metadata, objective: "ranking" },
  });
}

/**
 * The ensemble over `input` (see `_tree_nodes.ts`): a TreeEnsembleClassifier (outputs `label`,
 * `probabilities`), or for a ranking objective a TreeEnsembleRegressor of the raw score (`score`).
 */
function treeEnsembleNode(model: GbtModel, input: string): unknown {
  const s = model.state;
  if (!isLogistic(s.objective) && !isRanking(s.objective)) {
    throw new ModelFormatError(
      `ONNX export needs a binary classifier or a ranking model, got objective "${s.objective}"`,
    );
  }
  const n: Record<string, number[]> = {
    treeids: [],
    nodeids: [],
    featureids: [],
    values: [],
    truenodeids: [],
    falsenodeids: [],
    missing: [],
  };
  const modes: string[] = [];
  const c: Record<string, number[]> = { treeids: [], nodeids: [], ids: [], weights: [] };
  s.trees.forEach((t, ti) => {
    const tn = treeNodes(t, s.weightDrop?.[ti] ?? 1);
    n.treeids!.push(...tn.nodeids.map(() => ti));
    for (
      const k of [
        "nodeids",
        "featureids",
        "values",
        "truenodeids",
        "falsenodeids",
        "missing",
      ] as const
    ) {
      n[k]!.push(...tn[k]);
    }
    modes.push(...tn.modes);
    for (const leaf of tn.leaves) {
      c.treeids!.push(ti);
      c.nodeids!.push(leaf.nodeid);
      c.ids!.push(0);
      c.weights!.push(leaf.weight);
    }
  });
  const nodes = [
    attribute("nodes_treeids", n.treeids!),
    attribute("nodes_nodeids", n.nodeids!),
    attribute("nodes_featureids", n.featureids!),
    attribute("nodes_values", n.values!, true),
    attribute("nodes_modes", modes),
    attribute("nodes_truenodeids", n.truenodeids!),
    attribute("nodes_falsenodeids", n.falsenodeids!),
    attribute("nodes_missing_value_tracks_true", n.missing!),
  ];
  const base = attribute("base_values", [baseMargin(s.objective, s.baseScore)], true);
  return ensembleNode(isRanking(s.objective), { nodes, leaves: c, base, input });
}

/** The ensemble's ONNX node from its node attributes and leaves (`ids` 0: one class or target). */
function ensembleNode(
  ranking: boolean,
  o: { nodes: unknown[]; leaves: Record<string, number[]>; base: unknown; input: string },
): unknown {
  const { nodes, leaves: c, base, input } = o;
  if (ranking) {
    const targets = ["treeids", "nodeids", "ids"].map((k) => attribute(`target_${k}`, c[k]!));
    const attributes = [
      ...nodes,
      ...targets,
      attribute("target_weights", c.weights!, true),
      attribute("n_targets", 1),
      base,
      attribute("post_transform", "NONE"),
    ];
    return node("TreeEnsembleRegressor", { inputs: [input], outputs: ["score_2d"] }, {
      attributes,
      domain: "ai.onnx.ml",
    });
  }
  const attributes = [
    ...nodes,
    attribute("class_treeids", c.treeids!),
    attribute("class_nodeids", c.nodeids!),
    attribute("class_ids", c.ids!),
    attribute("class_weights", c.weights!, true),
    attribute("classlabels_int64s", [0, 1]),
    base,
    attribute("post_transform", "LOGISTIC"),
  ];
  return node("TreeEnsembleClassifier", {
    inputs: [input],
    outputs: ["label", "probabilities"],
  }, { attributes, domain: "ai.onnx.ml" });
}

/** The tree ensemble's graph: categorical columns floored first, then the classifier. */
function treeGraph(model: GbtModel) {
  const input = categoricalInput(model.state);
  return {
    graphName: "tree_ensemble",
    nodes: [...input.nodes, treeEnsembleNode(model, input.input)],
    initializers: input.initializers,
  };
}

function linearGraph(model: LogisticRegressionModel) {
  const { featureNames, fill, mean, scale, coef, intercept, encodings = [] } = model.state;
  const f = featureNames.length;
  // Fold standardization into the weights: z = Σ (c/s)·d + (b − Σ (c/s)·m) over design columns d.
  const w = coef.map((c, k) => c / scale[k]!);
  const b = intercept - w.reduce((acc, wk, k) => acc + wk * mean[k]!, 0);
  const numeric = new Array<number>(f).fill(0);
  const oneHot: Array<{ j: number; levels: readonly number[]; weights: number[] }> = [];
  let k = 0;
  featureNames.forEach((name, j) => {
    const enc = encodings.find((e) => e.feature === name);
    if (!enc) numeric[j] = w[k++]!;
    else oneHot.push({ j, levels: enc.levels, weights: enc.levels.map(() => w[k++]!) });
  });
  const nodes = [
    node("IsNaN", { inputs: ["float_input"], outputs: ["is_missing"] }),
    node("Where", { inputs: ["is_missing", "fill", "float_input"], outputs: ["x"] }),
    node("MatMul", { inputs: ["x", "weights"], outputs: ["xw"] }),
    node("Add", { inputs: ["xw", "bias"], outputs: ["margin_0"] }),
  ];
  const initializers = [
    floatTensor("fill", [f], fill),
    floatTensor("weights", [f, 1], numeric),
    floatTensor("bias", [1], [b]),
  ];
  // Each encoded feature: its column compared with its levels gives the dummies, times their weights.
  oneHot.forEach(({ j, levels, weights }, e) => {
    const t = (s: string) => `${s}_${e}`;
    nodes.push(
      node("Gather", { inputs: ["x", t("index")], outputs: [t("codes")] }, {
        attributes: [attribute("axis", 1)],
      }),
      node("Equal", { inputs: [t("codes"), t("levels")], outputs: [t("is_level")] }),
      node("Cast", { inputs: [t("is_level")], outputs: [t("dummies")] }, {
        attributes: [attribute("to", ElemType.FLOAT)],
      }),
      node("MatMul", { inputs: [t("dummies"), t("weights")], outputs: [t("dw")] }),
      node("Add", { inputs: [`margin_${e}`, t("dw")], outputs: [`margin_${e + 1}`] }),
    );
    initializers.push(
      int64Tensor(t("index"), [1], [j]),
      floatTensor(t("levels"), [levels.length], [...levels]),
      floatTensor(t("weights"), [levels.length, 1], weights),
    );
  });
  nodes.push(
    node("Sigmoid", { inputs: [`margin_${oneHot.length}`], outputs: ["p1"] }),
    node("Sub", { inputs: ["one", "p1"], outputs: ["p0"] }),
    node("Concat", { inputs: ["p0", "p1"], outputs: ["probabilities"] }, {
      attributes: [attribute("axis", 1)],
    }),
    node("Greater", { inputs: ["p1", "half"], outputs: ["is_one"] }),
    node("Cast", { inputs: ["is_one"], outputs: ["label_2d"] }, {
      attributes: [attribute("to", ElemType.INT64)],
    }),
    node("Reshape", { inputs: ["label_2d", "flat"], outputs: ["label"] }),
  );
  initializers.push(
    floatTensor("one", [1], [1]),
    floatTensor("half", [1], [0.5]),
    int64Tensor("flat", [1], [-1]),
  );
  return { nodes, initializers };
}
