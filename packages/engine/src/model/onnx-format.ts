import protobuf from 'protobufjs';

/**
 * The part of ONNX's `onnx.proto3` (the ONNX project's, MIT) that a model of dense float tensors needs, with the
 * official field numbers: enough to write a model and read its graph back. Unknown fields of a fuller model are
 * skipped when decoding.
 */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message AttributeProto {
  string name = 1;
  int32 type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  string domain = 7;
  repeated AttributeProto attribute = 5;
}
message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  string name = 8;
  bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`;

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

/** ONNX `TensorProto.DataType` values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
/** ONNX `AttributeProto.AttributeType` values used here. */
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** IR version 8 and opset 17: read by every onnxruntime since 1.14. */
const IR_VERSION = 8;
const OPSET = 17;

/** A dimension: a size, or a name for a size given at run time (the batch). */
export type OnnxDim = number | string;

/** A float or int64 constant of the graph. */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly floats?: readonly number[];
  readonly int64s?: readonly number[];
}

/** One operator of the graph. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, number | readonly number[]>>;
}

/** A whole model of float tensors. */
export interface OnnxGraph {
  readonly name: string;
  readonly doc?: string;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly OnnxDim[] }[];
  readonly outputs: readonly { readonly name: string; readonly shape: readonly OnnxDim[] }[];
  readonly initializers: readonly OnnxInitializer[];
  readonly nodes: readonly OnnxNode[];
}

function valueInfo(value: { readonly name: string; readonly shape: readonly OnnxDim[] }) {
  return {
    name: value.name,
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: { dim: value.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** Encodes a graph as ONNX model bytes; the same graph always gives the same bytes. */
export function encodeOnnxModel(graph: OnnxGraph, producer = 'alphintra'): Uint8Array {
  const message = ModelProto.fromObject({
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: producer,
    producer_version: '1',
    doc_string: graph.doc ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes.map((node, i) => ({
        name: `${node.op.toLowerCase()}_${i}`,
        op_type: node.op,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) =>
          typeof value === 'number'
            ? { name, type: ATTRIBUTE_INT, i: value }
            : { name, type: ATTRIBUTE_INTS, ints: value },
        ),
      })),
      initializer: graph.initializers.map((init) =>
        init.int64s !== undefined
          ? { name: init.name, dims: init.dims, data_type: ONNX_INT64, int64_data: init.int64s }
          : { name: init.name, dims: init.dims, data_type: ONNX_FLOAT, float_data: init.floats ?? [] },
      ),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return ModelProto.encode(message).finish();
}

/** The float constants of a model by name (from `float_data` or little-endian `raw_data`), read from its bytes. */
export function readOnnxInitializers(bytes: Uint8Array): Map<string, { dims: number[]; values: number[] }> {
  const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array }) as {
    graph?: {
      initializer?: { name: string; dims?: number[]; data_type?: number; float_data?: number[]; raw_data?: number[] }[];
    };
  };
  const result = new Map<string, { dims: number[]; values: number[] }>();
  for (const init of model.graph?.initializer ?? []) {
    if (init.data_type !== ONNX_FLOAT) continue;
    let values = init.float_data ?? [];
    if (values.length === 0 && init.raw_data !== undefined) {
      values = Array.from(new Float32Array(new Uint8Array(init.raw_data).buffer));
    }
    result.set(init.name, { dims: init.dims ?? [], values });
  }
  return result;
}

/**
 * A logistic regression as ONNX: input `features` [batch, n], output `probabilities` [batch, 2] = (P(up), P(down))
 * with P(up) = sigmoid(sum(features * weights) + bias). Written with Mul and ReduceSum rather than MatMul so that
 * each row's sum is computed the same way whatever the batch size.
 */
export function logisticRegressionGraph(weights: readonly number[], bias: number, doc: string): OnnxGraph {
  const n = weights.length;
  return {
    name: 'logistic_regression',
    doc,
    inputs: [{ name: 'features', shape: ['batch', n] }],
    outputs: [{ name: 'probabilities', shape: ['batch', 2] }],
    initializers: [
      { name: 'weights', dims: [1, n], floats: weights },
      { name: 'bias', dims: [1], floats: [bias] },
      { name: 'one', dims: [1], floats: [1] },
      { name: 'axes', dims: [1], int64s: [1] },
    ],
    nodes: [
      { op: 'Mul', inputs: ['features', 'weights'], outputs: ['weighted'] },
      { op: 'ReduceSum', inputs: ['weighted', 'axes'], outputs: ['sum'], attributes: { keepdims: 1 } },
      { op: 'Add', inputs: ['sum', 'bias'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: ['up'] },
      { op: 'Sub', inputs: ['one', 'up'], outputs: ['down'] },
      { op: 'Concat', inputs: ['up', 'down'], outputs: ['probabilities'], attributes: { axis: 1 } },
    ],
  };
}
