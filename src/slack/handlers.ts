/**
 * Slack handlers. Transport only: they turn Slack events into questions for the one
 * `answer(question)` service and its answers into Block Kit replies. Each is a named export that
 * takes the few Bolt arguments it uses, so tests call them with fake `client`/`say`/`respond`.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as delay, setImmediate } from "node:timers/promises";
import { nextConversation, nextTopic, readsAsFollowUp, type ConversationState } from "../answer/follow-up.js";
import { smallTalk } from "../answer/small-talk.js";
import type { Answer, Conversation } from "../answer/service.js";
import { ErrorCode, isCiteBotError } from "../errors.js";
import type { Logger } from "../logger.js";
import { conversationMetadata, quotedFromMessages, type ConversationMetadata, type MessageWithMetadata } from "./conversation-memory.js";
import { RateLimiter, RecentKeys, RecentValues } from "./dedup.js";
import { slackToPlain, stripMention } from "./escape.js";
import type { FeedbackSink } from "./feedback-log.js";
import {
  ANSWER_REQUESTED_BY,
  ASK_COMMAND_HINT,
  ERROR_REPLY,
  FEEDBACK_FAILED,
  FEEDBACK_THANKS,
  GREETING_REPLY,
  RATE_LIMITED_REPLY,
  SHARE_EXPIRED,
  SHARED_BY,
  SHORTCUT_ALREADY_ANSWERED,
  SHORTCUT_BOT_MESSAGE,
  SHORTCUT_CANNOT_POST,
  SHORTCUT_NO_TEXT,
  EXAMPLE_PROMPTS,
  PROMPTS_TITLE,
  THANKS_REACTION,
  THANKS_REPLY,
  TOO_LONG_REPLY,
  USAGE_HINT,
  WORKING_REACTION,
  WORKING_STATUS,
} from "./messages.js";
import { suggestedPrompts, type Prompt } from "./prompts.js";
import { renderAnswer, renderHome, renderNotice, type Block, type RenderedMessage, type SourcesOverview } from "./render.js";

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
  };
  reactions: {
    add(args: { channel: string; timestamp: string; name: string }): Promise<unknown>;
    remove(args: { channel: string; timestamp: string; name: string }): Promise<unknown>;
  };
  views: {
    publish(args: { user_id: string; view: { type: "home"; blocks: Block[] } }): Promise<unknown>;
  };
  conversations: {
    replies(args: { channel: string; ts: string; limit?: number; include_all_metadata?: boolean }): Promise<{ messages?: ThreadMessage[] }>;
    history(args: { channel: string; latest: string; oldest: string; limit: number; include_all_metadata?: boolean }): Promise<{ messages?: ThreadMessage[] }>;
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
  readonly rateLimiter: RateLimiter;
  /** Event ids and channel+ts of messages already answered. */
  readonly seen: RecentKeys;
  /** channel+thread_ts of threads the bot has answered in. */
  readonly threads: RecentKeys;
  readonly answersById: RecentValues<Answer>;
  /** Per conversation (channel + thread, or a DM): the topic its follow-ups are read with, and what was quoted about it. */
  readonly conversations: RecentValues<ConversationState>;
  /** Which example prompts the documents answer plainly, worked out once per index build (its builtAt). */
  readonly examplePrompts: { builtAt?: string; answered?: readonly Prompt[] };
  /**
   * How long a reply that only decorates itself with the documents (the usage hint's example, the
   * Home tab's list) waits for the engine, which may still be loading, before it goes out without them.
   */
  readonly engineWaitMs: number;
  readonly newId: () => string;
}

/** See BotDeps.engineWaitMs. */
export const ENGINE_WAIT_MS = 1_000;

/** The promise's value if it settles within `ms`, else undefined (the promise runs on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, delay(ms, undefined, { signal: timer.signal }).catch(() => undefined)]);
  } finally {
    timer.abort();
  }
}

/** How long a conversation's topic is remembered; a DM's topic is rebuilt from no older messages. */
const TOPIC_LIFETIME_MS = 24 * 60 * 60_000;
/** A DM's topic is rebuilt from at most this many of its latest messages. */
const DM_HISTORY_MESSAGES = 20;

