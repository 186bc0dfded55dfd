/**
 * Fusion of the dense and lexical evidence for each candidate sentence into one ranking. Pure.
 *
 * The shipped method is a linear model over a handful of normalised features, learned pairwise
 * (gold sentence vs every other sentence of the article) on the development half of XQuAD-R by
 * `npm run eval -- --train`; the held-out half is what `npm run eval` reports. A plain weighted sum
 * and reciprocal rank fusion remain available for comparison.
 */

export interface Candidate {
  readonly id: number;
  /** Cosine similarity between question and sentence embeddings, -1..1. */
  readonly dense: number;
  /** BM25 score; 0 when the sentence shares no term with the question. */
  readonly lexical: number;
  /** IDF-weighted share of question terms found in the sentence, 0..1. */
  readonly coverage: number;
  /** Best BM25 / cosine among the sentence's neighbours in the same file (questions often name what a pronoun refers to). */
  readonly neighborLexical: number;
  readonly neighborDense: number;
  /** 1 when the sentence holds an answer of the type the question asks for (a number, a name). */
  readonly answerType: number;
  /** Share of the question's adjacent content-word pairs that also stand together in the sentence, 0..1. */
  readonly phrase: number;
}

export interface FusedCandidate extends Candidate {
  readonly score: number;
}

export const FEATURE_NAMES = ["dense", "denseRelative", "lexicalRelative", "coverage", "neighborLexical", "neighborDense", "answerType", "phrase"] as const;

export type FusionParams =
  | { readonly method: "linear"; readonly weights: readonly number[] }
  | { readonly method: "weighted"; readonly denseWeight: number }
  | { readonly method: "rrf"; readonly k: number };

/** Learned by `npm run eval -- --train` on the XQuAD-R development half (even-numbered articles). */
export const LEARNED_WEIGHTS: readonly number[] = [1.016, 1.65, 3.104, 1.863, 1.276, 0.826, 0.535, 0.724];

export const DEFAULT_FUSION: FusionParams = { method: "linear", weights: LEARNED_WEIGHTS };

/** Features on comparable scales: relative ones are scaled within this question's candidate pool. */
export function featureVectors(candidates: readonly Candidate[]): number[][] {
  if (candidates.length === 0) return [];
  const denseMin = Math.min(...candidates.map((c) => c.dense));
  const denseMax = Math.max(...candidates.map((c) => c.dense));
  const lexicalMax = Math.max(...candidates.map((c) => Math.max(c.lexical, c.neighborLexical)));
  const relDense = (v: number) => (denseMax > denseMin ? (v - denseMin) / (denseMax - denseMin) : 1);
  const relLexical = (v: number) => (lexicalMax > 0 ? v / lexicalMax : 0);
  return candidates.map((c) => [
    c.dense,
    relDense(c.dense),
    relLexical(c.lexical),
    c.coverage,
    relLexical(c.neighborLexical),
    relDense(Math.max(denseMin, c.neighborDense)),
    c.answerType,
    c.phrase,
  ]);
}

export function fuse(candidates: readonly Candidate[], params: FusionParams = DEFAULT_FUSION): FusedCandidate[] {
  if (candidates.length === 0) return [];
  let scores: number[];
  if (params.method === "rrf") {
    const denseRank = rankOf(candidates, (c) => c.dense);
    const lexicalRank = rankOf(candidates, (c) => c.lexical);
    scores = candidates.map((c) => 1 / (params.k + denseRank.get(c.id)!) + (c.lexical > 0 ? 1 / (params.k + lexicalRank.get(c.id)!) : 0));
  } else {
    const features = featureVectors(candidates);
    const weights = params.method === "linear" ? params.weights : [0, params.denseWeight, 1 - params.denseWeight, 0, 0, 0, 0, 0];
    // Divided by the weights' total so that a candidate best on every feature scores 1.
    const total = weights.reduce((sum, w) => sum + Math.abs(w), 0) || 1;
    scores = features.map((f) => f.reduce((sum, x, i) => sum + x * (weights[i] ?? 0), 0) / total);
  }
  return candidates
    .map((c, i) => ({ ...c, score: scores[i]! }))
    .sort((a, b) => b.score - a.score || b.dense - a.dense || a.id - b.id);
}

function rankOf(candidates: readonly Candidate[], key: (c: Candidate) => number): Map<number, number> {
  const sorted = [...candidates].sort((a, b) => key(b) - key(a) || a.id - b.id);
  return new Map(sorted.map((c, i) => [c.id, i + 1]));
}
