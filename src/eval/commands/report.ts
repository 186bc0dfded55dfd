/**
 * `npm run eval`: the report, bench/eval-report.md. Every ranker on XQuAD-R, what the answers cite,
 * abstention, conversations, structured documents, summaries, typos and the sentence splitter.
 */
import type { AbstentionRule } from "../../answer/compose.js";
import type { ModelFit } from "../../answer/model-fit.js";
import { readsAsFollowUp } from "../../answer/follow-up.js";
import { smallTalk } from "../../answer/small-talk.js";
import { SUMMARY_SENTENCES, summaryRequest } from "../../answer/summary.js";
import { publishReport } from "../../cli/run.js";
import { DEFAULT_EMBEDDING_MODEL } from "../../config.js";
import type { FusionParams } from "../../retrieval/fusion.js";
import { questionHits, withoutAnswer } from "../answerability-data.js";
import {
  DOCS_CORPUS,
  DOCS_NEAR_MISS,
  DOCS_NEAR_MISS_2,
  DOCS_QUESTIONS,
  DOCS_QUESTIONS_2,
  DOCS_QUESTIONS_3,
  OFF_TOPIC_CALIBRATION,
  OFF_TOPIC_HELDOUT,
  OFF_TOPIC_NEAR_MISS,
  TRADE_CONTRASTS,
  TRADE_CONTRASTS_3,
  TRADE_CONTRASTS_HELDOUT,
  TRADE_CONVERSATIONS,
  TRADE_CONVERSATIONS_BLIND,
  TRADE_SHORT_QUESTIONS,
  TRADE_SHORT_QUESTIONS_2,
} from "../data-files.js";
import { answerCitations, boundaryAgreement, rankArticles, type QuestionOutcome, type Ranking } from "../evaluate.js";
import { rate, summarizeRanks } from "../metrics.js";
import {
  conversationReport,
  documentsReport,
  fmt,
  halves,
  misspeltQuestions,
  naiveBaseline,
  offTopicVerdicts,
  ownSplitterRanks,
  pct,
  reportFileOf,
  serviceConversationReport,
  shortQuestionOutcomes,
  summarize,
  summaryCoverage,
  verdictOf,
  type Row,
  type Verdict,
} from "../sections.js";
import type { EvalSetup } from "../setup.js";
import { loadDocumentQuestions, loadQuestionList } from "../xquad.js";

/** Each ranker's figures, and the shipped hybrid's outcome for every question (per article). */
export interface Rankings {
  readonly rows: readonly Row[];
  readonly shipped: QuestionOutcome[][];
}

/** Ranks the benchmark with every configuration the report compares, the shipped hybrid among them. */
export async function rankConfigurations(
  { articles, embeddings, model }: EvalSetup,
  ranking: Ranking,
  fit: ModelFit | undefined,
): Promise<Rankings> {
  const fitted = fit !== undefined && fit.source !== "built in";
  const configurations: Array<{ name: string; note: string; fusion: FusionParams; shipped?: true }> = [
    {
      name: "BM25 alone",
      note: "inverted index, stop words, Snowball (Porter2) stems (k1 1.2, b 0.4)",
      fusion: { method: "weighted", denseWeight: 0 },
    },
    {
      name: `Dense alone (${model})`,
      note:
        model === DEFAULT_EMBEDDING_MODEL
          ? "Universal Sentence Encoder lite, learned question-side weights, HNSW exact at this size"
          : `${ranking.queryWeights ? "learned question-side weights (the model's fit)" : "plain cosine"}, HNSW exact at this size`,
      fusion: { method: "weighted", denseWeight: 1 },
    },
    { name: "Reciprocal rank fusion", note: "BM25 + dense, k = 60", fusion: { method: "rrf", k: 60 } },
    {
      name: "Weighted fusion",
      note: "0.5 dense + 0.5 BM25, each normalised",
      fusion: { method: "weighted", denseWeight: 0.5 },
    },
    {
      name: "**Shipped hybrid**",
      note: `learned linear fusion of dense, BM25, coverage, neighbours, answer type, phrases, word pieces${model === DEFAULT_EMBEDDING_MODEL ? "" : fitted ? `; weights fitted for ${model} (${fit!.source})` : `; ${DEFAULT_EMBEDDING_MODEL}'s weights (no fit for ${model})`}`,
      fusion: ranking.fusion,
      shipped: true,
    },
  ];
  const rows: Row[] = [];
  let shipped: QuestionOutcome[][] = [];
  for (const c of configurations) {
    process.stderr.write(`Ranking: ${c.name.replace(/\*/g, "")}\n`);
    const outcomes = await rankArticles(articles, embeddings, { ...ranking, fusion: c.fusion });
    if (c.shipped) shipped = outcomes;
    rows.push({ name: c.name, note: c.note, ...summarize(outcomes) });
  }
  process.stderr.write("Ranking: LangChain naive baseline\n");
  const naive = await naiveBaseline(articles, embeddings);
  const naiveHalves = halves(naive);
  rows.push({
    name: "LangChain naive baseline",
    note: `RecursiveCharacterTextSplitter 500-char chunks, MemoryVectorStore, ${model}; a hit is a chunk holding the answer (lenient)`,
    all: summarizeRanks(naive.flat()),
    heldOut: summarizeRanks(naiveHalves.heldOut.flat()),
  });

  return { rows, shipped };
}