export function createBotDeps(answers: AnswerPort, feedback: FeedbackSink, logger: Logger, rateLimitPerMinute: number): BotDeps {
  return {
    answers,
    feedback,
    logger,
    rateLimiter: new RateLimiter(rateLimitPerMinute),
    seen: new RecentKeys(),
    threads: new RecentKeys(7 * 24 * 60 * 60_000, 100_000),
    // Enough for feedback on recent answers; older clicks are still logged with their question (from the button).
    answersById: new RecentValues(24 * 60 * 60_000, 2_000),
    // A day: a DM is one long conversation, and a question asked a day later is a new start. A
    // channel thread older than that gets its topic back from its messages (forgottenConversation).
    conversations: new RecentValues(TOPIC_LIFETIME_MS, 20_000),
    examplePrompts: {},
    engineWaitMs: ENGINE_WAIT_MS,
    newId: randomUUID,
  };
}

interface Question {
  readonly channel: string;
  readonly ts: string;
  /** Where the reply goes: a thread root, or undefined for top level (DMs). */
  readonly threadTs: string | undefined;
  readonly user: string;
  readonly text: string;
  readonly eventId: string | undefined;
  /** The thread's messages when they were already read (to see whether to answer), so they are not read twice. */
  readonly threadMessages?: readonly ThreadMessage[];
  /** A line above the reply saying who asked for it, when that is not the message's author (the message shortcut). */
  readonly requestedBy?: string;
}

/** Answers the question and produces the reply; never throws. */
export async function composeReply(
  question: string,
  deps: BotDeps,
  context: string,
  shareable = false,
  conversation?: Conversation,
): Promise<{ message: RenderedMessage; answer?: Answer }> {
  // `/ask` answers privately and shareably; its hint is about the command, not about mentions.
  const hint = shareable ? ASK_COMMAND_HINT : USAGE_HINT;
  if (question === "") return { message: renderNotice(hint(await exampleQuestion(deps))) };
  const talk = smallTalk(question);
  if (talk === "thanks") return { message: renderNotice(THANKS_REPLY) };
  if (talk === "greeting") return { message: renderNotice(GREETING_REPLY(await exampleQuestion(deps), hint)) };
  if (talk !== undefined) return { message: renderNotice(hint(await exampleQuestion(deps))) };
  try {
    const answer = await deps.answers.answer(question, conversation);
    const answerId = deps.newId();
    deps.answersById.set(answerId, answer);
    return { message: renderAnswer(answer, { answerId, shareable }), answer };
  } catch (error) {
    if (isCiteBotError(error, ErrorCode.QuestionTooLong)) return { message: renderNotice(TOO_LONG_REPLY) };
    if (isCiteBotError(error, ErrorCode.QuestionEmpty)) return { message: renderNotice(hint(await exampleQuestion(deps))) };
    deps.logger.error(`Answering failed (${context}): ${describe(error)}`);
    return { message: renderNotice(ERROR_REPLY) };
  }
}

function describe(error: unknown): string {
  if (isCiteBotError(error)) return `${error.code}: ${error.message}`;
  const data = (error as { data?: { error?: string } }).data;
  return data?.error ? `${(error as Error).message} (${data.error})` : error instanceof Error ? error.message : String(error);
}

/**
 * The reply to `question` in conversation `key` (channel + thread, or a DM), read with what the
 * conversation remembers (or, when the bot has forgotten it, what `forgotten` reads back), and the
 * conversation after it, which is remembered and goes into the reply's metadata.
 */
async function replyInConversation(
  key: string,
  question: string,
  deps: BotDeps,
  context: string,
  forgotten: () => Promise<ConversationState | undefined>,
): Promise<{ message: RenderedMessage; next?: ConversationState }> {
  const state = deps.conversations.get(key) ?? (await forgotten());
  const { message, answer } = await composeReply(question, deps, context, false, state);
  const next = answer ? nextConversation(state, question, answer) : undefined;
  if (next === undefined) return { message };
  deps.conversations.set(key, next);
  return { message, next };
}

/** How a caller that can talk to the asker privately (a message shortcut's response URL) wants to. */
interface PrivateNotices {
  /** Told instead of posting the "slow down" notice in the conversation. */
  readonly rateLimited: () => Promise<void>;
  /** Told when the reply could not be posted (after it is logged). */
  readonly undelivered: (error: unknown) => Promise<void>;
}

