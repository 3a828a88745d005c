/**
 * A calibrator as standard ONNX ops, in float64: isotonic as clipped piecewise-linear
 * interpolation (the segment found by a branchless binary search over the thresholds, padded to a
 * power of two with +∞), sigmoid as 1 / (1 + exp(a·s + b)). Each computes what `applyCalibrator`
 * computes, operation for operation.
 *
 * @module
 */

import type { Calibrator } from "../models/calibration/calibrator.ts";
import { attribute, doubleTensor, ElemType, int64Tensor, node } from "./proto.ts";

/** Nodes and initializers of a part of a graph. */
export interface Subgraph {
  readonly nodes: unknown[];
  readonly initializers: unknown[];
}

/**
 * The nodes mapping `input` (float64 scores, [N, 1]) to `output` (float64 probabilities, [N, 1]).
 * Their internal names start with `cal_`.
 */
export function calibratorNodes(calibrator: Calibrator, input: string, output: string): Subgraph {
  if (calibrator.method === "sigmoid") {
    return {
      nodes: [
        node("Mul", { inputs: [input, "cal_a"], outputs: ["cal_as"] }),
        node("Add", { inputs: ["cal_as", "cal_b"], outputs: ["cal_z"] }),
        node("Neg", { inputs: ["cal_z"], outputs: ["cal_minus_z"] }),
        node("Sigmoid", { inputs: ["cal_minus_z"], outputs: [output] }),
      ],
      initializers: [
        doubleTensor("cal_a", [], [calibrator.a]),
        doubleTensor("cal_b", [], [calibrator.b]),
      ],
    };
  }
  return isotonicNodes(calibrator.thresholds, calibrator.values, { input, output });
}

/** Clip to [x₀, x_last]; j = the last threshold ≤ s; slope[j]·(s − x[j]) + y[j]. */
function isotonicNodes(
  x: readonly number[],
  y: readonly number[],
  io: { input: string; output: string },
): Subgraph {
  const steps = Math.ceil(Math.log2(x.length));
  const size = 2 ** steps;
  const pad = (
    v: readonly number[],
    fill: number,
  ) => [...v, ...new Array(size - v.length).fill(fill)];
  const slopes = x.map((
    _,
    k,
  ) => (k + 1 < x.length ? (y[k + 1]! - y[k]!) / (x[k + 1]! - x[k]!) : 0));
  const nodes: unknown[] = [
    node("Max", { inputs: [io.input, "cal_x_first"], outputs: ["cal_above"] }),
    node("Min", { inputs: ["cal_above", "cal_x_last"], outputs: ["cal_s"] }),
    // Index 0 per row, shaped as the scores: (s < s) is false.
    node("Less", { inputs: ["cal_s", "cal_s"], outputs: ["cal_false"] }),
    node("Cast", { inputs: ["cal_false"], outputs: ["cal_j_0"] }, {
      attributes: [attribute("to", ElemType.INT64)],
    }),
  ];
  const initializers: unknown[] = [
    doubleTensor("cal_x_first", [], [x[0]!]),
    doubleTensor("cal_x_last", [], [x.at(-1)!]),
    doubleTensor("cal_x", [size], pad(x, Infinity)),
    doubleTensor("cal_y", [size], pad(y, 0)),
    doubleTensor("cal_slope", [size], pad(slopes, 0)),
  ];
  for (let k = 0; k < steps; k++) {
    const t = (s: string) => `cal_${s}_${k}`;
    nodes.push(
      node("Add", { inputs: [`cal_j_${k}`, t("step")], outputs: [t("next")] }),
      node("Gather", { inputs: ["cal_x", t("next")], outputs: [t("x_next")] }),
      node("LessOrEqual", { inputs: [t("x_next"), "cal_s"], outputs: [t("moves")] }),
      node("Where", { inputs: [t("moves"), t("next"), `cal_j_${k}`], outputs: [`cal_j_${k + 1}`] }),
    );
    initializers.push(int64Tensor(t("step"), [], [2 ** (steps - 1 - k)]));
  }
  const j = `cal_j_${steps}`;
  nodes.push(
    node("Gather", { inputs: ["cal_x", j], outputs: ["cal_x_lo"] }),
    node("Gather", { inputs: ["cal_y", j], outputs: ["cal_y_lo"] }),
    node("Gather", { inputs: ["cal_slope", j], outputs: ["cal_slope_lo"] }),
    node("Sub", { inputs: ["cal_s", "cal_x_lo"], outputs: ["cal_dx"] }),
    node("Mul", { inputs: ["cal_slope_lo", "cal_dx"], outputs: ["cal_dy"] }),
    node("Add", { inputs: ["cal_dy", "cal_y_lo"], outputs: [io.output] }),
  );
  return { nodes, initializers };
}