/** Writes the report from the rankings, with the abstention rule `rule`. */
export async function writeReport(
  setup: EvalSetup,
  { rows, shipped }: Rankings,
  ranking: Ranking,
  rule: AbstentionRule,
  fit: ModelFit | undefined,
): Promise<void> {
  const {
    config,
    articles,
    embeddings,
    model,
    cacheFile,
    offCalibration,
    offHeldOut,
    offNearMiss,
    tradeShort,
    tradeShort2,
    conversations,
    blindConversations,
    contrasts,
    contrastsHeldOut,
    contrasts3,
  } = setup;
  const fitted = fit !== undefined && fit.source !== "built in";
  // Abstention: what the service does (refuse, warn, answer) with each question.
  const xquadHits = questionHits(articles, shipped);
  const byArticle = <T>(flat: readonly T[]) => {
    let k = 0;
    return articles.map((a) => a.questions.map(() => flat[k++]!));
  };
  const answerableVerdicts = byArticle(xquadHits.map((q) => verdictOf(q.question, q.hits, rule)));
  const removedVerdicts = byArticle(xquadHits.map((q) => verdictOf(q.question, withoutAnswer(q), rule)));
  const offCal = await offTopicVerdicts(offCalibration, embeddings, ranking, rule);
  const offHeld = await offTopicVerdicts(offHeldOut, embeddings, ranking, rule);
  const offNear = await offTopicVerdicts(offNearMiss, embeddings, ranking, rule);
  const short = await shortQuestionOutcomes(tradeShort, embeddings, ranking, rule);
  const short2 = await shortQuestionOutcomes(tradeShort2, embeddings, ranking, rule);
  // Is the warning on the right answers? Top-sentence accuracy among the short questions answered plainly vs with the warning.
  const rightWhere = (outcomes: typeof short, verdict: Verdict) => {
    const picked = outcomes.right.filter((_, i) => outcomes.verdicts[i] === verdict);
    return `${picked.filter((right) => right).length} of ${picked.length}`;
  };
  const shortSummary = (name: string, outcomes: typeof short) =>
    `On the ${name} the top sentence is one of the lines that answer the question for ${pct(rate(outcomes.right, (right) => right))} of them: ${rightWhere(outcomes, "answered")} answered without a warning, ${rightWhere(outcomes, "warned")} answered with the weak-match warning, ${rightWhere(outcomes, "refused")} refused.`;
  const abstentionRow = (name: string, verdicts: readonly Verdict[]) =>
    `| ${name} | ${verdicts.length} | ${pct(rate(verdicts, (v) => v === "refused"))} | ${pct(rate(verdicts, (v) => v === "warned"))} | ${pct(rate(verdicts, (v) => v === "answered"))} |`;
  // Of the answerable questions the service answers, how often the warning sits on a right top sentence and on a wrong one.
  const warningRow = (name: string, outcomes: readonly QuestionOutcome[], verdicts: readonly Verdict[]) => {
    const answered = outcomes.filter((_, i) => verdicts[i] !== "refused");
    const on = (verdict: Verdict, right: boolean) =>
      outcomes.filter((o, i) => verdicts[i] === verdict && (o.rank === 1) === right).length;
    return `| ${name} | ${answered.length} | ${on("warned", true)} | ${on("warned", false)} | ${on("answered", false)} |`;
  };

  const conversationRows = await conversationReport(conversations, embeddings, ranking, rule);
  const blindConversationRows = await conversationReport(blindConversations, embeddings, ranking, rule);
  const contrastRows = await serviceConversationReport(
    [
      { file: TRADE_CONTRASTS, turns: contrasts },
      { file: TRADE_CONTRASTS_HELDOUT, turns: contrastsHeldOut },
      { file: TRADE_CONTRASTS_3, turns: contrasts3 },
    ],
    embeddings,
    config,
  );
  const documents = await loadDocumentQuestions(DOCS_QUESTIONS);
  const documents2 = await loadDocumentQuestions(DOCS_QUESTIONS_2);
  const documents3 = await loadDocumentQuestions(DOCS_QUESTIONS_3);
  const docsNearMiss = await loadQuestionList(DOCS_NEAR_MISS);
  const docsNearMiss2 = await loadQuestionList(DOCS_NEAR_MISS_2);
  const documentsRows = await documentsReport(
    [
      { file: DOCS_QUESTIONS, questions: documents },
      { file: DOCS_QUESTIONS_2, questions: documents2 },
      { file: DOCS_QUESTIONS_3, questions: documents3 },
    ],
    [
      { file: DOCS_NEAR_MISS, questions: docsNearMiss },
      { file: DOCS_NEAR_MISS_2, questions: docsNearMiss2 },
    ],
    embeddings,
    config,
  );
  const xquadQuestions = articles.flatMap((a) => a.questions.map((q) => q.question));
  const readAsFollowUps = xquadQuestions.filter(readsAsFollowUp).length;
  const ordinaryQuestions = [
    ...xquadQuestions,
    ...offCalibration,
    ...offHeldOut,
    ...offNearMiss,
    ...[...documents, ...documents2, ...documents3].map((q) => q.question),
    ...docsNearMiss,
    ...docsNearMiss2,
    ...[...tradeShort, ...tradeShort2].map((q) => q.question),
    ...[...conversations, ...blindConversations, ...contrasts, ...contrastsHeldOut, ...contrasts3].flatMap((t) => [
      t.earlier,
      t.question,
    ]),
  ];
  const readAsSummaryRequests = ordinaryQuestions.filter((q) => summaryRequest(q) !== undefined).length;
  const readAsSmallTalk = ordinaryQuestions.filter((q) => smallTalk(q) !== undefined).length;
  const summaryRows = await summaryCoverage(articles, embeddings);

  const answers = answerCitations(articles, shipped, rule, config.maxAnswerSentences);
  const answerRow = (
    name: string,
    r1: number,
    list: ReadonlyArray<{ answered: boolean; citations: number; citesGold: boolean }>,
  ) => {
    const answered = list.filter((x) => x.answered);
    const perAnswer = answered.reduce((n, x) => n + x.citations, 0) / (answered.length || 1);
    return `| ${name} | ${list.length} | ${fmt(r1)} | ${fmt(rate(list, (x) => x.citesGold))} | ${perAnswer.toFixed(2)} |`;
  };
  const shippedRow = rows.find((r) => r.name.includes("Shipped"))!;
  const answerRows = [
    answerRow("All", shippedRow.all.recallAt1, answers.flat()),
    answerRow("Held-out half", shippedRow.heldOut.recallAt1, halves(answers).heldOut.flat()),
  ].join("\n");

  const typos = await misspeltQuestions(articles, embeddings, ranking, rule);
  await embeddings.writeTo(cacheFile);
  const boundaries = boundaryAgreement(articles);
  const ownRanks = await ownSplitterRanks(articles, embeddings, ranking);
  const own = summarizeRanks(ownRanks);

  const table = [
    "| Ranker | R@1 | R@3 | MRR | R@1 held-out | R@3 held-out | MRR held-out | Notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.all.recallAt1)} | ${fmt(r.all.recallAt3)} | ${fmt(r.all.mrr)} | ${fmt(r.heldOut.recallAt1)} | ${fmt(r.heldOut.recallAt3)} | ${fmt(r.heldOut.mrr)} | ${r.note} |`,
    ),
  ].join("\n");
  const questions = rows[0]!.all.questions;
  const report = `# Retrieval evaluation

Generated by \`npm run eval\`. Benchmark: XQuAD-R English (${articles.length} articles, ${articles.reduce((n, a) => n + a.sentences.length, 0)} sentences, ${questions} questions; CC BY-SA 4.0, see eval-data/xquad-r/README.md).
Per article: a question's candidates are all sentences of its article; a hit is the sentence holding the answer.
"Held-out" is the odd-numbered half of the articles (${rows[0]!.heldOut.questions} questions); the question-side weights, the fusion weights and the abstention threshold were learned on the even-numbered half only.

${table}

## What the answers cite (shipped hybrid, answers composed as the service does, up to ${config.maxAnswerSentences} sentences)

| XQuAD-R questions | Questions | Top sentence is the gold one (R@1) | The answer cites the gold sentence | Sentences cited per answer |
| --- | ---: | ---: | ---: | ---: |
${answerRows}

A refused question cites nothing, so it counts as a miss.

## Abstention (${model}, relevance = (${rule.denseWeight} x cosine + key-term coverage) / ${1 + rule.denseWeight}, threshold ${rule.threshold}, weak match below ${rule.lowConfidenceBelow}${rule.answerability ? ` or answerability below ${rule.answerability.warnBelow.toFixed(3)}` : ""}${config.abstention ? ", from the environment" : fitted ? ", from the model's fit" : ", the shipped default"})

| Question set | Questions | Refused ("not found") | Answered with the weak-match warning | Answered |
| --- | ---: | ---: | ---: | ---: |
${[
  abstentionRow(`Off-topic, calibration set (${OFF_TOPIC_CALIBRATION}) vs the trade article`, offCal),
  abstentionRow(`Off-topic, held-out set (${OFF_TOPIC_HELDOUT}) vs the trade article`, offHeld),
  abstentionRow("XQuAD-R answerable questions, all (refusals are false abstentions)", answerableVerdicts.flat()),
  abstentionRow("XQuAD-R answerable questions, held-out half", halves(answerableVerdicts).heldOut.flat()),
  abstentionRow("XQuAD-R questions with their answer sentence taken out of the article, all", removedVerdicts.flat()),
  abstentionRow(
    "XQuAD-R questions with their answer sentence taken out of the article, held-out half",
    halves(removedVerdicts).heldOut.flat(),
  ),
  abstentionRow(`Off-topic questions sharing the article's words (${OFF_TOPIC_NEAR_MISS}), held out`, offNear),
  abstentionRow(
    `Short answerable questions about the trade article (${TRADE_SHORT_QUESTIONS}), held out`,
    short.verdicts,
  ),
  abstentionRow(
    `A second set of short answerable questions (${TRADE_SHORT_QUESTIONS_2}; see the file)`,
    short2.verdicts,
  ),
].join("\n")}