/** Runs the whole reply cycle for one question in a channel, DM or thread. Never throws. */
export async function answerQuestion(q: Question, client: SlackClient, botUserId: string | undefined, deps: BotDeps, notices?: PrivateNotices): Promise<void> {
  // Embedding a question holds the event loop for tens of milliseconds; let Bolt's ack (already
  // written) reach the socket first, so Slack sees it well inside its 3 s budget.
  await setImmediate();
  const context = `event ${q.eventId ?? "?"}, channel ${q.channel}, ts ${q.ts}`;
  const post = async (message: RenderedMessage, conversation?: ConversationState) => {
    try {
      await client.chat.postMessage({
        channel: q.channel,
        ...(q.threadTs ? { thread_ts: q.threadTs } : {}),
        text: message.text,
        blocks: q.requestedBy ? [{ type: "context", elements: [{ type: "mrkdwn", text: q.requestedBy }] }, ...message.blocks] : message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(conversation ? { metadata: conversationMetadata(conversation) } : {}),
      });
      if (q.threadTs) deps.threads.add(`${q.channel}:${q.threadTs}`);
    } catch (error) {
      deps.logger.error(`Reply could not be delivered (${context}): ${describe(error)}`);
      await notices?.undelivered(error).catch(() => undefined);
    }
  };

  const decision = deps.rateLimiter.check(q.user);
  if (decision === "drop") return;
  if (decision === "warn") return notices ? notices.rateLimited().catch(() => undefined) : post(renderNotice(RATE_LIMITED_REPLY));

  const question = slackToPlain(stripMention(q.text, botUserId)).trim();
  const talk = smallTalk(question);
  if (talk === "thanks") {
    // "thanks!" under an answer: a reaction says "you're welcome" without another message in the thread.
    await client.reactions
      .add({ channel: q.channel, timestamp: q.ts, name: THANKS_REACTION })
      .catch((error: unknown) => deps.logger.warn(`Could not react to thanks (${context}): ${describe(error)}`));
    return;
  }
  const reaction = { channel: q.channel, timestamp: q.ts, name: WORKING_REACTION };
  const working = question !== "" && talk === undefined ? client.reactions.add(reaction).then(() => true, () => false) : Promise.resolve(false);
  // A thread or a DM is one conversation; a new top-level mention starts its own thread.
  const conversationKey = `${q.channel}:${q.threadTs ?? ""}`;
  const isReply = q.threadTs !== undefined && q.threadTs !== q.ts;
  const { message, next } = await replyInConversation(conversationKey, question, deps, context, () => forgottenConversation(client, q, isReply, question, botUserId, deps));
  await post(message, next);
  if (await working) await client.reactions.remove(reaction).catch(() => undefined);
}

/** True when this event or message was already handled (Slack retries, app_mention + message pairs). */
export function isDuplicate(deps: BotDeps, eventId: string | undefined, channel: string, ts: string): boolean {
  const byEvent = eventId ? deps.seen.firstTime(`event:${eventId}`) : true;
  const byMessage = deps.seen.firstTime(`message:${channel}:${ts}`);
  return !(byEvent && byMessage);
}

interface MentionEvent {
  readonly channel: string;
  readonly ts: string;
  readonly thread_ts?: string;
  readonly user?: string;
  readonly text?: string;
  readonly bot_id?: string;
}

export interface EventArgs<E> {
  readonly event: E;
  readonly client: SlackClient;
  readonly context: { readonly botUserId?: string };
  readonly body: { readonly event_id?: string };
}

/** `@CiteBot question` in a channel: answered in a thread under the question. */
export async function handleAppMention({ event, client, context, body }: EventArgs<MentionEvent>, deps: BotDeps): Promise<void> {
  if (event.bot_id || !event.user || event.user === context.botUserId) return;
  if (isDuplicate(deps, body.event_id, event.channel, event.ts)) return;
  await answerQuestion(
    { channel: event.channel, ts: event.ts, threadTs: event.thread_ts ?? event.ts, user: event.user, text: event.text ?? "", eventId: body.event_id },
    client,
    context.botUserId,
    deps,
  );
}

interface MessageEvent extends MentionEvent {
  readonly subtype?: string;
  readonly channel_type?: string;
}

/**
 * Direct messages, and replies in threads the bot has answered in. Everything else (other
 * channels' chatter, edits, joins, bots, the bot itself) is ignored.
 */
