import type { EngineConfig } from "../config.js";
import { answersQuestionBefore, standsAlone, startsSection } from "../corpus/reference.js";
import type { Sentence } from "../corpus/split.js";
import { loadCorpus, type Corpus } from "../corpus/load.js";
import { createEmbeddings } from "../embeddings/factory.js";
import type { CiteBotEmbeddings, EmbedProgress } from "../embeddings/types.js";
import type { Logger } from "../logger.js";
import { openIndex, type LoadedIndex, type Manifest } from "../index/store.js";
import { buildHybridRetriever } from "../retrieval/build.js";
import {
  composeAnswer,
  explainedNonAnswer,
  NO_EARLIER_QUESTION_TEXT,
  NO_SEARCH_TERMS_TEXT,
  NO_WORDS_TEXT,
  NOTHING_ELSE_TEXT,
  NOTHING_MORE_TEXT,
  quoteSentences,
  relevance,
  type Answer,
} from "./compose.js";
import { abstentionRuleOf, checkFitDimensions, readModelFit, type ModelFit } from "./model-fit.js";
import { contrastRetrievalText, quotedKey, withTopic } from "./follow-up.js";
import { DocumentView } from "./document-view.js";
import { classify, type Intent } from "./intent.js";
import { normalizeQuestion } from "./question.js";
import { SerialQueue } from "./serial.js";
import {
  composeSummary,
  filesToSummarize,
  openingSentence,
  OVERVIEW_MAX_FILES,
  summarySentences,
  type CorpusFileSummary,
  type SummaryRequest,
} from "./summary.js";

export type { Answer };

/** "What else?" looks this many candidates past the earlier answer's sentences. */
const OTHERS_CANDIDATES = 5;

/** A summary quotes up to this many sentences of a file: more than an answer, still a quick read. */
export const SUMMARY_SENTENCES = 5;

/**
 * Where a question was asked: in a conversation, the topic its follow-ups are read with, and the
 * sentences already quoted about it (see follow-up.ts, nextConversation).
 */
export interface Conversation {
  readonly topic?: string | undefined;
  /** `quotedKey`s of the sentences quoted about the topic so far. */
  readonly quoted?: readonly string[] | undefined;
}