With the answer sentence taken out, the article still covers the question's topic but no longer answers it, as for a question a team's documents do not answer; a sentence beside the removed one can still hold part of the answer, so a few of these are not wrong answers.

Where the weak-match warning falls among the XQuAD-R questions the service answers (a top sentence is right when it is the gold one):

| XQuAD-R answerable questions | Answered | Warned, top sentence right | Warned, top sentence wrong | Plain, top sentence wrong |
| --- | ---: | ---: | ---: | ---: |
${warningRow("Development half", halves(shipped).dev.flat(), halves(answerableVerdicts).dev.flat())}
${warningRow("Held-out half", halves(shipped).heldOut.flat(), halves(answerableVerdicts).heldOut.flat())}

${shortSummary("short answerable questions", short)}
${shortSummary("second set", short2)}

## Follow-up questions in a conversation (${TRADE_CONVERSATIONS}; not blind, see the file)

Retrieval only, as the service reads follow-ups; the rules for contrasting follow-ups, which need the sentences a conversation has quoted, are measured through the real service further below.

${conversationRows}

### A second set, written before it was measured (${TRADE_CONVERSATIONS_BLIND}; see the file)

Its follow-ups have no telltale word, so the follow-up rule reads them alone.

${blindConversationRows}

### Contrasting follow-ups ("And the US side?", "What about China?"), answered by the real service

