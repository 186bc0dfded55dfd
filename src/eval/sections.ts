/** The evaluation report's sections, each measured over the data sets (see run.ts). */

import { DEFAULT_BM25 } from "../retrieval/bm25.js";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { composeAnswer, relevance, type AbstentionRule } from "../answer/compose.js";
import { nextConversation, retrievalText, withTopic } from "../answer/follow-up.js";
import { isWeakMatch } from "../answer/answer.js";
import { createAnswerService } from "../answer/service.js";
import { SUMMARY_SENTENCES } from "../answer/summary.js";
import { summarySentences } from "../answer/summary.js";
import { DEFAULT_EMBEDDING_MODEL, type EngineConfig } from "../config.js";
import { answersQuestionBefore } from "../corpus/reference.js";
import { splitSentences, type Sentence } from "../corpus/split.js";
import type { CachingEmbeddings } from "../embeddings/cache.js";
import { cacheStemOf } from "../embeddings/cache.js";
import { SilentLogger } from "../logger.js";
import type { RetrievedSentence } from "../retrieval/hybrid.js";
import { buildArticleRetriever, misspell, splitArticle, type QuestionOutcome, type Ranking } from "./evaluate.js";
import { rankOf, summarizeRanks, type RankSummary } from "./metrics.js";
import { corpusPaths } from "./check-questions.js";
import { judgeAnswer, kindLookup, summarizeChecks, type CheckedQuestion, type QuestionCheck } from "./own-questions.js";
import { type ConversationTurn, type DocumentQuestion, type EvalArticle, type LabelledQuestion } from "./xquad.js";
import { DOCS_CORPUS, OFF_TOPIC_CORPUS, REPORT } from "./data-files.js";
export const fmt = (x: number) => x.toFixed(3);
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The shipped model's report is committed; another model's (or the same model run with other
 * settings) goes beside it, so measuring one never overwrites another.
 */
export function reportFileOf(embeddings: CachingEmbeddings): string {
  return embeddings.identity === DEFAULT_EMBEDDING_MODEL ? REPORT : `bench/eval-report.${cacheStemOf(embeddings)}.md`;
}

export interface Row {
  readonly name: string;
  readonly note: string;
  readonly all: RankSummary;
  readonly heldOut: RankSummary;
}

export function halves<T>(items: readonly T[]): { dev: T[]; heldOut: T[] } {
  return { dev: items.filter((_, i) => i % 2 === 0), heldOut: items.filter((_, i) => i % 2 === 1) };
}

export function summarize(outcomes: QuestionOutcome[][]): { all: RankSummary; heldOut: RankSummary; dev: RankSummary } {
  const { dev, heldOut } = halves(outcomes);
  return {
    all: summarizeRanks(outcomes.flat().map((o) => o.rank)),
    dev: summarizeRanks(dev.flat().map((o) => o.rank)),
    heldOut: summarizeRanks(heldOut.flat().map((o) => o.rank)),
  };
}

/** LangChain's usual starting point: ~500-character chunks in a MemoryVectorStore, dense only. */
export async function naiveBaseline(
  articles: readonly EvalArticle[],
  embeddings: CachingEmbeddings,
): Promise<Array<Array<number | undefined>>> {
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 500, chunkOverlap: 0 });
  const ranks: Array<Array<number | undefined>> = [];
  for (const article of articles) {
    const starts: number[] = [];
    let text = "";
    for (const p of article.paragraphs) {
      if (text) text += "\n\n";
      starts.push(text.length);
      text += p.context;
    }
    const chunks = await splitter.splitText(text);
    let cursor = 0;
    const spans = chunks.map((chunk) => {
      const start = text.indexOf(chunk, cursor);
      cursor = start + 1;
      return { chunk, start, end: start + chunk.length };
    });
    const store = new MemoryVectorStore(embeddings);
    await store.addDocuments(spans.map((s, i) => ({ pageContent: s.chunk, metadata: { i } })));
    const perArticle: Array<number | undefined> = [];
    for (const q of article.questions) {
      const answerAt = starts[q.paragraph]! + q.answerStart;
      const results = await store.similaritySearch(q.question, spans.length);
      perArticle.push(
        rankOf(results, (d) => {
          const span = spans[d.metadata.i as number]!;
          return answerAt >= span.start && answerAt < span.end;
        }),
      );
    }
    ranks.push(perArticle);
  }
  return ranks;
}

