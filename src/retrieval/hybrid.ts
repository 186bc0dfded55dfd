import { opensWithBackReference } from "../corpus/reference.js";
import type { Sentence } from "../corpus/split.js";
import type { DenseIndex } from "../index/dense.js";
import { answerTypeMatch, answerTypeOf } from "./features/answer-type.js";
import type { Bm25Index } from "./bm25.js";
import { tokenize } from "./terms/tokenize.js";
import { englishSpecificity } from "./features/specificity.js";
import type { SubwordMatcher } from "./features/subwords.js";
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
  /**
   * Soft matching of word pieces over the same sentences. Without it the piece match of a candidate
   * is its exact term coverage (tests with small fakes; the service and the evaluation always pass one).
   */
  readonly subwords?: SubwordMatcher;
}

/**
 * Hybrid retrieval: dense candidates (HNSW) and lexical candidates (BM25) are pooled, each
 * candidate gets its dense, lexical, coverage, neighbour and answer-type evidence, and `fuse`
 * turns that into one ranking.
 */
export class HybridRetriever {
  private readonly fusion: FusionParams;
  private readonly candidatesPerSide: number;
  private readonly subwords: SubwordMatcher | undefined;

  constructor(
    readonly sentences: readonly Sentence[],
    private readonly dense: DenseIndex,
    private readonly lexical: Bm25Index,
    private readonly embedder: QueryEmbedder,
    options: RetrieverOptions = {},
  ) {
    this.fusion = options.fusion ?? DEFAULT_FUSION;
    this.candidatesPerSide = options.candidatesPerSide ?? 50;
    this.subwords = options.subwords;
    if (this.subwords && this.subwords.size !== sentences.length) {
      throw new Error(`the piece matcher covers ${this.subwords.size} sentences, the retriever ${sentences.length}`);
    }
  }

  /** Every pooled candidate with its evidence, unranked. */
  async candidates(question: string): Promise<Candidate[]> {
    const vector = await this.embedder.embedQuery(question);
    const denseHits = await this.dense.search(vector, this.candidatesPerSide);
    const lexical = this.lexical.scores(question);
    const lexicalHits = lexical.top(this.candidatesPerSide);
    const denseById = new Map(denseHits.map((h) => [h.id, h.score]));
    const cosine = (id: number) => denseById.get(id) ?? this.dense.cosine(vector, id);
    // A neighbour outside the dense candidates is less similar than all of them; the weakest
    // candidate's score stands in for it. Fetching stored vectors from hnswlib costs ~60 µs each,
    // which dominated retrieval at 10k sentences. In a corpus no larger than the candidate pool
    // (an article) every score is known, so nothing is approximated.
    const floor = denseHits.length > 0 ? denseHits[denseHits.length - 1]!.score : -1;
    const neighborCosine = (id: number) => denseById.get(id) ?? floor;
    const ids = new Set([...denseHits.map((h) => h.id), ...lexicalHits.map((h) => h.id)]);
    const terms = this.lexical.queryTerms(question);
    const questionTerms = new Set(terms);
    const type = answerTypeOf(question);
    const questionPairs = adjacentPairs(tokenize(question));
    const pooled = [...ids];
    const pieceMatch = this.subwords?.scores(question, pooled);
    return pooled.map((id, i) => {
      const sentence = this.sentences[id]!;
      const tokens = this.lexical.tokensOf(id);
      const prev = this.sameFile(id, id - 1);
      const next = this.sameFile(id, id + 1);
      const coverage = this.lexical.coverage(terms, id);
      return {
        id,
        dense: cosine(id),
        lexical: lexical.score(id),
        coverage,
        pieceMatch: pieceMatch ? pieceMatch[i]! : coverage,
        keyTermCoverage: this.lexical.coverage(terms, id, englishSpecificity),
        prevLexical: prev === undefined ? 0 : lexical.score(prev),
        nextLexical: next === undefined ? 0 : lexical.score(next),
        prevDense: prev === undefined ? -1 : neighborCosine(prev),
        nextDense: next === undefined ? -1 : neighborCosine(next),
        pronounStart: opensWithBackReference(sentence.text) ? 1 : 0,
        answerType: answerTypeMatch(type, question, sentence.text),
        phrase: phraseOverlap(questionPairs, tokens),
        novelty: tokens.length === 0 ? 0 : tokens.filter((t) => !questionTerms.has(t)).length / tokens.length,
        length: tokens.length,
      };
    });
  }

  async retrieve(question: string, k = 5): Promise<RetrievedSentence[]> {
    const ranked = fuse(await this.candidates(question), this.fusion);
    return ranked.slice(0, k).map((c) => ({ ...c, sentence: this.sentences[c.id]! }));
  }

  /** The sentences that spell out an acronym ("paid time off (PTO)"), given as written ("PTO"), in corpus order. */
  definitionsOf(acronym: string): Sentence[] {
    return this.lexical.definitionsOf(acronym).flatMap((id) => this.sentences[id] ?? []);
  }

  /** Whether sentence `id` has at least one of the question's terms (true when the question has none). */
  mentionsAnyTerm(question: string, id: number): boolean {
    const terms = this.lexical.queryTerms(question);
    if (terms.length === 0) return true;
    const tokens = new Set(this.lexical.tokensOf(id));
    return terms.some((term) => tokens.has(term));
  }

  /** Whether sentence `id` has every one of the text's terms (true when the text has none). */
  mentionsEveryTerm(text: string, id: number): boolean {
    const tokens = new Set(this.lexical.tokensOf(id));
    return this.lexical.queryTerms(text).every((term) => tokens.has(term));
  }

  /** `other` when it is a sentence of the same file as `id`. */
  private sameFile(id: number, other: number): number | undefined {
    return this.sentences[other]?.source === this.sentences[id]!.source ? other : undefined;
  }
}

function adjacentPairs(tokens: readonly string[]): Set<string> {
  const pairs = new Set<string>();
  for (let i = 1; i < tokens.length; i++) pairs.add(`${tokens[i - 1]} ${tokens[i]}`);
  return pairs;
}

/** Share of the question's adjacent content-word pairs that also stand together in the sentence's tokens. */
export function phraseOverlap(questionPairs: ReadonlySet<string>, sentenceTokens: readonly string[]): number {
  if (questionPairs.size === 0) return 0;
  const sentencePairs = adjacentPairs(sentenceTokens);
  let shared = 0;
  for (const pair of questionPairs) if (sentencePairs.has(pair)) shared++;
  return shared / questionPairs.size;
}
