/**
 * What every `npm run eval` command starts from: the benchmark and question sets (eval-data/), the
 * model behind a vector cache, and the development half the weights are learned on.
 */
import path from "node:path";
import type { EngineConfig } from "../config.js";
import type { CachingEmbeddings } from "../embeddings/cache.js";
import { cacheStemOf } from "../embeddings/cache.js";
import { halves } from "./sections.js";
import {
  loadConversationTurns,
  loadLabelledQuestions,
  loadQuestionList,
  loadXquadR,
  type EvalArticle,
  type ConversationTurn,
  type LabelledQuestion,
} from "./xquad.js";
import {
  DATASET,
  OFF_TOPIC_CALIBRATION,
  OFF_TOPIC_HELDOUT,
  OFF_TOPIC_NEAR_MISS,
  TRADE_SHORT_QUESTIONS,
  TRADE_SHORT_QUESTIONS_2,
  TRADE_CONVERSATIONS,
  TRADE_CONVERSATIONS_BLIND,
  TRADE_CONTRASTS,
  TRADE_CONTRASTS_HELDOUT,
  TRADE_CONTRASTS_3,
} from "./data-files.js";

export interface EvalSetup {
  readonly config: EngineConfig;
  readonly embeddings: CachingEmbeddings;
  readonly model: string;
  /** Where the benchmark's vectors are cached between runs. */
  readonly cacheFile: string;
  readonly articles: readonly EvalArticle[];
  /** The even-numbered articles: every weight and threshold is learned on these only. */
  readonly dev: readonly EvalArticle[];
  readonly offCalibration: readonly string[];
  readonly offHeldOut: readonly string[];
  readonly offNearMiss: readonly string[];
  readonly tradeShort: readonly LabelledQuestion[];
  readonly tradeShort2: readonly LabelledQuestion[];
  readonly conversations: readonly ConversationTurn[];
  readonly blindConversations: readonly ConversationTurn[];
  readonly contrasts: readonly ConversationTurn[];
  readonly contrastsHeldOut: readonly ConversationTurn[];
  readonly contrasts3: readonly ConversationTurn[];
}

/** Cache file path for a model's benchmark vectors. */
export function evalCacheFile(config: EngineConfig, embeddings: CachingEmbeddings): string {
  return path.join(config.indexRoot, "cache", `eval-${cacheStemOf(embeddings)}.bin`);
}

/** Loads the data and embeds what the commands rank, from the cache where it can. */
export async function loadEvalSetup(config: EngineConfig, embeddings: CachingEmbeddings): Promise<EvalSetup> {
  const articles = await loadXquadR(DATASET);
  const cacheFile = evalCacheFile(config, embeddings);
  await embeddings.readFrom(cacheFile);
  const offCalibration = await loadQuestionList(OFF_TOPIC_CALIBRATION);
  const offHeldOut = await loadQuestionList(OFF_TOPIC_HELDOUT);
  const offNearMiss = await loadQuestionList(OFF_TOPIC_NEAR_MISS);
  const tradeShort = await loadLabelledQuestions(TRADE_SHORT_QUESTIONS);
  const tradeShort2 = await loadLabelledQuestions(TRADE_SHORT_QUESTIONS_2);
  const conversations = await loadConversationTurns(TRADE_CONVERSATIONS);
  const blindConversations = await loadConversationTurns(TRADE_CONVERSATIONS_BLIND);
  const contrasts = await loadConversationTurns(TRADE_CONTRASTS);
  const contrastsHeldOut = await loadConversationTurns(TRADE_CONTRASTS_HELDOUT);
  const contrasts3 = await loadConversationTurns(TRADE_CONTRASTS_3);
  process.stderr.write("Embedding benchmark sentences and questions (cached after the first run)...\n");
  await embeddings.embedDocuments(articles.flatMap((a) => a.sentences.map((s) => s.text)));
  await embeddings.embedQueries([
    ...articles.flatMap((a) => a.questions.map((q) => q.question)),
    ...offCalibration,
    ...offHeldOut,
    ...offNearMiss,
    ...tradeShort.map((q) => q.question),
  ]);
  await embeddings.writeTo(cacheFile);
  return {
    config,
    embeddings,
    model: embeddings.modelId,
    cacheFile,
    articles,
    dev: halves(articles).dev,
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
  };
}
