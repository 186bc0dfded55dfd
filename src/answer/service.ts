import type { EngineConfig } from "../config.js";
import { answersQuestionBefore, standsAlone, startsSection } from "../corpus/reference.js";
import type { Sentence } from "../corpus/split.js";
import { loadCorpus, type Corpus } from "../corpus/load.js";
import { createEmbeddings } from "../embeddings/factory.js";
import type { CiteBotEmbeddings, EmbedProgress } from "../embeddings/types.js";
import type { Logger } from "../logger.js";
import { openIndex, type LoadedIndex, type Manifest } from "../index/store.js";
import { buildHybridRetriever } from "../retrieval/build.js";
import type { Answer } from "./answer.js";
import { composeAnswer } from "./compose.js";
import { abstentionRuleOf, checkFitDimensions, readModelFit, type ModelFit } from "./model-fit.js";
import type { Conversation } from "./follow-up.js";
import { DocumentView } from "./document-view.js";
import { classify, type Intent } from "./intent.js";
import { normalizeQuestion } from "./question.js";
import { SerialQueue } from "./serial.js";
import { summarySentences, SUMMARY_SENTENCES } from "./summary.js";
import type { Asked, Engine } from "./handlers/engine.js";
import { answerContrast } from "./handlers/contrast.js";
import { answerDefinition } from "./handlers/definition.js";
import { answerFollowUp } from "./handlers/follow-up.js";
import { answerMore } from "./handlers/more.js";
import { answerNothingToSearch } from "./handlers/nothing-to-search.js";
import { answerOthers } from "./handlers/others.js";
import { answerQuestion } from "./handlers/question.js";
import { answerSmallTalk } from "./handlers/small-talk.js";
import { answerSummary } from "./handlers/summary.js";

export type { Answer, Conversation };

/** The one entry point the CLI, the terminal chat and the Slack bot use. */
export interface AnswerService {
  answer(question: string, conversation?: Conversation): Promise<Answer>;
  readonly manifest: Manifest;
}

export interface AnswerServiceOptions {
  readonly config: Pick<
    EngineConfig,
    "corpusDir" | "indexDir" | "embeddingModel" | "modelsDir" | "allowModelDownload" | "maxAnswerSentences"
  > &
    Partial<Pick<EngineConfig, "abstention" | "modelSettings" | "answerabilityWarnBelow">>;
  readonly logger: Logger;
  /** Defaults to the model EMBEDDING_MODEL names; tests pass a deterministic one. */
  readonly embeddings?: CiteBotEmbeddings;
  readonly onProgress?: EmbedProgress;
  readonly rebuild?: boolean;
  /** The model's fit, when the caller has read it already (to log it once); read from beside the model otherwise. */
  readonly fit?: ModelFit;
}

/**
 * Loads the corpus and opens the index, building or updating it when it no longer matches.
 * `npm run index` stops here: it needs no lexical index and no answers.
 */
export async function prepareIndex(
  options: AnswerServiceOptions,
): Promise<LoadedIndex & { readonly skipped: Corpus["skipped"] }> {
  const { config, logger } = options;
  const embeddings = options.embeddings ?? createEmbeddings(config);
  // The model loads (in a worker, for the bot and `npm run index`) while the corpus is read and split.
  const [corpus] = await Promise.all([loadCorpus(config.corpusDir, logger), embeddings.load()]);
  const index = await openIndex({
    indexDir: config.indexDir,
    corpus,
    embeddings,
    logger,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.rebuild ? { rebuild: true } : {}),
  });
  return { ...index, skipped: corpus.skipped };
}

