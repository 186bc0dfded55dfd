import { normalize } from "../embeddings/types.js";
import useLiteQueryWeights from "./use-lite-query-weights.json" with { type: "json" };
import type { QueryEmbedder } from "./hybrid.js";

/**
 * Question-side weights (one per embedding dimension), learned on the XQuAD-R development half.
 * Sentences are embedded as usual; only the question vector is reweighted, so the saved index does
 * not depend on them. use-lite's ship here (`npm run eval -- --train-query`); another model's come
 * from its fit file (src/answer/model-fit.ts).
 */
const BUILT_IN_QUERY_WEIGHTS: Readonly<Record<string, readonly number[]>> = {
  [useLiteQueryWeights.modelId]: useLiteQueryWeights.weights,
};

export function builtInQueryWeights(modelId: string): readonly number[] | undefined {
  return BUILT_IN_QUERY_WEIGHTS[modelId];
}

/** The question vector reweighted and made unit length again; unchanged without weights or with weights of another size. Pure. */
export function adaptQuery(weights: readonly number[] | undefined, vector: readonly number[]): number[] {
  if (!weights || weights.length !== vector.length) return [...vector];
  return normalize(vector.map((x, i) => x * weights[i]!));
}

/** What the retriever embeds questions with: the model, then adaptQuery. */
export function adaptedQueryEmbedder(
  embeddings: { embedQuery(text: string): Promise<number[]> },
  weights: readonly number[] | undefined,
): QueryEmbedder {
  return { embedQuery: async (text) => adaptQuery(weights, await embeddings.embedQuery(text)) };
}
