/**
 * Fusion of the dense and lexical evidence for each candidate sentence into one ranking. Pure.
 *
 * The shipped method is a linear model over a handful of normalised features, learned listwise
 * (softmax over each question's candidates) on the development half of XQuAD-R by
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
  /**
   * The same share with each term's IDF also weighted by how specific the word is in everyday
   * English (src/retrieval/features/specificity.ts), 0..1. Not a ranking feature: the abstention signal.
   */
  readonly keyTermCoverage: number;
  /**
   * BM25 and cosine of the previous and next sentence in the same file (0 / -1 when there is none).
   * The answer often sits one sentence before the words the question repeats ("Peyton Manning ...
   * He is also the oldest quarterback ...").
   */
  readonly prevLexical: number;
  readonly nextLexical: number;
  readonly prevDense: number;
  readonly nextDense: number;
  /** 1 when the sentence opens with a pronoun, so its subject is named elsewhere. */
  readonly pronounStart: number;
  /** 1 when the sentence holds an answer of the type the question asks for (a number, a name). */
  readonly answerType: number;
  /** Share of the question's adjacent content-word pairs that also stand together in the sentence, 0..1. */
  readonly phrase: number;
  /** Share of the sentence's content words not in the question: an answer adds something new, 0..1. */
  readonly novelty: number;
  /** Content words in the sentence. */
  readonly length: number;
  /**
   * How well the sentence's word pieces cover the question's, softly (src/retrieval/features/subwords.ts),
   * -1..1; scaled within the candidate pool as a feature.
   */
  readonly pieceMatch: number;
}

export interface FusedCandidate extends Candidate {
  readonly score: number;
}

export const FEATURE_NAMES = [
  "dense",
  "denseRelative",
  "lexicalRelative",
  "coverage",
  "prevLexical",
  "nextLexical",
  "prevDense",
  "nextDense",
  "answerType",
  "phrase",
  "novelty",
  "logLength",
  "pronounStart",
  "pieceMatchRelative",
] as const;

export type FusionParams =
  | { readonly method: "linear"; readonly weights: readonly number[] }
  | { readonly method: "weighted"; readonly denseWeight: number }
  | { readonly method: "rrf"; readonly k: number };

/** Learned by `npm run eval -- --train` on the XQuAD-R development half (even-numbered articles). */
export const LEARNED_WEIGHTS: readonly number[] = [
  2.851, 2.949, 1.674, 2.561, 1.321, 0.43, 0.124, 0.657, 1.737, 0.575, 0.131, -0.978, -0.107, 1.494,
];

export const DEFAULT_FUSION: FusionParams = { method: "linear", weights: LEARNED_WEIGHTS };

/** Features on comparable scales: relative ones are scaled within this question's candidate pool. */
export function featureVectors(candidates: readonly Candidate[]): number[][] {
  if (candidates.length === 0) return [];
  const denseMin = Math.min(...candidates.map((c) => c.dense));
  const denseMax = Math.max(...candidates.map((c) => c.dense));
  const lexicalMax = Math.max(...candidates.map((c) => Math.max(c.lexical, c.prevLexical, c.nextLexical)));
  const relDense = (v: number) => (denseMax > denseMin ? (v - denseMin) / (denseMax - denseMin) : 1);
  const relLexical = (v: number) => (lexicalMax > 0 ? v / lexicalMax : 0);
  const pieceMin = Math.min(...candidates.map((c) => c.pieceMatch));
  const pieceMax = Math.max(...candidates.map((c) => c.pieceMatch));
  const relPiece = (v: number) => (pieceMax > pieceMin ? (v - pieceMin) / (pieceMax - pieceMin) : 1);
  return candidates.map((c) => [
    c.dense,
    relDense(c.dense),
    relLexical(c.lexical),
    c.coverage,
    relLexical(c.prevLexical),
    relLexical(c.nextLexical),
    relDense(Math.max(denseMin, c.prevDense)),
    relDense(Math.max(denseMin, c.nextDense)),
    c.answerType,
    c.phrase,
    c.novelty,
    Math.log1p(c.length) / Math.log(64),
    c.pronounStart,
    relPiece(c.pieceMatch),
  ]);
}

export function fuse(candidates: readonly Candidate[], params: FusionParams = DEFAULT_FUSION): FusedCandidate[] {
  if (candidates.length === 0) return [];
  let scores: number[];
  if (params.method === "rrf") {
    const denseRank = rankOf(candidates, (c) => c.dense);
    const lexicalRank = rankOf(candidates, (c) => c.lexical);
    scores = candidates.map(
      (c) => 1 / (params.k + denseRank.get(c.id)!) + (c.lexical > 0 ? 1 / (params.k + lexicalRank.get(c.id)!) : 0),
    );
  } else {
    const features = featureVectors(candidates);
    const weights = params.method === "linear" ? params.weights : [0, params.denseWeight, 1 - params.denseWeight];
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
