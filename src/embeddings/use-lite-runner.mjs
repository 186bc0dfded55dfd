// Runs the USE lite ONNX graph (built by use-lite-graph.ts) with onnxruntime-node, on token ids
// from use-lite-tokenizer.ts. Plain JavaScript because the embedding worker imports it too, and
// worker threads do not inherit the TypeScript loader; types are in use-lite-runner.d.mts.
import ort from "onnxruntime-node";

const PAD_ID = -1n; // USE_LITE_PAD_ID in use-lite-graph.ts
const MAX_TOKENS = 128; // USE_LITE_MAX_TOKENS: the model's own window
const DIMENSIONS = 512;

/** @param {{ model: Uint8Array, threads?: number }} options */
export async function createUseLiteRunner({ model, threads = 2 }) {
  // Note: onnxruntime-node 1.14 kept both cores busy (CPU/wall 1.99) whatever intraOpNumThreads said.
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    graphOptimizationLevel: "all",
  });
  return {
    /** @param {number[][]} tokens @returns {Promise<Float32Array[]>} unit vectors, input order */
    async embed(tokens) {
      if (tokens.length === 0) return [];
      const time = Math.max(1, ...tokens.map((row) => Math.min(row.length, MAX_TOKENS)));
      const ids = new BigInt64Array(tokens.length * time).fill(PAD_ID);
      tokens.forEach((row, b) => {
        for (let i = 0; i < Math.min(row.length, MAX_TOKENS); i++) ids[b * time + i] = BigInt(row[i]);
      });
      const output = await session.run({ ids: new ort.Tensor("int64", ids, [tokens.length, time]) });
      const data = /** @type {Float32Array} */ (output.embeddings.data);
      return tokens.map((_, b) => data.slice(b * DIMENSIONS, (b + 1) * DIMENSIONS));
    },
  };
}
