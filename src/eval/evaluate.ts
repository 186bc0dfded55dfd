import { composeAnswer, type AbstentionRule, type RankedSentence } from "../answer/compose.js";
import type { Sentence } from "../corpus/split.js";
import { splitSentences } from "../corpus/split.js";
import type { CiteBotEmbeddings } from "../embeddings/types.js";
import { HnswDenseIndex } from "../index/dense.js";
import { DEFAULT_BM25, type Bm25Params } from "../retrieval/bm25.js";
import { buildHybridRetriever } from "../retrieval/build.js";
import { featureVectors, type FusionParams } from "../retrieval/fusion.js";
import type { HybridRetriever, RetrievedSentence } from "../retrieval/hybrid.js";
import { rankOf } from "./metrics.js";
import type { TrainingQuestion } from "./train.js";
import type { EvalArticle } from "./xquad.js";

/** How candidates are ranked: the fusion, and the question-side weights (undefined: what ships for the model). */
export interface Ranking {
  readonly fusion: FusionParams;
  readonly queryWeights?: readonly number[] | undefined;
}

/** A retriever over one article's sentences, built in memory from cached embeddings. */
export async function buildArticleRetriever(
  sentences: readonly Sentence[],
  embeddings: CiteBotEmbeddings,
  ranking: Ranking,
  bm25: Bm25Params = DEFAULT_BM25,
): Promise<HybridRetriever> {
  const vectors = await embeddings.embedDocuments(sentences.map((s) => s.text));
  const dense = await HnswDenseIndex.fromVectors(vectors, sentences, embeddings);
  return buildHybridRetriever(sentences, dense, embeddings, { ...ranking, bm25 });
}

/**
 * The question with one typo in its longest word (of 6 letters or more): a middle letter dropped,
 * doubled, or swapped with the next, in turn by `seed`. Deterministic, for a repeatable test of
 * misspelt questions. Questions without such a word come back unchanged.
 */
export function misspell(question: string, seed: number): string {
  const words = [...question.matchAll(/\p{L}{6,}/gu)];
  if (words.length === 0) return question;
  const longest = words.reduce((a, b) => (b[0].length > a[0].length ? b : a));
  const word = longest[0];
  const at = Math.floor(word.length / 2);
  const typo = [
    word.slice(0, at) + word.slice(at + 1),
    word.slice(0, at) + word[at] + word.slice(at),
    word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2),
  ][seed % 3]!;
  return question.slice(0, longest.index) + typo + question.slice(longest.index! + word.length);
}

export interface QuestionOutcome {
  readonly rank: number | undefined;
  readonly top: RetrievedSentence | undefined;
  readonly hits: readonly RetrievedSentence[];
}

/** Ranks every question of every article; the candidates are the article's gold sentences. */
export async function rankArticles(
  articles: readonly EvalArticle[],
  embeddings: CiteBotEmbeddings,
  ranking: Ranking,
): Promise<QuestionOutcome[][]> {
  const outcomes: QuestionOutcome[][] = [];
  for (const article of articles) {
    const retriever = await buildArticleRetriever(article.sentences, embeddings, ranking);
    const perArticle: QuestionOutcome[] = [];
    for (const q of article.questions) {
      const hits = await retriever.retrieve(q.question, article.sentences.length);
      perArticle.push({ rank: rankOf(hits, (h) => h.id === q.gold), top: hits[0], hits });
    }
    outcomes.push(perArticle);
  }
  return outcomes;
}

/** Our splitter run over each paragraph: article sentences with paragraph-relative offsets. */
export function splitArticle(article: EvalArticle): Sentence[] {
  return article.paragraphs.flatMap((p, i) =>
    splitSentences(p.context, `${article.title}#${i}`).map((s) => ({ ...s, lineStart: i + 1, lineEnd: i + 1 })),
  );
}

/** How many gold sentences our splitter reproduces exactly (same start and end, ignoring surrounding space). */
export function boundaryAgreement(articles: readonly EvalArticle[]): {
  gold: number;
  matched: number;
  produced: number;
} {
  let gold = 0;
  let matched = 0;
  let produced = 0;
  for (const article of articles) {
    for (const p of article.paragraphs) {
      const ours = splitSentences(p.context, "paragraph.txt");
      produced += ours.length;
      const spans = new Set(ours.map((s) => `${s.charStart}:${s.charEnd}`));
      for (const [start, end] of p.breaks) {
        gold++;
        let s = start;
        let e = end;
        while (s < e && /\s/.test(p.context[s]!)) s++;
        while (e > s && /\s/.test(p.context[e - 1]!)) e--;
        if (spans.has(`${s}:${e}`)) matched++;
      }
    }
  }
  return { gold, matched, produced };
}

/** Feature vectors of every candidate of every question, with the gold candidate marked, for training. */
export async function trainingQuestions(
  articles: readonly EvalArticle[],
  embeddings: CiteBotEmbeddings,
  queryWeights?: readonly number[],
): Promise<TrainingQuestion[]> {
  const questions: TrainingQuestion[] = [];
  for (const article of articles) {
    const retriever = await buildArticleRetriever(article.sentences, embeddings, {
      fusion: { method: "rrf", k: 60 },
      queryWeights,
    });
    for (const q of article.questions) {
      const candidates = await retriever.candidates(q.question);
      const gold = candidates.findIndex((c) => c.id === q.gold);
      if (gold !== -1) questions.push({ features: featureVectors(candidates), gold });
    }
  }
  return questions;
}

/**
 * The answers the service would give (src/answer/compose.ts: up to `maxSentences` runners-up close to
 * the best, the previous sentence quoted when the best opens with a back-reference, the abstention
 * rule), and whether they cite each question's gold sentence. Pure. R@1 counts only the top sentence; a
 * user reads every cited one.
 */
export function answerCitations(
  articles: readonly EvalArticle[],
  outcomes: ReadonlyArray<ReadonlyArray<{ readonly hits: readonly (RankedSentence & { readonly id: number })[] }>>,
  rule: AbstentionRule,
  maxSentences: number,
): Array<Array<{ answered: boolean; citations: number; citesGold: boolean }>> {
  return articles.map((article, a) =>
    article.questions.map((q, i) => {
      const previousOf = (hit: { id: number }) => {
        const previous = article.sentences[hit.id - 1];
        return previous?.source === article.sentences[hit.id]!.source ? previous : undefined;
      };
      const nextOf = (hit: { id: number }) => {
        const next = article.sentences[hit.id + 1];
        return next?.source === article.sentences[hit.id]!.source ? next : undefined;
      };
      const answer = composeAnswer(q.question, outcomes[a]![i]!.hits, {
        maxSentences,
        previousOf,
        nextOf,
        abstention: rule,
      });
      const gold = article.sentences[q.gold]!;
      return {
        answered: answer.answered,
        citations: answer.citations.length,
        citesGold: answer.citations.some((c) => c.text === gold.text && c.source === gold.source),
      };
    }),
  );
}
