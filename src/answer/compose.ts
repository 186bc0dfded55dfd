import { leadsIntoNext, opensWithBackReference } from "../corpus/reference.js";
import type { Sentence } from "../corpus/split.js";
import { answerTypeMatch, answerTypeOf } from "../retrieval/features/answer-type.js";
import {
  answerability,
  answerabilityFeatures,
  hasEvidence,
  parseAnswerability,
  type AnswerabilityModel,
} from "./answerability.js";
import useLiteAnswerability from "./use-lite-answerability.json" with { type: "json" };
import type { Citation, CitedAnswer, NothingToSearch, NotFound } from "./answer.js";

/**
 * Answer composition: from ranked sentences to an extractive answer with numbered citations. Pure.
 */

export interface RankedSentence {
  readonly sentence: Sentence;
  readonly score: number;
  readonly dense: number;
  readonly keyTermCoverage: number;
}

export const NOT_FOUND_TEXT = "I couldn't find an answer to that in the sources.";

/** The sources were searched and nothing answers; `text` says so, `related` lists the closest passages if any. */
export function notFound(question: string, text: string, related: NotFound["related"] = []): NotFound {
  return { kind: "not-found", question, answered: false, text, citations: [], related };
}

/** Nothing was searched; `text` says why. */
export function nothingToSearch(question: string, text: string): NothingToSearch {
  return { kind: "nothing-to-search", question, answered: false, text, citations: [], related: [] };
}
/** To "What else?" when no further sentence is relevant to the earlier question. */
export const NOTHING_ELSE_TEXT = "That is all I found about it in the sources.";
/** A question with no word to search for ("Who?", "What is it?") and no earlier question to lean on. */
export const NO_SEARCH_TERMS_TEXT =
  'That question has no word to look for in the sources, only words like "who", "is" and "it". Ask about something by name: a person, a place, a number or an event.';
/** "Tell me more" or "what else?" with no earlier question to go on (the first message, or `ask`). */
export const NO_EARLIER_QUESTION_TEXT =
  'There is no earlier answer here to add to. Ask a question first; then "tell me more" quotes the passage around its answer, and "what else?" gives the next relevant sentences.';
/** "Tell me more" when the conversation has already quoted the passage up to the end of its file. */
export const NOTHING_MORE_TEXT = "That is where the passage ends: the source says nothing more after it.";

/**
 * Whether the corpus answers the question at all, from the best sentence's cosine similarity and
 * key-term coverage: relevance = (w * cosine + keyTermCoverage) / (1 + w). Calibrated by `npm run eval` on the
 * XQuAD-R development half (answerable) and eval-data/off-topic-calibration.txt (unanswerable)
 * with the default model, at 1% false abstention on the development half. Answers below
 * `lowConfidenceBelow` (the development half's 10th percentile) are given with a warning: near
 * misses (questions the text does not answer but shares words with) mostly land there.
 */
export interface AbstentionRule {
  readonly denseWeight: number;
  readonly threshold: number;
  readonly lowConfidenceBelow: number;
  /**
   * Also warn when this model doubts that the best sentence answers (answerability.ts): a sentence
   * on the question's topic that does not hold its answer is often relevant enough to pass the bound.
   */
  readonly answerability?: AnswerabilityModel | undefined;
}

/** use-lite's answerability model, as `npm run eval -- --calibrate` wrote it; a broken file fails at start-up, in the tests first. */
function shippedAnswerability(): AnswerabilityModel {
  const parsed = parseAnswerability(useLiteAnswerability);
  if (typeof parsed === "string")
    throw new Error(`src/answer/use-lite-answerability.json ${parsed}; run npm run eval -- --calibrate`);
  return parsed;
}

export const ABSTENTION: AbstentionRule = Object.freeze({
  denseWeight: 1.5,
  threshold: 0.305,
  lowConfidenceBelow: 0.399,
  answerability: shippedAnswerability(),
});

export function relevance(
  top: Pick<RankedSentence, "dense" | "keyTermCoverage">,
  denseWeight: number = ABSTENTION.denseWeight,
): number {
  // A weighted mean, so thresholds for different weights are on one scale and can be compared.
  return (denseWeight * top.dense + top.keyTermCoverage) / (1 + denseWeight);
}

