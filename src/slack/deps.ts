/**
 * What every Slack handler shares: the engine as the Slack layer sees it (AnswerPort), the Web API
 * calls the handlers make (SlackClient), the per-process state (BotDeps), and the example questions
 * the documents answer, which the usage hint, the assistant's prompts and the Home tab all offer.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { isWeakMatch } from "../answer/answer.js";
import type { Answer, Conversation } from "../answer/service.js";
import { isCiteBotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { MessageWithMetadata } from "./conversation-memory.js";
import { NO_METRICS, type BotMetrics } from "../ops/metrics.js";
import { memoryClaims, memoryRateLimits, type Claims, type RateLimits } from "../fleet/decisions.js";
import { RateLimiter, RecentKeys, RecentValues } from "./dedup.js";
import type { FeedbackSink } from "./feedback-log.js";
import { EXAMPLE_PROMPTS } from "./messages.js";
import type { Prompt } from "./prompts.js";
import type { Block, RenderedAnswer, SourcesOverview } from "./render.js";

/** The engine as the Slack layer sees it. */
export interface AnswerPort {
  answer(question: string, conversation?: Conversation): Promise<Answer>;
  /** The documents answers come from (for the Home tab). */
  sources(): Promise<SourcesOverview>;
}

/** The subset of Bolt's WebClient the handlers call. */
export interface SlackClient {
  chat: {
    postMessage(args: Record<string, unknown>): Promise<unknown>;
    update(args: Record<string, unknown>): Promise<unknown>;
  };
  reactions: {
    add(args: { channel: string; timestamp: string; name: string }): Promise<unknown>;
    remove(args: { channel: string; timestamp: string; name: string }): Promise<unknown>;
  };
  views: {
    publish(args: { user_id: string; view: { type: "home"; blocks: Block[] } }): Promise<unknown>;
  };
  conversations: {
    replies(args: {
      channel: string;
      ts: string;
      limit?: number;
      include_all_metadata?: boolean;
    }): Promise<{ messages?: ThreadMessage[] }>;
    history(args: {
      channel: string;
      latest: string;
      oldest: string;
      limit: number;
      include_all_metadata?: boolean;
    }): Promise<{ messages?: ThreadMessage[] }>;
  };
}

/** A message of a thread as conversations.replies returns it (the fields used here). */
export interface ThreadMessage extends MessageWithMetadata {
  readonly bot_id?: string;
  readonly text?: string;
}

export type Respond = (message: Record<string, unknown>) => Promise<unknown>;

export interface BotDeps {
  readonly answers: AnswerPort;
  readonly feedback: FeedbackSink;
  readonly logger: Logger;
  /** Per user, in this process or (fleet mode) across the fleet. */
  readonly rateLimiter: RateLimits;
  /** Event ids and channel+ts of messages already answered, in this process or across the fleet. */
  readonly seen: Claims;
  /** channel+thread_ts of threads the bot has answered in. */
  readonly threads: RecentKeys;
  readonly answersById: RecentValues<RenderedAnswer>;
  /**
   * Per question answered (channel + the question's ts): the reply's ts, and the conversation
   * before and after it, so an edited question gets its reply updated in place (see handleEdit).
   */
  readonly replies: RecentValues<AnsweredQuestion>;
  /** Per conversation (channel + thread, or a DM): the topic its follow-ups are read with, and what was quoted about it. */
  readonly conversations: RecentValues<Conversation>;
  /** Which example prompts the documents answer plainly, worked out once per index build (its builtAt). */
  readonly examplePrompts: { builtAt?: string; answered?: Promise<readonly Prompt[]> };
  /**
   * How long a reply that only decorates itself with the documents (the usage hint's example, the
   * Home tab's list) waits for the engine, which may still be loading, before it goes out without them.
   */
  readonly engineWaitMs: number;
  readonly newId: () => string;
  /**
   * Set for a queued event run again because the replica that took it died (fleet mode): its reply
   * may already be in the conversation, so the conversation is looked at before posting.
   */
  readonly redelivered?: boolean;
  readonly metrics: BotMetrics;
}

/** A reply the bot posted to a question, as BotDeps.replies keeps it. */
export interface AnsweredQuestion {
  readonly replyTs: string;
  readonly conversationKey: string;
  readonly before: Conversation | undefined;
  readonly after: Conversation | undefined;
  /** The line above the reply saying who asked for it (the message shortcut), kept when it is updated. */
  readonly requestedBy?: string;
}

