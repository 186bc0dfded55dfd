import { searchTextOf, type Sentence } from "../corpus/split.js";
import { loadUseLitePieces } from "../embeddings/use-lite-pieces.js";
import type { DenseIndex } from "../index/dense.js";
import { Bm25Index, DEFAULT_BM25, type Bm25Params } from "./bm25.js";
import type { FusionParams } from "./fusion.js";
import { HybridRetriever } from "./hybrid.js";
import { adaptedQueryEmbedder, builtInQueryWeights } from "./query-adapter.js";
import { SubwordMatcher } from "./features/subwords.js";

/**
 * The shipped retriever over `sentences`: the dense index, BM25 and word pieces built over the same
 * texts, questions embedded by the model and reweighted (query-adapter.ts). The service, the
 * evaluation and the served-like benchmark all build it here, so none measures one without a part.
 * `fusion` and `queryWeights` default to what ships for the model (use-lite's); a fitted model
 * passes its own (src/answer/model-fit.ts).
 */
export async function buildHybridRetriever(
  sentences: readonly Sentence[],
  dense: DenseIndex,
  embeddings: { readonly modelId: string; embedQuery(text: string): Promise<number[]> },
  options: {
    readonly fusion?: FusionParams;
    readonly queryWeights?: readonly number[] | undefined;
    readonly bm25?: Bm25Params;
  } = {},
): Promise<HybridRetriever> {
  // A table row is read with its column names (Sentence.searchText), as it was embedded.
  const texts = sentences.map(searchTextOf);
  const subwords = new SubwordMatcher(texts, await loadUseLitePieces());
  return new HybridRetriever(
    sentences,
    dense,
    new Bm25Index(texts, options.bm25 ?? DEFAULT_BM25),
    adaptedQueryEmbedder(embeddings, options.queryWeights ?? builtInQueryWeights(embeddings.modelId)),
    {
      subwords,
      ...(options.fusion ? { fusion: options.fusion } : {}),
    },
  );
}