/**
 * How sure an answer is, on the relevance scale. A heading, a question in the text (an FAQ) or a
 * lead-in is short and worded like a topic or a question, so its cosine with a question runs high
 * on one shared word: "What the bot guarantees, and what it does not" scored 0.55 for "How is the
 * bot deployed?", and an FAQ's "How do I get access to production databases?" 0.52 for "How do I
 * rotate the database password?", each holding under a third of the question's key terms. Its section is cited
 * on the strength of that line alone, so such an answer counts as sure only as far as the line holds
 * the question's key terms. Only the weak-match warning reads this; refusals keep the calibrated
 * relevance, so no answer is lost.
 */
export function confidenceOf(top: RankedSentence, topRelevance: number): number {
  return leadsIntoNext(top.sentence) ? Math.min(topRelevance, top.keyTermCoverage) : topRelevance;
}

export interface ComposeOptions<R extends RankedSentence = RankedSentence> {
  readonly maxSentences: number;
  /**
   * The sentence just before a hit's in the same file, if any. When given and the best sentence
   * opens with a back-reference ("He", "These materials"), that sentence is cited before it.
   */
  readonly previousOf?: (hit: R) => Sentence | undefined;
  /**
   * The header row of a hit's table, when the hit is a later row. When given and the best sentence
   * is such a row ("| Publish | `make publish` | Release captain |"), the header is cited before it,
   * so its cells have names.
   */
  readonly headerRowOf?: (hit: R) => Sentence | undefined;
  /**
   * The sentence just after a hit's in the same file, if any. When given, the question asks for a
   * number or a name that the best sentence lacks, and the next sentence points back to it and
   * supplies one ("Run the regression suite." -> "It takes about two hours."), that sentence is cited
   * right after the best one.
   */
  readonly nextOf?: (hit: R) => Sentence | undefined;
  /**
   * The sentences after a hit, up to the next heading or question, in document order. When given
   * and the best sentence is a heading ("Installation") or a question in the text (an FAQ), they
   * are cited after it instead of runners-up.
   */
  readonly sectionAfter?: (hit: R) => readonly Sentence[];
  /** A further sentence joins the answer only if its score is at least this share of the best one's. */
  readonly supportRatio?: number;
  /** Defaults to ABSTENTION, calibrated for use-lite; another model's comes from its fit (model-fit.ts). */
  readonly abstention?: AbstentionRule;
  readonly relatedCount?: number;
}

export function composeAnswer<R extends RankedSentence>(
  question: string,
  ranked: readonly R[],
  options: ComposeOptions<R>,
): CitedAnswer | NotFound {
  const top = ranked[0];
  const { denseWeight, threshold, lowConfidenceBelow } = options.abstention ?? ABSTENTION;
  const topRelevance = top ? relevance(top, denseWeight) : -Infinity;
  if (!top || topRelevance < threshold) {
    return notFound(
      question,
      NOT_FOUND_TEXT,
      ranked.slice(0, options.relatedCount ?? 3).map(({ sentence, score }) => ({
        text: sentence.text,
        source: sentence.source,
        lineStart: sentence.lineStart,
        lineEnd: sentence.lineEnd,
        score: round(score),
      })),
    );
  }
  const ratio = options.supportRatio ?? 0.85;
  // A heading, FAQ question or lead-in that would only give a weak match (see confidenceOf) is a
  // poor guide to its section: "Submitting expenses" for "Can I expense alcohol?". The best sentence
  // that says something itself answers instead when it is more relevant and holds more of the
  // question's key terms ("Alcohol is not reimbursed.").
  const topConfidence = confidenceOf(top, topRelevance);
  const doubted = doubtedAnswer(question, ranked, options.abstention ?? ABSTENTION);
  if (leadsIntoNext(top.sentence) && topConfidence < lowConfidenceBelow) {
    const claims = ranked.filter((candidate) => !leadsIntoNext(candidate.sentence));
    const claim = claims[0];
    if (
      claim &&
      claim.keyTermCoverage > top.keyTermCoverage &&
      relevance(claim, denseWeight) > Math.max(topConfidence, threshold)
    ) {
      return composeAnswer(question, claims, options);
    }
  }
  const chosen: Array<{ sentence: Sentence; score: number; context?: true }> = [];
  const seenText = new Set<string>();
  // A sentence cited for its place (a section, a continuation, context) keeps its fusion score if it was retrieved.
  const scoreOf = (sentence: Sentence) => ranked.find((r) => r.sentence === sentence)?.score ?? 0;
  for (const candidate of ranked) {
    if (chosen.length >= options.maxSentences) break;
    if (candidate !== top && (candidate.score < ratio * top.score || relevance(candidate, denseWeight) < threshold))
      break;
    // The same sentence in two files is one claim: cite it once.
    if (seenText.has(candidate.sentence.text)) continue;
    // A heading ("Data and licences"), a question in the text or a lead-in ending in ":" says where
    // an answer is, not what it is: it adds nothing after the best sentence. (When it is the best
    // one, its section is cited.)
    if (candidate !== top && leadsIntoNext(candidate.sentence)) continue;
    seenText.add(candidate.sentence.text);
    chosen.push(candidate);
  }
  // A heading says where the answer is, a question in the text (an FAQ) asks it, and a lead-in
  // ("To install it, run:") introduces it: the sentences after it are the answer.
  const section = leadsIntoNext(top.sentence) ? (options.sectionAfter?.(top) ?? []) : [];
  if (section.length > 0) {
    chosen.splice(
      0,
      chosen.length,
      top,
      ...section.slice(0, options.maxSentences).map((sentence) => ({ sentence, score: scoreOf(sentence) })),
    );
  }
  const continuation = section.length === 0 ? answeringNext(question, top.sentence, options.nextOf?.(top)) : undefined;
  if (continuation && !seenText.has(continuation.text)) {
    chosen.splice(1, 0, { sentence: continuation, score: scoreOf(continuation) });
    chosen.splice(options.maxSentences);
  }
  const context = opensWithBackReference(top.sentence.text)
    ? options.previousOf?.(top)
    : top.sentence.kind === "row"
      ? options.headerRowOf?.(top)
      : undefined;
  if (context && !seenText.has(context.text)) {
    chosen.unshift({ sentence: context, score: scoreOf(context), context: true });
  }
  const citations: Citation[] = chosen.map(({ sentence, score, context }, i) => ({
    n: i + 1,
    text: sentence.text,
    source: sentence.source,
    lineStart: sentence.lineStart,
    lineEnd: sentence.lineEnd,
    score: round(score),
    ...(context ? { context } : {}),
  }));
  const text = citedText(citations);
  return {
    kind: "answer",
    question,
    answered: true,
    text,
    citations,
    related: [],
    ...(topConfidence < lowConfidenceBelow || doubted ? { lowConfidence: true as const } : {}),
  };
}