/** Loads the corpus, opens (or builds) the index and returns a ready service. */
export async function createAnswerService(options: AnswerServiceOptions): Promise<AnswerService> {
  const { config } = options;
  const embeddings = options.embeddings ?? createEmbeddings(config);
  // Read first: a broken fit file stops start-up before any index is built for it.
  const fit =
    options.fit ??
    (await readModelFit({
      embeddingModel: embeddings.modelId,
      identity: embeddings.identity,
      modelsDir: config.modelsDir,
    }));
  const index = await prepareIndex({ ...options, embeddings });
  if (fit) checkFitDimensions(fit, embeddings.dimensions);
  const abstention = abstentionRuleOf(config.abstention, fit, config.answerabilityWarnBelow);
  const retriever = await buildHybridRetriever(
    index.sentences,
    index.dense,
    embeddings,
    fit ? { fusion: { method: "linear", weights: fit.fusionWeights }, queryWeights: fit.queryWeights } : {},
  );
  const queue = new SerialQueue();
  const view = new DocumentView(index.sentences, config.maxAnswerSentences);
  const composeOptions = {
    maxSentences: config.maxAnswerSentences,
    previousOf: view.previousOf,
    nextOf: view.nextOf,
    headerRowOf: view.headerRowOf,
    sectionAfter: view.sectionAfter,
    abstention,
  };
  // Each file's summary, worked out on first request; a service serves one build of the index, so none goes stale.
  const summaries = new Map<string, readonly Sentence[]>();
  const retrieve = (text: string, candidates: number) => queue.run(() => retriever.retrieve(text, candidates));
  const engine: Engine = {
    retriever,
    view,
    abstention,
    maxSentences: config.maxAnswerSentences,
    composeOptions,
    retrieve,
    async answerTo(question, text, candidates = Math.max(5, config.maxAnswerSentences)) {
      const hits = await retrieve(text, candidates);
      return { hits, answer: composeAnswer(question, hits, composeOptions) };
    },
    summaryOf(file) {
      let picked = summaries.get(file.source);
      if (!picked) {
        const positions = summarySentences(
          file.ids.map((id) => index.dense.vectorOf(id)),
          SUMMARY_SENTENCES,
          // A question in the text (an FAQ's) asks rather than tells: it comes in only with its answer.
          file.sentences.map((sentence) => !standsAlone(sentence) || startsSection(sentence)),
          file.sentences.map((sentence, i) => answersQuestionBefore(sentence, file.sentences[i - 1])),
        );
        picked = positions.map((i) => file.sentences[i]!);
        summaries.set(file.source, picked);
      }
      return picked;
    },
  };
  return {
    manifest: index.manifest,
    async answer(raw: string, conversation?: Conversation): Promise<Answer> {
      const asked: Asked = { question: normalizeQuestion(raw), quoted: new Set(conversation?.quoted ?? []) };
      return handle(classify(asked.question, topicOf(conversation)), asked, engine);
    },
  };
}

/**
 * classify -> handle: each kind of intent to its handler (src/answer/handlers/, one module each).
 * A kind without a case fails to compile (see `unhandled`).
 */
async function handle(intent: Intent, asked: Asked, engine: Engine): Promise<Answer> {
  switch (intent.kind) {
    case "small-talk":
      return answerSmallTalk(intent, asked);
    case "summary":
      return (await answerSummary(intent, asked, engine)) ?? handle(intent.otherwise, asked, engine);
    case "definition":
      return answerDefinition(intent, asked, engine) ?? handle(intent.otherwise, asked, engine);
    case "more":
      return answerMore(intent, asked, engine);
    case "others":
      return answerOthers(intent, asked, engine);
    case "no-search-terms":
    case "no-earlier-question":
      return answerNothingToSearch(intent, asked);
    case "follow-up":
      return answerFollowUp(intent, asked, engine);
    case "contrast":
      return answerContrast(intent, asked, engine);
    case "question":
      return answerQuestion(intent, asked, engine);
    default:
      return unhandled(intent);
  }
}

/** The topic as a question of its own; an earlier question that was refused as empty or too long is no topic. */
function topicOf(conversation: Conversation | undefined): string | undefined {
  if (conversation?.topic === undefined) return undefined;
  try {
    return normalizeQuestion(conversation.topic);
  } catch {
    return undefined;
  }
}

/** A kind of intent without a case in the switch fails to compile here. */
function unhandled(intent: never): never {
  throw new Error(`no handler for intent ${JSON.stringify(intent)}`);
}
