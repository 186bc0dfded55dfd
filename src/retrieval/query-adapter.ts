import { normalize } from "../embeddings/types.js";
import useLiteQueryWeights from "./use-lite-query-weights.json" with { type: "json" };
import type { QueryEmbedder } from "./hybrid.js";

/**
 * Per-model question-side weights (one per embedding dimension), learned by
 * `npm run eval -- --train` on the XQuAD-R development half. Sentences are embedded as usual; only
 * the question vector is reweighted, so the saved index does not depend on them.
 */
const QUERY_WEIGHTS: Readonly<Record<string, readonly number[]>> = {
  [useLiteQueryWeights.modelId]: useLiteQueryWeights.weights,
};

/** The question vector reweighted for its model and made unit length again; unchanged for other models. Pure. */
export function adaptQuery(modelId: string, vector: readonly number[]): number[] {
  const weights = QUERY_WEIGHTS[modelId];
  if (!weights || weights.length !== vector.length) return [...vector];
  return normalize(vector.map((x, i) => x * weights[i]!));
}

/** What the retriever embeds questions with: the model, then adaptQuery. */
export function adaptedQueryEmbedder(embeddings: { readonly modelId: string; embedQuery(text: string): Promise<number[]> }): QueryEmbedder {
  return { embedQuery: async (text) => adaptQuery(embeddings.modelId, await embeddings.embedQuery(text)) };
}