/** Whether the rule's answerability model puts the best sentence below its bound (never without a model or the retriever's evidence). */
function doubtedAnswer(question: string, ranked: readonly RankedSentence[], rule: AbstentionRule): boolean {
  const [top, second] = ranked;
  if (!rule.answerability || !top || !hasEvidence(top)) return false;
  const features = answerabilityFeatures(question, top, second && hasEvidence(second) ? second : undefined, (r) =>
    relevance(r, rule.denseWeight),
  );
  return answerability(rule.answerability, features) < rule.answerability.warnBelow;
}

/** The sentence after the best one, when it supplies the number or name asked for that the best one lacks, pointing back to it. */
function answeringNext(question: string, best: Sentence, next: Sentence | undefined): Sentence | undefined {
  const type = answerTypeOf(question);
  if (!next || type === "other" || answerTypeMatch(type, question, best.text) === 1) return undefined;
  return opensWithBackReference(next.text) && answerTypeMatch(type, question, next.text) === 1 ? next : undefined;
}

/**
 * An answer that quotes `sentences` (at least one) in the order given, each cited: a summary, a
 * definition, or the passage around an answer.
 */
export function quoteSentences(question: string, sentences: readonly Sentence[]): CitedAnswer {
  if (sentences.length === 0) throw new Error("quoteSentences needs at least one sentence");
  const citations: Citation[] = sentences.map((s, i) => ({
    n: i + 1,
    text: s.text,
    source: s.source,
    lineStart: s.lineStart,
    lineEnd: s.lineEnd,
    score: 0,
  }));
  return { kind: "answer", question, answered: true, text: citedText(citations), citations, related: [] };
}

/**
 * The answer text: each cited text followed by its [n] marker. Sentences run on as a paragraph;
 * a passage of several lines (a code block) and a table row stand on lines of their own, so lines
 * stay lines and a header sits above its row.
 * `show` renders each text (Slack escapes it and fences code).
 */
export function citedText<C extends Pick<Citation, "text" | "n">>(
  citations: readonly C[],
  show: (citation: C) => string = (c) => c.text,
): string {
  let text = "";
  citations.forEach((c, i) => {
    if (i > 0) text += standsOnOwnLines(c.text) || standsOnOwnLines(citations[i - 1]!.text) ? "\n" : " ";
    text += `${show(c)} [${c.n}]`;
  });
  return text;
}

function standsOnOwnLines(text: string): boolean {
  return text.includes("\n") || /^\|.*\|$/su.test(text);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