export async function handleMessage({ event, client, context, body }: EventArgs<MessageEvent>, deps: BotDeps): Promise<void> {
  if (event.subtype !== undefined || event.bot_id || !event.user || event.user === context.botUserId) return;
  const isDm = event.channel_type === "im";
  const inThread = event.thread_ts !== undefined && event.thread_ts !== event.ts;
  let threadMessages: readonly ThreadMessage[] | undefined;
  if (!isDm) {
    if (!inThread) return;
    // A mention is app_mention's to answer; answering here too would reply twice.
    if (context.botUserId && event.text?.includes(`<@${context.botUserId}>`)) return;
    const thread = await botIsInThread(client, event.channel, event.thread_ts!, context.botUserId, deps);
    if (!thread.answered) return;
    threadMessages = thread.messages;
  }
  if (isDuplicate(deps, body.event_id, event.channel, event.ts)) return;
  await answerQuestion(
    {
      channel: event.channel,
      ts: event.ts,
      threadTs: isDm ? event.thread_ts : event.thread_ts ?? event.ts,
      user: event.user,
      text: event.text ?? "",
      eventId: body.event_id,
      ...(threadMessages ? { threadMessages } : {}),
    },
    client,
    context.botUserId,
    deps,
  );
}

/**
 * A conversation the bot does not remember (it restarted, or the conversation predates it): its
 * topic from the earlier questions people asked in it, read in order, and what the bot's latest
 * reply about that topic had quoted (from the reply's metadata). A thread's messages are usually at
 * hand already (read to see whether to answer). A DM is read back (its last day, at most 20
 * messages) only when the question reads as a follow-up, so a restart does not add a Web API call
 * to every DM. A conversation that cannot be read has no topic.
 */
async function forgottenConversation(client: SlackClient, q: Question, isReply: boolean, question: string, botUserId: string | undefined, deps: BotDeps): Promise<ConversationState | undefined> {
  const isDm = q.threadTs === undefined;
  if (!isReply && !(isDm && readsAsFollowUp(question))) return undefined;
  try {
    const messages = isDm
      ? ((await client.conversations.history({ channel: q.channel, latest: q.ts, oldest: String(Number(q.ts) - TOPIC_LIFETIME_MS / 1000), limit: DM_HISTORY_MESSAGES, include_all_metadata: true })).messages ?? []).slice().reverse()
      : (q.threadMessages ?? (await client.conversations.replies({ channel: q.channel, ts: q.threadTs!, limit: 200, include_all_metadata: true })).messages ?? []);
    const topic = topicOfMessages(messages, q.ts, botUserId);
    return topic === undefined ? undefined : { topic, quoted: quotedFromMessages(messages, q.ts, botUserId, topic) };
  } catch (error) {
    deps.logger.warn(`Could not read ${isDm ? `DM ${q.channel}` : `thread ${q.channel}:${q.threadTs}`} for its earlier questions: ${describe(error)}`);
    return undefined;
  }
}

/** The topic after the people's messages before `beforeTs`, oldest first; the bot's own and other bots' messages are skipped. */
function topicOfMessages(messages: readonly ThreadMessage[], beforeTs: string, botUserId: string | undefined): string | undefined {
  let topic: string | undefined;
  for (const m of messages) {
    if (m.bot_id || !m.user || m.user === botUserId || m.ts === undefined || Number(m.ts) >= Number(beforeTs)) continue;
    topic = nextTopic(topic, slackToPlain(stripMention(m.text ?? "", botUserId)));
  }
  return topic;
}

/**
 * Remembered threads first; after a restart, one look at the thread tells whether the bot answered
 * there. The messages read are returned for the thread's topic.
 */
async function botIsInThread(
  client: SlackClient,
  channel: string,
  threadTs: string,
  botUserId: string | undefined,
  deps: BotDeps,
): Promise<{ answered: boolean; messages?: readonly ThreadMessage[] }> {
  const key = `${channel}:${threadTs}`;
  if (deps.threads.has(key)) return { answered: true };
  if (!botUserId) return { answered: false };
  try {
    const messages = (await client.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true })).messages ?? [];
    const answered = messages.some((m) => m.user === botUserId);
    if (answered) deps.threads.add(key);
    return { answered, messages };
  } catch (error) {
    deps.logger.warn(`Could not read thread ${key} to see whether to answer: ${describe(error)}`);
    return { answered: false };
  }
}

export interface CommandArgs {
  readonly command: { readonly text: string; readonly user_id: string; readonly channel_id: string };
  readonly ack: () => Promise<void>;
  readonly respond: Respond;
}

