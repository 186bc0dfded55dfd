/**
 * What every intent handler works with: one build of the index, seen as documents (DocumentView),
 * searched by the hybrid retriever, and answered by the composition rules. The service
 * (../service.ts) builds one `Engine` per index build and hands it, with the question, to the
 * handler of the question's intent.
 */
import type { Sentence } from "../../corpus/split.js";
import type { HybridRetriever, RetrievedSentence } from "../../retrieval/hybrid.js";
import type { CitedAnswer, NotFound } from "../answer.js";
import type { AbstentionRule, ComposeOptions } from "../compose.js";
import type { DocumentView } from "../document-view.js";
import type { CorpusFileSummary } from "../summary.js";

/** The question being answered, as the handlers read it. */
export interface Asked {
  /** Normalised (normalizeQuestion). */
  readonly question: string;
  /** `quotedKey`s of the sentences the conversation has quoted about its topic. */
  readonly quoted: ReadonlySet<string>;
}

/** What a search found and the answer composed from it. */
export interface Found {
  readonly hits: readonly RetrievedSentence[];
  readonly answer: CitedAnswer | NotFound;
}

export interface Engine {
  readonly retriever: HybridRetriever;
  readonly view: DocumentView;
  readonly abstention: AbstentionRule;
  /** The most sentences an answer cites (MAX_ANSWER_SENTENCES). */
  readonly maxSentences: number;
  /** The composition rules with this build's navigation (context sentences, sections). */
  readonly composeOptions: ComposeOptions<RetrievedSentence>;
  /** The best `candidates` sentences for `text`, one search at a time (see SerialQueue). */
  retrieve(text: string, candidates: number): Promise<RetrievedSentence[]>;
  /** The answer to `question` from what a search for `text` finds. */
  answerTo(question: string, text: string, candidates?: number): Promise<Found>;
  /** The sentences a file's summary quotes, worked out on first request. */
  summaryOf(file: CorpusFileSummary & { readonly ids: readonly number[] }): readonly Sentence[];
}
