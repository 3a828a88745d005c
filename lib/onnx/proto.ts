/**
 * Small builders over the ONNX protobuf schema (the maintained `onnx-proto` package, generated
 * with protobufjs): tensors, attributes, value infos, nodes and the model.
 *
 * @module
 */

import onnxProto from "onnx-proto";

// deno-lint-ignore no-explicit-any
const onnx = (onnxProto as any).onnx;

/** ONNX tensor element types used here. */
export const ElemType = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** IR version of the models written (ONNX 1.12+; onnxruntime 1.14+). */
export const IR_VERSION = 8;
/** Default-domain opset (ai.onnx). */
export const OPSET = 17;
/** ai.onnx.ml opset (TreeEnsembleClassifier v3, LinearClassifier v1). */
export const ML_OPSET = 3;

/** An attribute value: numbers and strings, or arrays of them, or a tensor. */
export type AttrValue = number | string | readonly number[] | readonly string[];

const enc = new TextEncoder();

/** An attribute, typed from its value (`float` forces FLOAT(S) for integral numbers). */
export function attribute(name: string, value: AttrValue, float = false): unknown {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: A.STRING, s: enc.encode(value) };
  if (typeof value === "number") {
    return float || !Number.isInteger(value)
      ? { name, type: A.FLOAT, f: value }
      : { name, type: A.INT, i: value };
  }
  if (value.length > 0 && typeof value[0] === "string") {
    return { name, type: A.STRINGS, strings: (value as string[]).map((s) => enc.encode(s)) };
  }
  return float
    ? { name, type: A.FLOATS, floats: [...value] }
    : { name, type: A.INTS, ints: [...value] };
}

/** A node of the graph. */
export function node(
  opType: string,
  io: { inputs: readonly string[]; outputs: readonly string[] },
  extra: { attributes?: readonly unknown[]; domain?: string } = {},
): unknown {
  const { inputs, outputs } = io, { attributes = [], domain = "" } = extra;
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    attribute: [...attributes],
    domain,
    name: `${opType}_${outputs[0]}`,
  };
}

/** A float32 tensor initializer. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): unknown {
  return { name, dims: [...dims], dataType: ElemType.FLOAT, floatData: Array.from(values) };
}

/** A float64 tensor initializer. */
export function doubleTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): unknown {
  return { name, dims: [...dims], dataType: ElemType.DOUBLE, doubleData: Array.from(values) };
}

/** An int64 tensor initializer. */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): unknown {
  return { name, dims: [...dims], dataType: ElemType.INT64, int64Data: [...values] };
}

/** A bool tensor initializer (ONNX stores bools in `int32_data`). */
export function boolTensor(
  name: string,
  dims: readonly number[],
  values: readonly boolean[],
): unknown {
  return { name, dims: [...dims], dataType: ElemType.BOOL, int32Data: values.map(Number) };
}

/** A typed graph input or output; string dims are symbolic (e.g. "N"). */
export function valueInfo(
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): unknown {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** Everything a model needs. */
export interface ModelParts {
  readonly graphName: string;
  readonly nodes: readonly unknown[];
  readonly inputs: readonly unknown[];
  readonly outputs: readonly unknown[];
  readonly initializers?: readonly unknown[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly docString?: string;
}

/** Encodes a ModelProto. */
export function encodeModel(parts: ModelParts): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: "fraud-pipeline",
    producerVersion: "1",
    docString: parts.docString ?? "",
    opsetImport: [{ domain: "", version: OPSET }, { domain: "ai.onnx.ml", version: ML_OPSET }],
    graph: {
      name: parts.graphName,
      node: [...parts.nodes],
      input: [...parts.inputs],
      output: [...parts.outputs],
      initializer: [...(parts.initializers ?? [])],
    },
    metadataProps: Object.entries(parts.metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Decodes a ModelProto's metadata_props (for reading models back). */
export function decodeMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(
    (model.metadataProps ?? []).map((p: { key: string; value: string }) => [p.key, p.value]),
  );
}