/** `/ask question`: acknowledged at once, answered privately with a button to share it. */
export async function handleAskCommand({ command, ack, respond }: CommandArgs, deps: BotDeps): Promise<void> {
  await ack();
  await setImmediate();
  const context = `/ask by ${command.user_id} in ${command.channel_id}`;
  const decision = deps.rateLimiter.check(command.user_id);
  let message: RenderedMessage;
  if (decision === "drop") return;
  if (decision === "warn") message = renderNotice(RATE_LIMITED_REPLY);
  else message = (await composeReply(slackToPlain(command.text).trim(), deps, context, true)).message;
  try {
    await respond({ response_type: "ephemeral", text: message.text, blocks: message.blocks });
  } catch (error) {
    deps.logger.error(`Reply could not be delivered (${context}): ${describe(error)}`);
  }
}

export interface MessageShortcutArgs {
  readonly shortcut: {
    readonly user: { readonly id: string };
    readonly channel: { readonly id: string };
    readonly message: { readonly ts: string; readonly thread_ts?: string; readonly text?: string; readonly bot_id?: string };
  };
  readonly ack: () => Promise<void>;
  readonly respond: Respond;
  readonly client: SlackClient;
  readonly context: { readonly botUserId?: string };
}

/** Slack's error codes for a conversation the bot cannot post in. */
const CANNOT_POST = new Set(["not_in_channel", "channel_not_found", "is_archived", "restricted_action"]);

/**
 * "Answer in thread" from a message's menu: someone's question, posted without a mention, is
 * answered in its thread as if CiteBot had been mentioned there (follow-ups in the thread are then
 * answered too). Whatever cannot be answered that way is explained to the one who asked, privately.
 */
export async function handleMessageShortcut({ shortcut, ack, respond, client, context }: MessageShortcutArgs, deps: BotDeps): Promise<void> {
  await ack();
  const { message, channel, user } = shortcut;
  const tell = async (text: string): Promise<void> => {
    await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) => deps.logger.warn(`Could not tell ${user.id} about a message shortcut: ${describe(error)}`));
  };
  if (message.bot_id) return tell(SHORTCUT_BOT_MESSAGE);
  if (slackToPlain(stripMention(message.text ?? "", context.botUserId)).trim() === "") return tell(SHORTCUT_NO_TEXT);
  // A double click, or two people at once: one answer per message.
  if (!deps.seen.firstTime(`shortcut:${channel.id}:${message.ts}`)) return tell(SHORTCUT_ALREADY_ANSWERED);
  await answerQuestion(
    { channel: channel.id, ts: message.ts, threadTs: message.thread_ts ?? message.ts, user: user.id, text: message.text ?? "", eventId: undefined, requestedBy: ANSWER_REQUESTED_BY(user.id) },
    client,
    context.botUserId,
    deps,
    {
      rateLimited: () => tell(RATE_LIMITED_REPLY),
      undelivered: async (error) => {
        const code = (error as { data?: { error?: string } }).data?.error;
        await tell(code !== undefined && CANNOT_POST.has(code) ? SHORTCUT_CANNOT_POST : ERROR_REPLY);
      },
    },
  );
}

export interface ActionArgs {
  readonly ack: () => Promise<void>;
  readonly body: { readonly user: { readonly id: string }; readonly channel?: { readonly id: string } };
  readonly action: { readonly action_id: string; readonly value?: string };
  readonly respond: Respond;
  readonly client: SlackClient;
}

function parseValue(value: string | undefined): { id: string | undefined; question: string | undefined } {
  try {
    const parsed = JSON.parse(value ?? "") as { id?: unknown; q?: unknown };
    return { id: typeof parsed.id === "string" ? parsed.id : undefined, question: typeof parsed.q === "string" ? parsed.q : undefined };
  } catch {
    return { id: undefined, question: undefined };
  }
}

function answerIdOf(value: string | undefined): string | undefined {
  return parseValue(value).id;
}