The second question is asked with the conversation state the first answer left, as in a Slack thread. A sentence quoted for the first question that lacks any of the new subject's words is left out of the second answer, and a new subject that names something is read with the first question's names left out (src/answer/handlers/contrast.ts, follow-up.ts). The first set was used to design both; the second was held out for the first rule, the third for the second (see the files).

${contrastRows}

Of the ${xquadQuestions.length} XQuAD-R questions, each asked on its own (though some refer to their passage: "When was this edict declared?"), the rule would read ${readAsFollowUps} (${pct(readAsFollowUps / xquadQuestions.length)}) as follow-ups if they came second in a conversation.

## Questions over structured documents (${DOCS_CORPUS}/)

Questions about ${DOCS_CORPUS}/ (Markdown with headings, lists, code, a table and FAQs, and a plain-text policy with numbered sections), answered by the real service as \`ask\` answers them; a line answers when the file's labels name it. The first claim is the first cited sentence that is neither context (cited before the best one) nor a heading, question or lead-in. The first set is not blind; the second was written before it was run, to paraphrase headings, FAQ questions and lead-ins; the third was written before it was run together with the file it asks about (it-help.md), about half of it paraphrasing that file's FAQ entries and half asking, in the same forms, what its prose says (see the files).

${documentsRows}

## Summary requests ("Summarize the article", "tl;dr")

Of the ${ordinaryQuestions.length} ordinary questions in all the sets above, ${readAsSummaryRequests} read as a request for a summary, and ${readAsSmallTalk} as small talk ("help", "hi", "thanks", which the chat surfaces answer in kind).

No reference summaries exist for these texts. As a stand-in for how informative a ${SUMMARY_SENTENCES}-sentence summary is: the share of an XQuAD-R article's questions whose answer sentence it quotes (articles average ${(articles.reduce((n, a) => n + a.sentences.length, 0) / articles.length).toFixed(1)} sentences). The picker's balance between central and new was chosen on the development half.

| Summary | Questions covered | Development half | Held-out half |
| --- | ---: | ---: | ---: |
${summaryRows}

## Misspelt questions

Each of the ${xquadQuestions.length} XQuAD-R questions with one typo in its longest word (a middle letter dropped, doubled or swapped; ${typos.changed} questions changed), shipped hybrid:

| Misspelt words | R@1 | Refused ("not found") |
| --- | ---: | ---: |
${typos.runs.map((r) => `| ${r.correctTypos ? "**read as the corpus word one edit away (shipped)**" : "left as typed"} | ${fmt(r.hits / r.questions)} | ${pct(r.refused / r.questions)} |`).join("\n")}

## Our sentence splitter on the benchmark

- Gold sentences reproduced exactly (same start and end): ${boundaries.matched} / ${boundaries.gold} (${pct(boundaries.matched / boundaries.gold)}); our splitter produced ${boundaries.produced} sentences.
- Shipped hybrid over our own split instead of the gold one: R@1 ${fmt(own.recallAt1)}, R@3 ${fmt(own.recallAt3)}, MRR ${fmt(own.mrr)}.
`;
  await publishReport(reportFileOf(embeddings), report);
}
