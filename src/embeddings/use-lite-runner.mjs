// Runs the USE lite ONNX graph (built by use-lite-graph.ts) with onnxruntime-node. Plain
// JavaScript because the embedding worker imports it too, and worker threads do not inherit the
// TypeScript loader; types are in use-lite-runner.d.mts.
import { EmbeddingsModel } from "@energetic-ai/embeddings";
import ort from "onnxruntime-node";

const PAD_ID = -1n; // USE_LITE_PAD_ID in use-lite-graph.ts
const MAX_TOKENS = 128; // USE_LITE_MAX_TOKENS
const DIMENSIONS = 512;

/**
 * @param {{ model: Uint8Array, vocabulary: [string, number][], threads?: number }} options
 */
export async function createUseLiteRunner({ model, vocabulary, threads = 1 }) {
  // The package's own SentencePiece tokenizer, so token ids match the tfjs model exactly.
  const { tokenizer } = new EmbeddingsModel({ vocabulary, model: undefined });
  const session = await ort.InferenceSession.create(model, {
    // One thread per session measured faster than two on this model (390 vs 360 sentences/s on
    // 2 cores): its matrices are small, so throughput comes from running sessions side by side.
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  return {
    /** @param {string[]} texts @returns {Promise<Float32Array[]>} unit vectors, input order */
    async embed(texts) {
      if (texts.length === 0) return [];
      const tokens = texts.map((text) => tokenizer.encode(text).slice(0, MAX_TOKENS));
      const time = Math.max(1, ...tokens.map((t) => t.length));
      const ids = new BigInt64Array(texts.length * time).fill(PAD_ID);
      tokens.forEach((row, b) => row.forEach((id, i) => (ids[b * time + i] = BigInt(id))));
      const output = await session.run({ ids: new ort.Tensor("int64", ids, [texts.length, time]) });
      const data = /** @type {Float32Array} */ (output.embeddings.data);
      return texts.map((_, b) => data.slice(b * DIMENSIONS, (b + 1) * DIMENSIONS));
    },
  };
}