/** Shipped retriever over our own split of each article; a hit is the sentence holding the answer. */
export async function ownSplitterRanks(
  articles: readonly EvalArticle[],
  embeddings: CachingEmbeddings,
  ranking: Ranking,
): Promise<Array<number | undefined>> {
  const ranks: Array<number | undefined> = [];
  for (const article of articles) {
    const sentences = splitArticle(article);
    const retriever = await buildArticleRetriever(sentences, embeddings, ranking);
    for (const q of article.questions) {
      const hits = await retriever.retrieve(q.question, sentences.length);
      ranks.push(
        rankOf(
          hits,
          (h) =>
            h.sentence.lineStart === q.paragraph + 1 &&
            q.answerStart >= h.sentence.charStart &&
            q.answerStart < h.sentence.charEnd,
        ),
      );
    }
  }
  return ranks;
}

/**
 * Every XQuAD-R question with one typo (see `misspell`), ranked with and without reading misspelt
 * words as the corpus word one edit away: R@1 and the share refused as "not found".
 */
export async function misspeltQuestions(
  articles: readonly EvalArticle[],
  embeddings: CachingEmbeddings,
  ranking: Ranking,
  rule: AbstentionRule,
) {
  const result = (correctTypos: boolean) => ({ correctTypos, hits: 0, refused: 0, questions: 0 });
  const runs = [result(true), result(false)];
  const misspelt: string[] = [];
  for (const article of articles)
    for (const q of article.questions) misspelt.push(misspell(q.question, misspelt.length));
  await embeddings.embedQueries(misspelt);
  for (const run of runs) {
    let i = 0;
    for (const article of articles) {
      const retriever = await buildArticleRetriever(article.sentences, embeddings, ranking, {
        ...DEFAULT_BM25,
        correctTypos: run.correctTypos,
      });
      for (const q of article.questions) {
        const [top] = await retriever.retrieve(misspelt[i++]!, 1);
        run.questions++;
        if (top?.id === q.gold) run.hits++;
        if (!top || relevance(top, rule.denseWeight) < rule.threshold) run.refused++;
      }
    }
  }
  return { changed: misspelt.filter((m, i) => m !== articles.flatMap((a) => a.questions)[i]!.question).length, runs };
}

/** The shipped retriever's best sentences (up to 10) for each question over the trade article. */
export async function articleHitLists(questions: readonly string[], embeddings: CachingEmbeddings, ranking: Ranking) {
  const text = await readFile(OFF_TOPIC_CORPUS, "utf8");
  const retriever = await buildArticleRetriever(splitSentences(text, OFF_TOPIC_CORPUS), embeddings, ranking);
  const lists = [];
  for (const q of questions) lists.push(await retriever.retrieve(q, 10));
  return lists;
}

/** The shipped retriever's best sentence for each question over the trade article. */
export async function articleTops(questions: readonly string[], embeddings: CachingEmbeddings, ranking: Ranking) {
  return (await articleHitLists(questions, embeddings, ranking)).map((hits) => hits[0]);
}

export type Verdict = "refused" | "warned" | "answered";

/** What the service would do with these ranked sentences: refuse, answer with the weak-match warning, or answer. Pure. */
export function verdictOf(question: string, hits: readonly RetrievedSentence[], rule: AbstentionRule): Verdict {
  const answer = composeAnswer(question, hits, { maxSentences: 3, abstention: rule });
  return !answer.answered ? "refused" : answer.lowConfidence ? "warned" : "answered";
}

/** Short questions about the trade article: what the service does with each, and whether its top sentence is an answering line. */
export async function shortQuestionOutcomes(
  questions: readonly LabelledQuestion[],
  embeddings: CachingEmbeddings,
  ranking: Ranking,
  rule: AbstentionRule,
) {
  const lists = await articleHitLists(
    questions.map((q) => q.question),
    embeddings,
    ranking,
  );
  return {
    verdicts: lists.map((hits, i) => verdictOf(questions[i]!.question, hits, rule)),
    right: lists.map(([top], i) =>
      top ? questions[i]!.lines.some((line) => line >= top.sentence.lineStart && line <= top.sentence.lineEnd) : false,
    ),
  };
}