/** Feedback buttons: the click is appended (and synced) to the feedback log before the user sees thanks. */
export async function handleFeedback({ ack, body, action, respond }: ActionArgs, deps: BotDeps): Promise<void> {
  await ack();
  const clicked = parseValue(action.value);
  const answerId = clicked.id ?? "unknown";
  const answer = deps.answersById.get(answerId);
  try {
    await deps.feedback.append({
      timestamp: new Date().toISOString(),
      vote: action.action_id === "feedback_helpful" ? "helpful" : "not_helpful",
      answerId,
      question: answer?.question ?? clicked.question ?? null,
      answer: answer?.text ?? null,
      citations: (answer?.citations ?? []).map(({ n, text, source, lineStart, lineEnd }) => ({ n, text, source, lineStart, lineEnd })),
      user: body.user.id,
      channel: body.channel?.id ?? null,
    });
  } catch (error) {
    deps.logger.error(`Feedback could not be saved (answer ${answerId}, user ${body.user.id}): ${describe(error)}`);
    await respond({ response_type: "ephemeral", replace_original: false, text: FEEDBACK_FAILED }).catch(() => undefined);
    return;
  }
  await respond({ response_type: "ephemeral", replace_original: false, text: FEEDBACK_THANKS }).catch((error: unknown) =>
    deps.logger.warn(`Feedback saved but the thank-you could not be shown: ${describe(error)}`),
  );
}

/** "Share in channel" on an /ask answer: posts it for everyone and removes the private copy. */
export async function handleShare({ ack, body, action, respond, client }: ActionArgs, deps: BotDeps): Promise<void> {
  await ack();
  const answerId = answerIdOf(action.value);
  const answer = answerId ? deps.answersById.get(answerId) : undefined;
  if (!answer || !answerId || !body.channel) {
    await respond({ response_type: "ephemeral", replace_original: false, text: SHARE_EXPIRED }).catch(() => undefined);
    return;
  }
  const message = renderAnswer(answer, { answerId });
  const blocks: Block[] = [{ type: "context", elements: [{ type: "mrkdwn", text: SHARED_BY(body.user.id) }] }, ...message.blocks];
  try {
    await client.chat.postMessage({ channel: body.channel.id, text: message.text, blocks, unfurl_links: false, unfurl_media: false });
    await respond({ delete_original: true });
  } catch (error) {
    deps.logger.error(`Sharing answer ${answerId} failed: ${describe(error)}`);
    await respond({ response_type: "ephemeral", replace_original: false, text: ERROR_REPLY }).catch(() => undefined);
  }
}

export interface AssistantStartArgs {
  readonly say: (message: string) => Promise<unknown>;
  readonly setSuggestedPrompts: (args: { prompts: Array<{ title: string; message: string }>; title?: string }) => Promise<unknown>;
}

/** Slack's assistant surface: a new thread gets the usage hint and prompts that suit the documents. */
export async function handleAssistantThreadStarted({ say, setSuggestedPrompts }: AssistantStartArgs, deps: BotDeps): Promise<void> {
  try {
    // The greeting goes out at once; only its example waits for an engine that is still loading.
    const prompts = promptsForDocuments(deps);
    await say(USAGE_HINT((await within(prompts, deps.engineWaitMs))?.example));
    await setSuggestedPrompts({ prompts: (await prompts).suggested, title: PROMPTS_TITLE });
  } catch (error) {
    deps.logger.warn(`Could not greet a new assistant thread: ${describe(error)}`);
  }
}

/**
 * The example questions the documents answer plainly (not refused, no weak-match warning), put to
 * the engine once per index build; throws when the documents cannot be read.
 */
async function answeredExamples(deps: BotDeps, builtAt: string): Promise<readonly Prompt[]> {
  const cache = deps.examplePrompts;
  if (cache.builtAt !== builtAt || !cache.answered) {
    const plain = await Promise.all(
      EXAMPLE_PROMPTS.map(async (p) => {
        const answer = await deps.answers.answer(p.message);
        return answer.answered && !answer.lowConfidence;
      }),
    );
    cache.answered = EXAMPLE_PROMPTS.filter((_, i) => plain[i]);
    cache.builtAt = builtAt;
  }
  return cache.answered;
}

/**
 * Suggested prompts and the example for the usage hint. If the documents cannot be read, the
 * prompts that always work are suggested, with no example, and the reason is logged.
 */
async function promptsForDocuments(deps: BotDeps): Promise<{ suggested: Prompt[]; example: string | undefined }> {
  try {
    const { files, builtAt } = await deps.answers.sources();
    const examples = await answeredExamples(deps, builtAt);
    return { suggested: suggestedPrompts(examples, files.map((f) => f.source)), example: examples[0]?.message };
  } catch (error) {
    deps.logger.warn(`Suggesting prompts without the documents, which could not be read: ${describe(error)}`);
    return { suggested: suggestedPrompts([], []), example: undefined };
  }
}

