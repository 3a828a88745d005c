/**
 * The MLflow Model folder every training run logs (`model/`), so Python loads our models with
 * MLflow's own loaders: `MLmodel` with the `onnx` flavor and `python_function` (onnxruntime on
 * `pyfunc.onnx`, whose one output `probability` becomes the DataFrame column pyfunc returns), the
 * `xgboost` flavor for tree models (on `model.json`, XGBoost's own format), the input signature
 * (a column per feature, in model order), an input example, and pinned requirements.
 *
 * A calibrated model (`model.calibration`): the ONNX files and so `python_function` end in the
 * calibrator and return calibrated probabilities, as our `predictProba` does. The `xgboost` flavor
 * is XGBoost's own Booster: its `predict` returns the uncalibrated P(class 1); the calibrator
 * travels in `model.json` as the learner attribute `calibration` (JSON: the method, the score it
 * reads, and `thresholds`/`values` or `a`/`b`), which xgboost keeps but does not apply.
 *
 * @module
 */

import type { FeatureSpec } from "../data/feature_spec.ts";
import type { Frame } from "../data/frame.ts";
import { GbtModel } from "../models/gbt/gbt_model.ts";
import type { Classifier } from "../models/model.ts";
import { exportOnnx } from "../onnx/export_model.ts";
import { MLFLOW_SCHEMA } from "../tracking/mlflow_schema.ts";

/** The Python packages the folder asks for: the versions this pipeline is checked against. */
export const PYTHON_REQUIREMENTS: Readonly<Record<string, string>> = {
  mlflow: MLFLOW_SCHEMA.mlflowVersion,
  onnx: "1.23.2",
  onnxruntime: "1.32.0",
  numpy: "2.4.6",
  pandas: "2.3.3",
  xgboost: "3.2.0",
};

/** Options of {@link mlflowModelFiles}. */
export interface MlflowModelOptions {
  readonly runId: string;
  /** The model's decision threshold (kept in the ONNX metadata). */
  readonly threshold: number;
  /**
   * The rows the model was trained (and tested) on: the input example is their first five
   * complete rows, and a feature missing in any of them is a `double` column (see `specs`).
   */
  readonly trainingRows: Frame;
  /**
   * The features' specs: integer and boolean features are `long` columns unless a training row
   * misses them (pandas holds a missing whole number only as a float, which MLflow refuses for
   * `long`), others `double`.
   */
  readonly specs?: readonly FeatureSpec[];
}

/**
 * The files of the model folder, by name (to be logged under `model/`): `MLmodel`,
 * `model.json`, `model.onnx` (outputs `label`, `probabilities`), `pyfunc.onnx` (output
 * `probability`), `requirements.txt`, `python_env.yaml`, `conda.yaml`, `input_example.json`,
 * `serving_input_example.json`.
 */
export function mlflowModelFiles(
  model: Classifier,
  options: MlflowModelOptions,
): Record<string, string | Uint8Array> {
  const meta = { runId: options.runId, threshold: options.threshold };
  const tree = model instanceof GbtModel;
  const files: Record<string, string | Uint8Array> = {
    "model.json": model.serialize(),
    "model.onnx": exportOnnx(model, meta),
    "pyfunc.onnx": exportOnnx(model, { ...meta, outputs: "probability" }),
    "requirements.txt": requirements(tree),
    "python_env.yaml": "python: '3.11'\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\n" +
      "dependencies:\n- -r requirements.txt\n",
    "conda.yaml": "channels:\n- conda-forge\ndependencies:\n- python=3.11\n- pip\n- pip:\n" +
      requirements(tree).trim().split("\n").map((r) => `  - ${r}`).join("\n") + "\n",
    ...examples(model.featureNames, options.trainingRows),
  };
  const size = Object.values(files).reduce(
    (a, f) => a + (typeof f === "string" ? f.length : f.length),
    0,
  );
  const types = columnTypes(model, options.trainingRows, options.specs);
  files.MLmodel = mlmodelYaml(model, { runId: options.runId, size, tree, types });
  return files;
}

/**
 * MLflow column types, as MLflow infers them from pandas: `long` for integer and boolean features
 * (int64), `double` for the others and for any feature missing in a training row (a whole-number
 * column with a missing value is float64 in pandas, which a `long` column refuses).
 */
function columnTypes(
  model: Classifier,
  rows: Frame,
  specs: readonly FeatureSpec[] = [],
): string[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  return model.featureNames.map((n) => {
    const s = byName.get(n);
    const whole = s && (s.integer || s.kind === "boolean");
    return whole && !rows.column(n).some(Number.isNaN) ? "long" : "double";
  });
}

function requirements(tree: boolean): string {
  return Object.entries(PYTHON_REQUIREMENTS)
    .filter(([name]) => tree || name !== "xgboost")
    .map(([name, v]) => `${name}==${v}`).join("\n") + "\n";
}

/** `input_example.json` (pandas split orient) and `serving_input_example.json`. */
function examples(names: readonly string[], frame: Frame): Record<string, string> {
  const rows: Array<Array<number | null>> = [];
  for (let i = 0; i < frame.rows && rows.length < 5; i++) {
    const row = names.map((n) => frame.column(n)[i]!);
    if (row.every((v) => Number.isFinite(v))) rows.push(row);
  }
  const split = { columns: [...names], data: rows };
  return {
    "input_example.json": JSON.stringify(split),
    "serving_input_example.json": JSON.stringify({ dataframe_split: split }, null, 2),
  };
}

/** The `MLmodel` file, in the layout MLflow writes. */
function mlmodelYaml(
  model: Classifier,
  facts: { runId: string; size: number; tree: boolean; types: readonly string[] },
): string {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const inputs = "[" +
    model.featureNames.map((name, j) =>
      `{"type": "${facts.types[j]}", "name": ${JSON.stringify(name)}, "required": true}`
    ).join(", ") + "]";
  const outputs = '[{"type": "float", "name": "probability", "required": true}]';
  const xgb = facts.tree
    ? `  xgboost:\n    code: null\n    data: model.json\n    model_class: xgboost.core.Booster\n` +
      `    model_format: json\n    xgb_version: ${PYTHON_REQUIREMENTS.xgboost}\n`
    : "";
  return `artifact_path: model
flavors:
  onnx:
    code: null
    data: pyfunc.onnx
    onnx_session_options: null
    onnx_version: ${PYTHON_REQUIREMENTS.onnx}
    providers:
    - CPUExecutionProvider
  python_function:
    data: pyfunc.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: '3.11'
${xgb}mlflow_version: ${PYTHON_REQUIREMENTS.mlflow}
model_size_bytes: ${facts.size}
model_uuid: ${crypto.randomUUID().replaceAll("-", "")}
run_id: ${facts.runId}
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: ${q(inputs)}
  outputs: ${q(outputs)}
  params: null
utc_time_created: '${new Date().toISOString().replace("T", " ").replace("Z", "")}'
`;
}
