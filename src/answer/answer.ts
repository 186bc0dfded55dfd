/**
 * What `answer(question)` returns: one `Answer` union on `kind`. Every surface (src/cli/render.ts,
 * src/chat/terminal.ts, src/slack/render.ts) switches on `kind`, so the type checker proves each one
 * handles every kind. Every kind also carries the fields of the JSON contract (README, "The JSON
 * answer"): `question`, `answered`, `text`, `citations` and `related`; fields are added, never renamed.
 */
import type { SmallTalk } from "./small-talk.js";

export interface Citation {
  /** 1..N in order of first appearance in the answer text. */
  readonly n: number;
  /** The cited sentence as in the source (wrapped lines joined with a space; a code block keeps its lines). */
  readonly text: string;
  readonly source: string;
  readonly lineStart: number;
  readonly lineEnd: number;
  /**
   * Fusion score of the sentence for this question; comparable within one answer only. 0 for a
   * context sentence that was not among the retrieved candidates, and in a summary.
   */
  readonly score: number;
  /**
   * Present (true) on a sentence cited only as context: the answer's first sentence opens with a
   * reference to it ("These materials are vital...") and would not make sense alone.
   */
  readonly context?: true;
}

export interface RelatedPassage {
  readonly text: string;
  readonly source: string;
  readonly lineStart: number;
  readonly lineEnd: number;
  readonly score: number;
}

interface AnswerFields {
  readonly question: string;
  /** The answer with [n] markers, or why there is none. */
  readonly text: string;
  readonly citations: readonly Citation[];
  /** When not answered: the closest passages, shown separately and never cited as an answer. */
  readonly related: readonly RelatedPassage[];
  /**
   * Present on an answer to a follow-up ("What is his role?", "Tell me more") that was read together
   * with this earlier question of the conversation, so the asker can see how it was understood.
   */
  readonly followUpTo?: string;
}

/** Sentences from the sources that answer the question, each cited. */
export interface CitedAnswer extends AnswerFields {
  readonly kind: "answer";
  readonly answered: true;
  /**
   * Present (true) on an answer whose best sentence only just passed the "not found" rule, or that the
   * answerability model doubts: shown with a warning that it may not answer the question, rather than refused.
   */
  readonly lowConfidence?: true;
}

/** The sources were searched and do not answer; `related` may list the closest passages (never cited). */
export interface NotFound extends AnswerFields {
  readonly kind: "not-found";
  readonly answered: false;
}

/**
 * Nothing was searched, and `text` says why: the question has no word to look for ("Who is it?"),
 * or asks for more with no earlier question to go on.
 */
export interface NothingToSearch extends AnswerFields {
  readonly kind: "nothing-to-search";
  readonly answered: false;
}

/** A summary of one file ("tl;dr"), or an overview of the corpus that cites how each file opens. */
export interface FileSummary extends AnswerFields {
  readonly kind: "summary";
  readonly answered: true;
  /** The files it covers: one for a file's summary, several for an overview. */
  readonly summaryOf: readonly string[];
  /** On an overview: how many files the corpus holds (an overview lists at most 10). */
  readonly corpusFiles?: number;
}

/** What the sources say about a subject ("Summarize the tariff changes"): every relevant sentence, in document order. */
export interface SubjectSummary extends AnswerFields {
  readonly kind: "subject-summary";
  readonly answered: true;
  readonly summaryAbout: string;
}

/**
 * "help", "hi", "thanks", "👍": not a question about the documents. Each surface answers in kind
 * (Slack leaves a reaction for thanks); `text` is a plain reply for surfaces without their own.
 */
export interface SmallTalkReply extends AnswerFields {
  readonly kind: "small-talk";
  readonly answered: false;
  readonly talk: SmallTalk;
}

export type Answer = CitedAnswer | NotFound | NothingToSearch | FileSummary | SubjectSummary | SmallTalkReply;

/** A kind without a case in a surface's `switch` fails to compile where this is called. */
export function unhandledKind(answer: never): never {
  throw new Error(`no rendering for answer ${JSON.stringify(answer)}`);
}

/** Whether the answer comes with the weak-match warning (`lowConfidence`). */
export function isWeakMatch(answer: Answer): boolean {
  return answer.kind === "answer" && answer.lowConfidence === true;
}