/**
 * A question for the usage hint that the documents answer plainly, if there is one and the engine
 * gives it within deps.engineWaitMs: the hint itself needs no engine.
 */
async function exampleQuestion(deps: BotDeps): Promise<string | undefined> {
  const example = (async () => {
    try {
      return (await answeredExamples(deps, (await deps.answers.sources()).builtAt))[0]?.message;
    } catch (error) {
      deps.logger.warn(`Giving the usage hint without an example, as the documents could not be read: ${describe(error)}`);
      return undefined;
    }
  })();
  return within(example, deps.engineWaitMs);
}

export interface AssistantMessageArgs {
  readonly message: { readonly channel: string; readonly ts: string; readonly thread_ts?: string; readonly text?: string; readonly user?: string; readonly bot_id?: string };
  readonly eventId: string | undefined;
  readonly say: (message: { text: string; blocks: Block[]; metadata?: ConversationMetadata }) => Promise<unknown>;
  readonly setStatus: (status: string) => Promise<unknown>;
  /** For reading the thread back after a restart (see forgottenConversation). */
  readonly client?: SlackClient;
  readonly botUserId?: string | undefined;
}

/** A question in an assistant thread: the status shows work in progress, then the answer is posted there. */
export async function handleAssistantMessage({ message, eventId, say, setStatus, client, botUserId }: AssistantMessageArgs, deps: BotDeps): Promise<void> {
  if (message.bot_id || !message.user) return;
  if (isDuplicate(deps, eventId, message.channel, message.ts)) return;
  const decision = deps.rateLimiter.check(message.user);
  if (decision === "drop") return;
  const context = `event ${eventId ?? "?"}, assistant thread in ${message.channel}`;
  let reply: RenderedMessage;
  let metadata: ConversationMetadata | undefined;
  if (decision === "warn") reply = renderNotice(RATE_LIMITED_REPLY);
  else {
    await setStatus(WORKING_STATUS).catch(() => undefined);
    await setImmediate();
    const question = slackToPlain(message.text ?? "").trim();
    const conversationKey = `${message.channel}:${message.thread_ts ?? ""}`;
    const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    const user = message.user;
    const composed = await replyInConversation(conversationKey, question, deps, context, async () =>
      client && inThread && readsAsFollowUp(question)
        ? forgottenConversation(client, { channel: message.channel, ts: message.ts, threadTs: message.thread_ts, user, text: question, eventId }, true, question, botUserId, deps)
        : undefined,
    );
    reply = composed.message;
    if (composed.next !== undefined) metadata = conversationMetadata(composed.next);
  }
  await say({ text: reply.text, blocks: reply.blocks, ...(metadata ? { metadata } : {}) }).catch((error: unknown) => deps.logger.error(`Reply could not be delivered (${context}): ${describe(error)}`));
}

export interface AppHomeArgs {
  readonly event: { readonly user: string; readonly tab?: string };
  readonly client: SlackClient;
}

/**
 * The Home tab, published each time someone opens it, so it always lists the documents as they
 * are indexed now (edits to the corpus are picked up while the bot runs). While the first index is
 * still being built, a "reading the documents" view is published at once, then replaced.
 */
export async function handleAppHomeOpened({ event, client }: AppHomeArgs, deps: BotDeps): Promise<void> {
  if (event.tab !== "home") return;
  const publish = (blocks: Block[]) =>
    client.views
      .publish({ user_id: event.user, view: { type: "home", blocks } })
      .catch((error: unknown) => deps.logger.error(`The Home tab could not be published for ${event.user}: ${describe(error)}`));
  const home = homeBlocks(deps);
  const first = await within(home, deps.engineWaitMs);
  if (first === undefined) await publish(renderHome({ state: "loading" }));
  await publish(first ?? (await home));
}

/** The Home tab as the documents stand; never throws (unreadable documents are logged and shown as unavailable). */
async function homeBlocks(deps: BotDeps): Promise<Block[]> {
  let overview: SourcesOverview;
  try {
    overview = await deps.answers.sources();
  } catch (error) {
    deps.logger.error(`The Home tab could not list the documents: ${describe(error)}`);
    return renderHome({ state: "unavailable" });
  }
  const example = await answeredExamples(deps, overview.builtAt).then(
    (examples) => examples[0]?.message,
    (error: unknown) => void deps.logger.warn(`The Home tab shows no example question, as the examples could not be tried: ${describe(error)}`),
  );
  return renderHome({ state: "ready", overview }, example);
}
