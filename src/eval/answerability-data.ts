import { relevance, type AbstentionRule } from "../answer/compose.js";
import {
  answerability,
  answerabilityFeatures,
  trainAnswerability,
  type AnswerabilityExample,
  type AnswerabilityModel,
} from "../answer/answerability.js";
import type { RetrievedSentence } from "../retrieval/hybrid.js";
import type { EvalArticle } from "./xquad.js";

/**
 * Share of the development half's answerable questions (those not refused) that may carry the
 * weak-match warning: relevance below the rule's bound, or the answerability model's doubt. The
 * relevance bound alone warned on about 9%; a half of the questions whose page lacks the answer
 * were answered plainly. 15% is where the warning falls on as many wrong answers as right ones on
 * the development half; the held-out half reports what it costs.
 */
export const WARNING_BUDGET = 0.15;

export interface QuestionHits {
  readonly gold: number;
  readonly hits: readonly (RetrievedSentence & { readonly id: number })[];
}

/** The same question as the page would have it without its answer sentence. Pure. */
export function withoutAnswer(q: QuestionHits): QuestionHits["hits"] {
  return q.hits.filter((h) => h.id !== q.gold);
}

/**
 * Examples for the answerability model: each question as asked (the best sentence answers when it
 * is the gold one), and again with its answer sentence removed (it cannot). Pure.
 */
export function answerabilityExamples(
  questions: readonly (QuestionHits & { readonly question: string })[],
  rule: AbstentionRule,
): AnswerabilityExample[] {
  const relevanceOf = (r: Parameters<typeof relevance>[0]) => relevance(r, rule.denseWeight);
  const examples: AnswerabilityExample[] = [];
  for (const q of questions) {
    for (const [hits, answerable] of [
      [q.hits, true],
      [withoutAnswer(q), false],
    ] as const) {
      const [top, second] = hits;
      if (!top || relevanceOf(top) < rule.threshold) continue; // refused: no answer to warn about
      examples.push({
        features: answerabilityFeatures(q.question, top, second, relevanceOf),
        answers: answerable && top.id === q.gold,
      });
    }
  }
  return examples;
}

/**
 * The model, with `warnBelow` set so that the warning (either way) falls on WARNING_BUDGET of the
 * answerable questions that are not refused. Pure.
 */
export function fitAnswerability(
  questions: readonly (QuestionHits & { readonly question: string })[],
  rule: AbstentionRule,
  budget = WARNING_BUDGET,
): AnswerabilityModel {
  const learned = trainAnswerability(answerabilityExamples(questions, rule));
  const relevanceOf = (r: Parameters<typeof relevance>[0]) => relevance(r, rule.denseWeight);
  const answered = questions.filter((q) => q.hits[0] && relevanceOf(q.hits[0]) >= rule.threshold);
  const byRelevance = answered.filter((q) => relevanceOf(q.hits[0]!) < rule.lowConfidenceBelow).length;
  const others = answered
    .filter((q) => relevanceOf(q.hits[0]!) >= rule.lowConfidenceBelow)
    .map((q) =>
      answerability(
        { ...learned, warnBelow: 0 },
        answerabilityFeatures(q.question, q.hits[0]!, q.hits[1], relevanceOf),
      ),
    )
    .sort((a, b) => a - b);
  const more = Math.max(0, Math.round(budget * answered.length) - byRelevance);
  // Strictly below: the `more` least likely answers are warned.
  const warnBelow =
    more === 0 || others.length === 0
      ? 0
      : (others[Math.min(more, others.length) - 1]! + (others[Math.min(more, others.length)] ?? 1)) / 2;
  return { ...learned, warnBelow };
}

/** Every question of these articles with its ranked hits, as fitAnswerability and answerabilityExamples take them. */
export function questionHits(
  articles: readonly EvalArticle[],
  outcomes: ReadonlyArray<ReadonlyArray<{ readonly hits: readonly RetrievedSentence[] }>>,
): Array<QuestionHits & { question: string }> {
  return articles.flatMap((article, a) =>
    article.questions.map((q, i) => ({
      question: q.question,
      gold: q.gold,
      hits: outcomes[a]![i]!.hits as QuestionHits["hits"],
    })),
  );
}
