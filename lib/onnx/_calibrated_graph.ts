/**
 * The ONNX graph of a calibrated model: the score its calibrator reads, computed as our engine
 * computes it, then the calibrator in float64, then the `label` and `probabilities` outputs.
 *
 * A calibrator can be steep (isotonic interpolation between close thresholds), so its input must
 * be the engine's to the bit, not float32-close:
 * - trees: one single-tree `TreeEnsembleRegressor` per tree, their leaf values added in float32
 *   in tree order from the base margin (as the engine and XGBoost accumulate), and XGBoost's
 *   float32 sigmoid `1 / (exp(min(−m, 88.7)) + 1)` (the exponential in float64, rounded);
 * - logistic regression: in float64, each design column's term `(x − mean) · coef / scale` summed
 *   in order from the intercept (a `CumSum`). The graph reads float32, as every model's: a
 *   value float32 cannot hold is rounded before the engine's float64 arithmetic starts.
 *
 * @module
 */

import { ModelFormatError } from "../errors.ts";
import type { Calibrator } from "../models/calibration/calibrator.ts";
import { GbtModel } from "../models/gbt/gbt_model.ts";
import { baseMargin, isLogistic } from "../models/gbt/objective.ts";
import { LogisticRegressionModel } from "../models/logistic_regression.ts";
import type { Classifier } from "../models/model.ts";
import { calibratorNodes, type Subgraph } from "./_calibrator_nodes.ts";
import { categoricalInput, treeNodes } from "./_tree_nodes.ts";
import { attribute, doubleTensor, ElemType, floatTensor, int64Tensor, node } from "./proto.ts";

/** The graph of a calibrated model: input `float_input`, outputs `label`, `probabilities`. */
export function calibratedGraph(model: Classifier, calibrator: Calibrator): Subgraph {
  const score = model instanceof GbtModel
    ? treeProbability(model)
    : model instanceof LogisticRegressionModel
    ? linearMargin(model)
    : undefined;
  if (!score) throw new ModelFormatError(`ONNX export does not know model type "${model.type}"`);
  const cal = calibratorNodes(calibrator, "score", "p1_double");
  return {
    nodes: [
      ...score.nodes,
      ...cal.nodes,
      cast("p1_double", "p1", ElemType.FLOAT),
      node("Sub", { inputs: ["one", "p1"], outputs: ["p0"] }),
      node("Concat", { inputs: ["p0", "p1"], outputs: ["probabilities"] }, {
        attributes: [attribute("axis", 1)],
      }),
      node("Greater", { inputs: ["p1", "half"], outputs: ["is_one"] }),
      cast("is_one", "label_2d", ElemType.INT64),
      node("Reshape", { inputs: ["label_2d", "flat"], outputs: ["label"] }),
    ],
    initializers: [
      ...score.initializers,
      ...cal.initializers,
      floatTensor("one", [1], [1]),
      floatTensor("half", [1], [0.5]),
      int64Tensor("flat", [1], [-1]),
    ],
  };
}

function cast(input: string, output: string, to: number): unknown {
  return node("Cast", { inputs: [input], outputs: [output] }, {
    attributes: [attribute("to", to)],
  });
}

/** `score` [N, 1], float64: the tree model's uncalibrated P(class 1), as the engine computes it. */
function treeProbability(model: GbtModel): Subgraph {
  const s = model.state;
  if (!isLogistic(s.objective)) {
    throw new ModelFormatError(
      `ONNX export needs a binary classifier, got objective "${s.objective}"`,
    );
  }
  const input = categoricalInput(s);
  const nodes: unknown[] = [...input.nodes],
    initializers: unknown[] = [
      ...input.initializers,
      floatTensor("base_margin", [1], [baseMargin(s.objective, s.baseScore)]),
      floatTensor("exp_cap", [1], [88.7]),
      floatTensor("unit", [1], [1]),
    ];
  let margin = "base_margin";
  s.trees.forEach((t, k) => {
    nodes.push(
      singleTree(t, s.weightDrop?.[k] ?? 1, { input: input.input, output: `tree_${k}` }),
      node("Add", { inputs: [margin, `tree_${k}`], outputs: [`margin_${k}`] }),
    );
    margin = `margin_${k}`;
  });
  nodes.push(
    node("Neg", { inputs: [margin], outputs: ["minus_margin"] }),
    node("Min", { inputs: ["minus_margin", "exp_cap"], outputs: ["capped"] }),
    cast("capped", "capped_double", ElemType.DOUBLE),
    node("Exp", { inputs: ["capped_double"], outputs: ["exp_double"] }),
    cast("exp_double", "exp", ElemType.FLOAT),
    node("Add", { inputs: ["exp", "unit"], outputs: ["exp_plus_1"] }),
    node("Div", { inputs: ["unit", "exp_plus_1"], outputs: ["p_raw"] }),
    cast("p_raw", "score", ElemType.DOUBLE),
  );
  return { nodes, initializers };
}

