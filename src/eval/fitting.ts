/** Fitting the abstention rule and another model (npm run eval -- --calibrate / --fit). */

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { relevance } from "../answer/compose.js";
import { parseModelFit, serializeModelFit, writeModelFit, type ModelFit } from "../answer/model-fit.js";
import type { CachingEmbeddings } from "../embeddings/cache.js";
import { adaptQuery } from "../retrieval/query-adapter.js";
import { rankArticles, trainingQuestions, type Ranking } from "./evaluate.js";
import { percentile, rate } from "./metrics.js";
import { fitAnswerability, questionHits } from "./answerability-data.js";
import { trainListwise, trainQueryWeights } from "./train.js";
import { type EvalArticle } from "./xquad.js";
import { articleTops } from "./sections.js";
/**
 * The abstention rule, re-derived. The operating point is 1% false abstention on the development
 * half (the target allows 3%; the margin is for unseen questions): the threshold is the 1st
 * percentile of answerable relevance. Among dense weights, those abstaining on the most calibration
 * off-topic questions compete on the gap to the highest off-topic score. Gaps within
 * GAP_TOLERANCE of the widest count as a tie, won by the lowest dense weight: the gap is flat over a
 * wide range of weights (0.146-0.147 from 1.5 to 2.75), so its exact maximum is noise on 32
 * questions, while a higher dense weight raises the threshold and refuses more follow-ups and
 * misspelt questions. Answers under the development half's 10th percentile get the weak-match warning.
 */
export const GAP_TOLERANCE = 0.005;

export function calibrate(
  answerable: ReadonlyArray<{ dense: number; keyTermCoverage: number }>,
  offTopic: ReadonlyArray<{ dense: number; keyTermCoverage: number }>,
) {
  const options = [];
  for (let w = 0; w <= 4.0001; w += 0.25) {
    const answerableScores = answerable.map((x) => relevance(x, w));
    const threshold = percentile(answerableScores, 1);
    const lowConfidenceBelow = percentile(answerableScores, 10);
    const offScores = offTopic.map((x) => relevance(x, w));
    const abstained = rate(offScores, (score) => score < threshold);
    options.push({ denseWeight: w, threshold, lowConfidenceBelow, abstained, gap: threshold - Math.max(...offScores) });
  }
  const mostAbstained = Math.max(...options.map((o) => o.abstained));
  const contenders = options.filter((o) => o.abstained === mostAbstained);
  const widestGap = Math.max(...contenders.map((o) => o.gap));
  return contenders.find((o) => o.gap >= widestGap - GAP_TOLERANCE)!;
}

/** Each development question with its article's sentence vectors, for the question-side weights. */
export async function queryWeightQuestions(articles: readonly EvalArticle[], embeddings: CachingEmbeddings) {
  const questions = [];
  for (const article of articles) {
    const candidates = await embeddings.embedDocuments(article.sentences.map((s) => s.text));
    for (const q of article.questions)
      questions.push({ question: await embeddings.embedQuery(q.question), candidates, gold: q.gold });
  }
  return questions;
}

/**
 * `--fit`: what ships for use-lite, learned for another model on the development half in the same
 * three steps (question-side weights, then fusion weights over them, then the "not found" rule
 * over both), and written beside the model for the bot and `ask` to read.
 */
export async function fitModel(
  dev: readonly EvalArticle[],
  embeddings: CachingEmbeddings,
  offCalibration: readonly string[],
  file: string,
): Promise<ModelFit> {
  process.stderr.write("Fitting: question-side weights\n");
  const questions = await queryWeightQuestions(dev, embeddings);
  const learned = trainQueryWeights(questions);
  // The training minimises a softmax loss, which need not raise R@1 for every model (it lowered it
  // for the 16-dimensional test model); plain cosine is kept unless the weights do better on the data they were learned on.
  const queryWeights = denseRecallAt1(questions, learned) > denseRecallAt1(questions, undefined) ? learned : undefined;
  process.stderr.write(
    `Fitting: fusion weights${queryWeights ? "" : " (the question-side weights did not help; plain cosine)"}\n`,
  );
  const fusionWeights = trainListwise(await trainingQuestions(dev, embeddings, queryWeights));
  process.stderr.write('Fitting: the "not found" rule\n');
  const ranking: Ranking = { fusion: { method: "linear", weights: fusionWeights }, queryWeights };
  const ranked = await rankArticles(dev, embeddings, ranking);
  const answerable = ranked.flat().flatMap((o) => (o.top ? [o.top] : []));
  const offTopic = (await articleTops(offCalibration, embeddings, ranking)).filter((top) => top !== undefined);
  const { denseWeight, threshold, lowConfidenceBelow } = calibrate(answerable, offTopic);
  process.stderr.write("Fitting: the answerability model behind the weak-match warning\n");
  const answerability = fitAnswerability(questionHits(dev, ranked), { denseWeight, threshold, lowConfidenceBelow });
  const fit = {
    modelId: embeddings.identity,
    dimensions: learned.length,
    queryWeights,
    fusionWeights,
    abstention: { denseWeight, threshold, lowConfidenceBelow, answerability },
  };
  const contents = serializeModelFit(
    fit,
    `npm run eval -- --fit: learned on the XQuAD-R development half (${dev.length} articles), ${new Date().toISOString()}`,
  );
  await mkdir(path.dirname(file), { recursive: true });
  await writeModelFit(file, contents);
  // Read back, so that the report measures the rounded values the bot will read.
  return parseModelFit(contents, { modelId: embeddings.modelId, identity: embeddings.identity, file });
}

/** Share of questions whose gold sentence has the highest cosine with the question vector (reweighted by `weights`). Pure. */
export function denseRecallAt1(
  questions: ReadonlyArray<{ question: number[]; candidates: readonly number[][]; gold: number }>,
  weights: readonly number[] | undefined,
): number {
  return rate(questions, (q) => {
    const vector = adaptQuery(weights, q.question);
    const scores = q.candidates.map((c) => c.reduce((sum, x, i) => sum + x * vector[i]!, 0));
    return scores.indexOf(Math.max(...scores)) === q.gold;
  });
}