/** The one entry point the CLI and the Slack bot use. */
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
  // Each file's sentences (in document order, view.files()) and summary, worked out on first request;
  // a service serves one build of the index, so neither goes stale.
  const corpusFiles = () => view.files();
  const summaries = new Map<string, readonly Sentence[]>();
  const summaryOf = (file: CorpusFileSummary & { readonly ids: readonly number[] }) => {
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
  };
  const composeOptions = {
    maxSentences: config.maxAnswerSentences,
    previousOf: view.previousOf,
    nextOf: view.nextOf,
    headerRowOf: view.headerRowOf,
    sectionAfter: view.sectionAfter,
    abstention,
  };
  const answerTo = async (question: string, text: string, candidates = Math.max(5, config.maxAnswerSentences)) => {
    const hits = await queue.run(() => retriever.retrieve(text, candidates));
    return { hits, answer: composeAnswer(question, hits, composeOptions) };
  };
  /** A summary request's answer, or undefined when the question is not one (see summary.ts). */
  const summaryAnswer = async (question: string, request: SummaryRequest): Promise<Answer | undefined> => {
    const summarized = filesToSummarize(request, corpusFiles());
    if (!summarized) return topicalSummary(question, request.subject);
    const all = corpusFiles().length;
    if (summarized.length === 1)
      return composeSummary(question, summaryOf(summarized[0]!), [summarized[0]!.source], all);
    const listed = summarized.slice(0, OVERVIEW_MAX_FILES);
    return composeSummary(
      question,
      listed.map((f) => openingSentence(f.sentences)!),
      listed.map((f) => f.source),
      all,
    );
  };
  /**
   * "Summarize the tariff changes": every sentence relevant to the subject by the "not found" rule,
   * up to SUMMARY_SENTENCES, in document order. undefined (an ordinary answer instead) when fewer
   * than two are: one sentence is what an answer would say anyway.
   */
  const topicalSummary = async (question: string, subject: string): Promise<Answer | undefined> => {
    const hits = await queue.run(() => retriever.retrieve(subject, SUMMARY_SENTENCES * 4));
    const relevant = hits
      .filter((hit) => relevance(hit, abstention.denseWeight) >= abstention.threshold)
      .slice(0, SUMMARY_SENTENCES);
    if (relevant.length < 2) return undefined;
    relevant.sort((a, b) => a.id - b.id);
    return {
      ...quoteSentences(
        question,
        relevant.map((hit) => hit.sentence),
      ),
      summaryAbout: subject,
    };
  };
  /**
   * "Tell me more": the passage around the earlier question's best sentence, which a re-run of
   * that question finds again (the index does not change within this service); asked again, the
   * passage after it.
   */
  const passageAnswer = async (question: string, topic: string, quoted: ReadonlySet<string>): Promise<Answer> => {
    const earlier = await answerTo(topic, topic);
    if (!earlier.answer.answered) return { ...earlier.answer, question, followUpTo: topic };
    // What the earlier answer cited counts as quoted even when the conversation's memory was lost.
    const passage = view.passageAround(
      earlier.hits[0]!.id,
      new Set([...quoted, ...earlier.answer.citations.map(quotedKey)]),
    );
    if (passage.length === 0) return { ...explainedNonAnswer(question, NOTHING_MORE_TEXT), followUpTo: topic };
    return { ...quoteSentences(question, passage), followUpTo: topic };
  };
  /**
   * "What else?": the earlier question's answer again, without the sentences it cited or the
   * conversation has quoted since. The "not found" rule still applies, so what is left must be
   * relevant to the earlier question.
   */
  const othersAnswer = async (question: string, topic: string, quoted: ReadonlySet<string>): Promise<Answer> => {
    const earlier = await answerTo(topic, topic, config.maxAnswerSentences + OTHERS_CANDIDATES + quoted.size);
    if (!earlier.answer.answered) return { ...earlier.answer, question, followUpTo: topic };
    const cited = new Set([...quoted, ...earlier.answer.citations.map(quotedKey)]);
    const fresh = (sentence: Sentence) => !cited.has(quotedKey(sentence));
    // A heading's section and an answer's context sentence must not bring back what was quoted
    // either; a heading whose section has all been quoted has nothing left to lead into.
    const freshSection = (hit: { id: number; sentence: Sentence }) => view.sectionAfter(hit).filter(fresh);
    const freshOnly =
      (contextOf: (hit: { id: number; sentence: Sentence }) => Sentence | undefined) =>
      (hit: { id: number; sentence: Sentence }) => {
        const context = contextOf(hit);
        return context && fresh(context) ? context : undefined;
      };
    const allQuoted = (section: readonly Sentence[]) => section.length > 0 && !section.some(fresh);
    const rest = earlier.hits.filter(
      (hit) => fresh(hit.sentence) && !(startsSection(hit.sentence) && allQuoted(view.sectionAfter(hit))),
    );
    const others = composeAnswer(question, rest, {
      ...composeOptions,
      sectionAfter: freshSection,
      previousOf: freshOnly(view.previousOf),
      nextOf: freshOnly(view.nextOf),
      headerRowOf: freshOnly(view.headerRowOf),
    });
    // Nothing further is relevant: the closest of the rest would be unrelated, so none is listed.
    return { ...others, ...(others.answered ? {} : { text: NOTHING_ELSE_TEXT, related: [] }), followUpTo: topic };
  };
  /**
   * "And the US side?" after "Who leads the Chinese delegation?": read with the topic, the best
   * sentence is the one already quoted about the Chinese side. A sentence quoted on the topic that
   * lacks any of the new subject's words answered the question before, not this one, so it is
   * left out; one that has them all stays ("And exports?" after imports: one line gives both).
   * `text` is what to retrieve with (contrastRetrievalText).
   */
  const contrastAnswer = async (question: string, text: string, subject: string, quoted: ReadonlySet<string>) => {
    const hits = await queue.run(() => retriever.retrieve(text, Math.max(5, config.maxAnswerSentences) + quoted.size));
    const kept = hits.filter(
      (hit) => !quoted.has(quotedKey(hit.sentence)) || retriever.mentionsEveryTerm(subject, hit.id),
    );
    return { hits: kept, answer: composeAnswer(question, kept, composeOptions) };
  };
  return {
    manifest: index.manifest,
    async answer(raw: string, conversation?: Conversation): Promise<Answer> {
      const question = normalizeQuestion(raw);
      const quoted = () => new Set(conversation?.quoted ?? []);
      // classify -> handle: one case per kind of intent (intent.ts); the type checker proves none is missed.
      const handle = async (intent: Intent): Promise<Answer> => {
        switch (intent.kind) {
          case "summary":
            return (await summaryAnswer(question, intent.request)) ?? handle(intent.otherwise);
          case "definition": {
            // "What is PTO?": the sentences that spell it out, not those that use it most.
            const definitions = retriever.definitionsOf(intent.acronym);
            if (definitions.length === 0) return handle(intent.otherwise);
            return quoteSentences(question, definitions.slice(0, config.maxAnswerSentences));
          }
          case "no-earlier-question":
            return explainedNonAnswer(question, NO_EARLIER_QUESTION_TEXT);
          case "more":
            return passageAnswer(question, intent.topic, quoted());
          case "others":
            return othersAnswer(question, intent.topic, quoted());
          case "no-search-terms":
            return explainedNonAnswer(question, intent.hasLetters ? NO_SEARCH_TERMS_TEXT : NO_WORDS_TEXT);
          case "follow-up":
          case "contrast": {
            const found =
              intent.kind === "follow-up"
                ? await answerTo(question, intent.text)
                : await contrastAnswer(
                    question,
                    contrastRetrievalText(question, intent.subject, intent.topic),
                    intent.subject,
                    quoted(),
                  );
            // Read with its topic, "What is his favourite food?" finds the topic's sentence as surely as
            // "What is his role?" does. When the best sentence has none of the follow-up's own words, it
            // may not answer the follow-up at all: say so with the weak-match warning.
            const ownWordsMissing = found.answer.answered && !retriever.mentionsAnyTerm(question, found.hits[0]!.id);
            return {
              ...found.answer,
              followUpTo: intent.topic,
              ...(ownWordsMissing ? { lowConfidence: true as const } : {}),
            };
          }
          case "question": {
            const found = await answerTo(question, intent.text);
            if (found.answer.answered || intent.topic === undefined) return found.answer;
            // A question can lean on the one before without a telltale word ("Which parts were
            // included?" after "What did the US suspend?"). One that finds nothing on its own is tried
            // once more with the topic, and answered so only if the sentence found holds one of its own
            // words. The match is the topic's more than the question's, so it always carries the
            // weak-match warning: a word of its own can be a common one ("U.S." in 10 of 26 sentences).
            const retried = await answerTo(question, withTopic(question, intent.topic));
            if (retried.answer.answered && retriever.mentionsAnyTerm(question, retried.hits[0]!.id)) {
              return { ...retried.answer, followUpTo: intent.topic, lowConfidence: true };
            }
            return found.answer;
          }
          default:
            return unhandled(intent);
        }
      };
      return handle(classify(question, topicOf(conversation)));
    },
  };
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