/** One tree's leaf value per row, [N, 1] float32 (`x < threshold` left, NaN the default way). */
function singleTree(
  t: GbtModel["state"]["trees"][number],
  scale: number,
  io: { input: string; output: string },
) {
  const tn = treeNodes(t, scale);
  return node("TreeEnsembleRegressor", { inputs: [io.input], outputs: [io.output] }, {
    domain: "ai.onnx.ml",
    attributes: [
      attribute("n_targets", 1),
      attribute("nodes_treeids", tn.nodeids.map(() => 0)),
      attribute("nodes_nodeids", tn.nodeids),
      attribute("nodes_featureids", tn.featureids),
      attribute("nodes_values", tn.values, true),
      attribute("nodes_modes", tn.modes),
      attribute("nodes_truenodeids", tn.truenodeids),
      attribute("nodes_falsenodeids", tn.falsenodeids),
      attribute("nodes_missing_value_tracks_true", tn.missing),
      attribute("target_treeids", tn.leaves.map(() => 0)),
      attribute("target_nodeids", tn.leaves.map((l) => l.nodeid)),
      attribute("target_ids", tn.leaves.map(() => 0)),
      attribute("target_weights", tn.leaves.map((l) => l.weight), true),
      attribute("post_transform", "NONE"),
    ],
  });
}

/** `score` [N, 1], float64: the logistic regression's margin, as the engine computes it. */
function linearMargin(model: LogisticRegressionModel): Subgraph {
  const { featureNames, fill, mean, scale, coef, intercept, encodings = [] } = model.state;
  const nodes: unknown[] = [
    cast("float_input", "x_read", ElemType.DOUBLE),
    node("IsNaN", { inputs: ["x_read"], outputs: ["is_missing"] }),
    node("Where", { inputs: ["is_missing", "fill", "x_read"], outputs: ["x"] }),
  ];
  const initializers: unknown[] = [doubleTensor("fill", [featureNames.length], fill)];
  const parts: string[] = [];
  featureNames.forEach((name, j) => {
    const enc = encodings.find((e) => e.feature === name);
    if (enc && !enc.levels.length) return; // one level: no column
    nodes.push(node("Gather", { inputs: ["x", `col_${j}`], outputs: [`x_${j}`] }, {
      attributes: [attribute("axis", 1)],
    }));
    initializers.push(int64Tensor(`col_${j}`, [1], [j]));
    if (!enc) return void parts.push(`x_${j}`);
    nodes.push(
      node("Equal", { inputs: [`x_${j}`, `levels_${j}`], outputs: [`is_level_${j}`] }),
      cast(`is_level_${j}`, `dummies_${j}`, ElemType.DOUBLE),
    );
    initializers.push(doubleTensor(`levels_${j}`, [enc.levels.length], [...enc.levels]));
    parts.push(`dummies_${j}`);
  });
  const d = coef.length;
  // Term k = (x_k − mean_k) · (coef_k / scale_k); the intercept joins the first, then in order.
  nodes.push(
    node("Concat", { inputs: parts, outputs: ["design"] }, { attributes: [attribute("axis", 1)] }),
    node("Sub", { inputs: ["design", "mean"], outputs: ["centred"] }),
    node("Mul", { inputs: ["centred", "slope"], outputs: ["terms"] }),
    node("Add", { inputs: ["terms", "intercept_first"], outputs: ["addends"] }),
    node("CumSum", { inputs: ["addends", "axis_1"], outputs: ["partial_sums"] }),
    node("Gather", { inputs: ["partial_sums", "last_term"], outputs: ["score"] }, {
      attributes: [attribute("axis", 1)],
    }),
  );
  initializers.push(
    doubleTensor("mean", [d], mean),
    doubleTensor("slope", [d], coef.map((c, k) => c / scale[k]!)),
    doubleTensor("intercept_first", [d], coef.map((_, k) => (k === 0 ? intercept : 0))),
    int64Tensor("axis_1", [], [1]),
    int64Tensor("last_term", [1], [d - 1]),
  );
  return { nodes, initializers };
}