export async function offTopicVerdicts(
  questions: readonly string[],
  embeddings: CachingEmbeddings,
  ranking: Ranking,
  rule: AbstentionRule,
): Promise<Verdict[]> {
  return (await articleHitLists(questions, embeddings, ranking)).map((hits, i) => verdictOf(questions[i]!, hits, rule));
}

/**
 * Questions over structured documents (Markdown headings, lists, code, tables, FAQs; a plain-text
 * policy), answered by the real service as `ask` answers them: refused, warned, and whether the
 * first claim cited or any cited line answers the question.
 */
export async function documentsReport(
  sets: ReadonlyArray<{ readonly file: string; readonly questions: readonly DocumentQuestion[] }>,
  nearMissSets: ReadonlyArray<{ readonly file: string; readonly questions: readonly string[] }>,
  embeddings: CachingEmbeddings,
  config: EngineConfig,
): Promise<string> {
  const indexDir = await mkdtemp(path.join(tmpdir(), "citebot-eval-docs-"));
  try {
    const service = await createAnswerService({
      config: { ...config, corpusDir: path.resolve(DOCS_CORPUS), indexDir },
      logger: new SilentLogger(),
      embeddings,
    });
    const paths = corpusPaths(DOCS_CORPUS);
    // Citations carry no Markdown structure; the splitter, run again here, tells a heading from a short list item.
    const sentences: Sentence[] = [];
    for (const file of await readdir(DOCS_CORPUS))
      sentences.push(...splitSentences(await readFile(path.join(DOCS_CORPUS, file), "utf8"), paths.sourceOf(file)));
    const kindOf = kindLookup(sentences);
    const checkAll = async (checks: readonly QuestionCheck[]) => {
      const checked: CheckedQuestion[] = [];
      for (const check of checks)
        checked.push({ check, outcome: judgeAnswer(check, await service.answer(check.question), paths, kindOf) });
      return summarizeChecks(checked);
    };
    const rows: string[] = [];
    for (const { file, questions } of sets) {
      const { answerable: a } = await checkAll(
        questions.map((q, i) => ({ question: q.question, line: i + 1, file: q.file, lines: q.lines })),
      );
      const share = (n: number) => pct(n / a.questions);
      rows.push(
        `| ${file} | ${a.questions} | ${share(a.refused)} | ${share(a.warned)} | ${share(a.firstClaimRight)} | ${share(a.someRight)} |`,
      );
    }
    const nearMissRows: string[] = [];
    for (const { file, questions } of nearMissSets) {
      const { unanswerable: u } = await checkAll(
        questions.map((question, i) => ({ question, line: i + 1, lines: [] })),
      );
      const share = (n: number) => pct(n / u.questions);
      nearMissRows.push(
        `| ${file} | ${u.questions} | ${share(u.refused)} | ${share(u.warned)} | ${share(u.answered)} |`,
      );
    }
    return [
      "| Set | Questions | Refused | Weak-match warning | First claim cited answers | Some cited sentence answers |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      "Questions the documents cannot answer although they share words with a heading, an FAQ question or a lead-in (held out):",
      "",
      "| Set | Questions | Refused | Weak-match warning | Answered without a warning |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...nearMissRows,
    ].join("\n");
  } finally {
    await rm(indexDir, { recursive: true, force: true });
  }
}

/**
 * Two questions in a row. Table 1: how often the top sentence answers the second question (and how
 * often it is refused) when it is read alone, always with the earlier question, or by the shipped
 * rule. Table 2: what the shipped rule does, including on follow-ups the article does not answer,
 * with the service's weak-match rule for follow-ups whose own words the top sentence lacks.
 */
