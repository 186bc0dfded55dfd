import type { Sentence } from "../corpus/split.js";
import type { DenseIndex } from "../index/dense.js";
import { answerTypeMatch, answerTypeOf } from "./answer-type.js";
import type { Bm25Index } from "./bm25.js";
import { tokenize } from "./tokenize.js";
import { fuse, DEFAULT_FUSION, type Candidate, type FusedCandidate, type FusionParams } from "./fusion.js";

export interface QueryEmbedder {
  embedQuery(text: string): Promise<number[]>;
}

export interface RetrievedSentence extends FusedCandidate {
  readonly sentence: Sentence;
}

export interface RetrieverOptions {
  readonly fusion?: FusionParams;
  /** How many candidates each side contributes before fusion. */
  readonly candidatesPerSide?: number;
}

/**
 * Hybrid retrieval: dense candidates (HNSW) and lexical candidates (BM25) are pooled, each
 * candidate gets its dense, lexical, coverage, neighbour and answer-type evidence, and `fuse`
 * turns that into one ranking.
 */
export class HybridRetriever {
  private readonly fusion: FusionParams;
  private readonly candidatesPerSide: number;

  constructor(
    readonly sentences: readonly Sentence[],
    private readonly dense: DenseIndex,
    private readonly lexical: Bm25Index,
    private readonly embedder: QueryEmbedder,
    options: RetrieverOptions = {},
  ) {
    this.fusion = options.fusion ?? DEFAULT_FUSION;
    this.candidatesPerSide = options.candidatesPerSide ?? 50;
  }

  /** Every pooled candidate with its evidence, unranked. */
  async candidates(question: string): Promise<Candidate[]> {
    const vector = await this.embedder.embedQuery(question);
    const denseHits = await this.dense.search(vector, this.candidatesPerSide);
    const lexicalHits = this.lexical.search(question);
    const lexicalById = new Map(lexicalHits.map((h) => [h.id, h.score]));
    const denseById = new Map(denseHits.map((h) => [h.id, h.score]));
    const cosine = (id: number) => denseById.get(id) ?? this.dense.cosine(vector, id);
    const ids = new Set([...denseHits.map((h) => h.id), ...lexicalHits.slice(0, this.candidatesPerSide).map((h) => h.id)]);
    const terms = this.lexical.queryTerms(question);
    const type = answerTypeOf(question);
    const questionPairs = adjacentPairs(tokenize(question));
    return [...ids].map((id) => {
      const neighbors = this.neighbors(id);
      const sentence = this.sentences[id]!;
      return {
        id,
        dense: cosine(id),
        lexical: lexicalById.get(id) ?? 0,
        coverage: this.lexical.coverage(terms, id),
        neighborLexical: Math.max(0, ...neighbors.map((n) => lexicalById.get(n) ?? 0)),
        neighborDense: Math.max(-1, ...neighbors.map(cosine)),
        answerType: answerTypeMatch(type, question, sentence.text),
        phrase: phraseOverlap(questionPairs, sentence.text),
      };
    });
  }

  async retrieve(question: string, k = 5): Promise<RetrievedSentence[]> {
    const ranked = fuse(await this.candidates(question), this.fusion);
    return ranked.slice(0, k).map((c) => ({ ...c, sentence: this.sentences[c.id]! }));
  }

  /** Adjacent sentences from the same file. */
  private neighbors(id: number): number[] {
    const source = this.sentences[id]!.source;
    return [id - 1, id + 1].filter((n) => this.sentences[n]?.source === source);
  }
}

function adjacentPairs(tokens: readonly string[]): Set<string> {
  const pairs = new Set<string>();
  for (let i = 1; i < tokens.length; i++) pairs.add(`${tokens[i - 1]} ${tokens[i]}`);
  return pairs;
}

/** Share of the question's adjacent content-word pairs that also stand together in the sentence. */
export function phraseOverlap(questionPairs: ReadonlySet<string>, sentence: string): number {
  if (questionPairs.size === 0) return 0;
  const sentencePairs = adjacentPairs(tokenize(sentence));
  let shared = 0;
  for (const pair of questionPairs) if (sentencePairs.has(pair)) shared++;
  return shared / questionPairs.size;
}