/** See BotDeps.engineWaitMs. */
export const ENGINE_WAIT_MS = 1_000;

/** The promise's value if it settles within `ms`, else undefined (the promise runs on). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, delay(ms, undefined, { signal: timer.signal }).catch(() => undefined)]);
  } finally {
    timer.abort();
  }
}

/** How long a conversation's topic is remembered; a DM's topic is rebuilt from no older messages. */
export const TOPIC_LIFETIME_MS = 24 * 60 * 60_000;

/** Where duplicates and rate limits are decided: this process (the default) or the fleet's Redis. */
export interface SharedDecisions {
  readonly seen: Claims;
  readonly rateLimiter: RateLimits;
}

export function createBotDeps(
  answers: AnswerPort,
  feedback: FeedbackSink,
  logger: Logger,
  rateLimitPerMinute: number,
  shared?: SharedDecisions,
  metrics: BotMetrics = NO_METRICS,
): BotDeps {
  return {
    metrics,
    answers,
    feedback,
    logger,
    rateLimiter: countingLimited(shared?.rateLimiter ?? memoryRateLimits(new RateLimiter(rateLimitPerMinute)), metrics),
    seen: shared?.seen ?? memoryClaims(new RecentKeys()),
    threads: new RecentKeys(7 * 24 * 60 * 60_000, 100_000),
    // Enough for feedback on recent answers; older clicks are still logged with their question (from the button).
    answersById: new RecentValues(24 * 60 * 60_000, 2_000),
    // A question is edited soon after it is asked, if ever; each entry keeps a conversation state
    // alive (up to a few KB), so the window is short and the count bounded.
    replies: new RecentValues(60 * 60_000, 5_000),
    // A day: a DM is one long conversation, and a question asked a day later is a new start. A
    // channel thread older than that gets its topic back from its messages (forgottenConversation).
    conversations: new RecentValues(TOPIC_LIFETIME_MS, 20_000),
    examplePrompts: {},
    engineWaitMs: ENGINE_WAIT_MS,
    newId: randomUUID,
  };
}

/** Every question over the limit (warned or dropped) is counted, whichever handler asked. */
function countingLimited(limits: RateLimits, metrics: BotMetrics): RateLimits {
  return {
    check: async (user) => {
      const decision = await limits.check(user);
      if (decision !== "allow") metrics.rateLimited();
      return decision;
    },
  };
}

/** The error code a Slack Web API call failed with ("not_in_channel"), if it was one. */
export function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } } | undefined)?.data?.error;
}

/** One line for the log: a CiteBot error's code and message, or the message with Slack's error code. */
export function describe(error: unknown): string {
  if (isCiteBotError(error)) return `${error.code}: ${error.message}`;
  const code = slackErrorCode(error);
  return code ? `${(error as Error).message} (${code})` : error instanceof Error ? error.message : String(error);
}

/**
 * The example questions the documents answer plainly (not refused, no weak-match warning), put to
 * the engine once per index build; throws when the documents cannot be read.
 */
export function answeredExamples(deps: BotDeps, builtAt: string): Promise<readonly Prompt[]> {
  const cache = deps.examplePrompts;
  // The check in flight is shared: a Home tab and a greeting opened together ask the engine once.
  if (cache.builtAt !== builtAt || !cache.answered) {
    const answered = Promise.all(
      EXAMPLE_PROMPTS.map(async (p) => {
        const answer = await deps.answers.answer(p.message);
        return answer.answered && !isWeakMatch(answer);
      }),
    ).then((plain) => EXAMPLE_PROMPTS.filter((_, i) => plain[i]));
    cache.builtAt = builtAt;
    cache.answered = answered;
    // A failed check is tried again next time rather than remembered.
    answered.catch(() => {
      if (cache.answered === answered) cache.answered = undefined;
    });
  }
  return cache.answered;
}

/**
 * A question for the usage hint that the documents answer plainly, if there is one and the engine
 * gives it within deps.engineWaitMs: the hint itself needs no engine.
 */
export async function exampleQuestion(deps: BotDeps): Promise<string | undefined> {
  const example = (async () => {
    try {
      return (await answeredExamples(deps, (await deps.answers.sources()).builtAt))[0]?.message;
    } catch (error) {
      deps.logger.warn(
        `Giving the usage hint without an example, as the documents could not be read: ${describe(error)}`,
      );
      return undefined;
    }
  })();
  return within(example, deps.engineWaitMs);
}