export async function conversationReport(
  turns: readonly ConversationTurn[],
  embeddings: CachingEmbeddings,
  ranking: Ranking,
  rule: AbstentionRule,
): Promise<string> {
  const text = await readFile(OFF_TOPIC_CORPUS, "utf8");
  const retriever = await buildArticleRetriever(splitSentences(text, OFF_TOPIC_CORPUS), embeddings, ranking);
  const outcome = async (turn: ConversationTurn, query: string, followUp: boolean) => {
    const [top] = await retriever.retrieve(query, 1);
    const score = top ? relevance(top, rule.denseWeight) : -Infinity;
    const refused = score < rule.threshold;
    const ownWords = top !== undefined && retriever.mentionsAnyTerm(turn.question, top.id);
    const warned = !refused && (score < rule.lowConfidenceBelow || (followUp && !ownWords));
    const right =
      top !== undefined && turn.lines.some((line) => line >= top.sentence.lineStart && line <= top.sentence.lineEnd);
    return { right, refused, warned, ownWords };
  };
  type Outcome = Awaited<ReturnType<typeof outcome>>;
  const alone: Outcome[] = [];
  const always: Outcome[] = [];
  const shipped: Outcome[] = [];
  for (const turn of turns) {
    alone.push(await outcome(turn, turn.question, false));
    always.push(await outcome(turn, `${turn.earlier} ${turn.question}`, false));
    const read = retrievalText(turn.question, turn.earlier);
    const found = await outcome(turn, read.text, read.followUpTo !== undefined);
    // As the answer service does: a question read alone that finds nothing is tried once more with
    // the topic, and answered so if the sentence found holds one of its own words.
    const retried =
      read.followUpTo === undefined && found.refused
        ? await outcome(turn, withTopic(turn.question, turn.earlier), true)
        : undefined;
    shipped.push(retried && !retried.refused && retried.ownWords ? { ...retried, warned: true } : found);
  }
  const count = (results: readonly Outcome[], picked: readonly number[], test: (o: Outcome) => boolean) =>
    picked.filter((i) => test(results[i]!)).length;
  const groups = [
    { kind: "follow-up", label: "leans on the earlier one" },
    { kind: "new topic", label: "changes the subject" },
    { kind: "not answered", label: "leans on the earlier one, not answered by the article" },
  ].map((g) => ({ ...g, picked: turns.flatMap((t, i) => (t.kind === g.kind ? [i] : [])) }));
  const rankingRows = groups
    .filter((g) => g.kind !== "not answered")
    .map(
      (g) =>
        `| ${g.label} | ${g.picked.length} | ${[alone, always, shipped].map((r) => `${count(r, g.picked, (o) => o.right)} / ${count(r, g.picked, (o) => o.refused)}`).join(" | ")} |`,
    );
  const outcomes = groups.map((g) => {
    const plain = (o: Outcome) => !o.refused && !o.warned;
    const rightAmong = (test: (o: Outcome) => boolean) =>
      g.kind === "not answered" ? "" : ` (${count(shipped, g.picked, (o) => test(o) && o.right)} right)`;
    return `| ${g.label} | ${g.picked.length} | ${count(shipped, g.picked, (o) => o.refused)} | ${count(shipped, g.picked, (o) => o.warned)}${rightAmong((o) => o.warned)} | ${count(shipped, g.picked, plain)}${rightAmong(plain)} |`;
  });
  return [
    'Top sentence answers the second question / refused as "not found":',
    "",
    "| Second question | Pairs | Read alone | Always with the earlier question | Shipped rule (follow-ups read with the topic; a question refused alone retried with it) |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rankingRows,
    "",
    "What the shipped rule answers (when the top sentence, found with the topic, lacks the question's own words: a follow-up gets the weak-match warning, a retried question stays refused; a retried question answered always gets the warning):",
    "",
    "| Second question | Pairs | Refused | Weak-match warning | Answered |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...outcomes,
  ].join("\n");
}

/**
 * Two questions in a row answered by the real service over the trade article, the second with the
 * conversation state the first left (as the bot and the terminal chat keep it): what the quoted
 * sentences change ("And the US side?" after "Who leads the Chinese delegation?") shows only here.
 */
export async function serviceConversationReport(
  sets: ReadonlyArray<{ readonly file: string; readonly turns: readonly ConversationTurn[] }>,
  embeddings: CachingEmbeddings,
  config: EngineConfig,
): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "citebot-eval-conversations-"));
  try {
    const corpusDir = path.join(root, "corpus");
    await mkdir(corpusDir);
    await copyFile(OFF_TOPIC_CORPUS, path.join(corpusDir, path.basename(OFF_TOPIC_CORPUS)));
    const service = await createAnswerService({
      config: { ...config, corpusDir, indexDir: path.join(root, "index") },
      logger: new SilentLogger(),
      embeddings,
    });
    const rows: string[] = [];
    for (const { file, turns } of sets) {
      const outcomes = [];
      for (const turn of turns) {
        const earlier = await service.answer(turn.earlier);
        const answer = await service.answer(turn.question, nextConversation(undefined, turn.earlier, earlier));
        const top = answer.answered ? answer.citations.find((c) => !c.context) : undefined;
        const right = top !== undefined && turn.lines.some((line) => line >= top.lineStart && line <= top.lineEnd);
        outcomes.push({
          kind: turn.kind,
          right,
          refused: !answer.answered,
          warned: isWeakMatch(answer),
        });
      }
      for (const answerable of [true, false]) {
        const group = outcomes.filter((o) => (o.kind !== "not answered") === answerable);
        if (group.length === 0) continue;
        const count = (test: (o: (typeof group)[number]) => boolean) => group.filter(test).length;
        const plain = (o: (typeof group)[number]) => !o.refused && !o.warned;
        const right = (n: number) => (answerable ? ` (${n} right)` : "");
        rows.push(
          `| ${file} | ${answerable ? "answered by the article" : "not answered by the article"} | ${group.length} | ${answerable ? count((o) => o.right) : "-"} | ${count((o) => o.refused)} | ${count((o) => o.warned)}${right(count((o) => o.warned && o.right))} | ${count(plain)}${right(count((o) => plain(o) && o.right))} |`,
        );
      }
    }
    return [
      "| Set | Second question | Pairs | Top sentence answers | Refused | Weak-match warning | Answered |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
    ].join("\n");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Summaries have no reference summaries to compare with. As a stand-in for how informative a
 * summary is: the share of an article's questions whose answer sentence the summary quotes, for
 * the shipped picker, the article's first sentences, and any sentences at random (expected value).
 */
export async function summaryCoverage(articles: readonly EvalArticle[], embeddings: CachingEmbeddings) {
  const shares = { shipped: [0, 0], lead: [0, 0], random: [0, 0], questions: [0, 0] };
  for (const [i, article] of articles.entries()) {
    const half = i % 2;
    const vectors = await embeddings.embedDocuments(article.sentences.map((s) => s.text));
    const faqAnswers = article.sentences.map((sentence, at) =>
      answersQuestionBefore(sentence, article.sentences[at - 1]),
    );
    const picked = new Set(summarySentences(vectors, SUMMARY_SENTENCES, [], faqAnswers));
    const count = Math.min(SUMMARY_SENTENCES, article.sentences.length);
    for (const q of article.questions) {
      shares.questions[half]! += 1;
      if (picked.has(q.gold)) shares.shipped[half]! += 1;
      if (q.gold < count) shares.lead[half]! += 1;
      shares.random[half]! += count / article.sentences.length;
    }
  }
  const share = (counts: number[], half?: number) =>
    half === undefined
      ? (counts[0]! + counts[1]!) / (shares.questions[0]! + shares.questions[1]!)
      : counts[half]! / shares.questions[half]!;
  return [
    `| Shipped (the opening sentence, then central and not repeating) | ${fmt(share(shares.shipped))} | ${fmt(share(shares.shipped, 0))} | ${fmt(share(shares.shipped, 1))} |`,
    `| The first ${SUMMARY_SENTENCES} sentences | ${fmt(share(shares.lead))} | ${fmt(share(shares.lead, 0))} | ${fmt(share(shares.lead, 1))} |`,
    `| ${SUMMARY_SENTENCES} sentences at random (expected) | ${fmt(share(shares.random))} | ${fmt(share(shares.random, 0))} | ${fmt(share(shares.random, 1))} |`,
  ].join("\n");
}
