/**
 * Slack handlers for conversations: mentions, DMs, thread follow-ups and assistant threads.
 * Transport only: they turn Slack events into questions for the one `answer(question)` service and
 * its answers into Block Kit replies. Each is a named export that takes the few Bolt arguments it
 * uses, so tests call them with fake `client`/`say`. The interactive entry points (`/ask`, the
 * message shortcut, buttons) are in interactive.ts, the Home tab and the assistant's greeting in
 * surfaces.ts, and what they all share in deps.ts.
 */
import { setImmediate } from "node:timers/promises";
import { nextConversation, nextTopic, readsAsFollowUp } from "../answer/follow-up.js";
import { smallTalk } from "../answer/small-talk.js";
import type { SmallTalkReply } from "../answer/answer.js";
import type { Answer, Conversation } from "../answer/service.js";
import { ErrorCode, isCiteBotError } from "../errors.js";
import { conversationMetadata, quotedFromMessages, type ConversationMetadata } from "./conversation-memory.js";
import { slackToPlain, stripMention } from "./escape.js";
import {
  ASK_COMMAND_HINT,
  ERROR_REPLY,
  GREETING_REPLY,
  RATE_LIMITED_REPLY,
  THANKS_REACTION,
  THANKS_REPLY,
  TOO_LONG_REPLY,
  USAGE_HINT,
  WORKING_REACTION,
  WORKING_STATUS,
} from "./messages.js";
import { postOnce } from "./post-once.js";
import { renderAnswer, renderNotice, type Block, type RenderedMessage } from "./render.js";
import {
  type SlackClient,
  type ThreadMessage,
  type BotDeps,
  TOPIC_LIFETIME_MS,
  describe,
  exampleQuestion,
} from "./deps.js";

/** A DM's topic is rebuilt from at most this many of its latest messages. */
const DM_HISTORY_MESSAGES = 20;

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
  let answer: Answer;
  try {
    answer = await deps.answers.answer(question, conversation);
  } catch (error) {
    if (isCiteBotError(error, ErrorCode.QuestionTooLong)) return { message: renderNotice(TOO_LONG_REPLY) };
    if (isCiteBotError(error, ErrorCode.QuestionEmpty))
      return { message: renderNotice(hint(await exampleQuestion(deps))) };
    deps.logger.error(`Answering failed (${context}): ${describe(error)}`);
    deps.metrics.question("failed");
    return { message: renderNotice(ERROR_REPLY) };
  }
  if (answer.kind === "small-talk") return { message: renderNotice(await smallTalkReply(answer, deps, hint)), answer };
  deps.metrics.question(answer.answered ? "answered" : "refused");
  const answerId = deps.newId();
  deps.answersById.set(answerId, answer);
  return { message: renderAnswer(answer, { answerId, shareable }), answer };
}

/** Slack's words for small talk: the usage hint (for mentions, or for `/ask`), greeted, or you're welcome. */
async function smallTalkReply(
  { talk }: SmallTalkReply,
  deps: BotDeps,
  hint: (example?: string) => string,
): Promise<string> {
  if (talk === "thanks") return THANKS_REPLY;
  const example = await exampleQuestion(deps);
  return talk === "greeting" ? GREETING_REPLY(example, hint) : hint(example);
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
  forgotten: () => Promise<Conversation | undefined>,
): Promise<{ message: RenderedMessage; answer?: Answer; before?: Conversation; next?: Conversation }> {
  const state = deps.conversations.get(key) ?? (await forgotten());
  const { message, answer } = await composeReply(question, deps, context, false, state);
  const next = answer ? nextConversation(state, question, answer) : undefined;
  const composed = { message, ...(answer ? { answer } : {}), ...(state ? { before: state } : {}) };
  if (next === undefined) return composed;
  deps.conversations.set(key, next);
  return { ...composed, next };
}

/** A reply's blocks under a line saying who asked for it, when someone other than the author did (the message shortcut). */
function withRequester(blocks: Block[], requestedBy: string | undefined): Block[] {
  return requestedBy ? [{ type: "context", elements: [{ type: "mrkdwn", text: requestedBy }] }, ...blocks] : blocks;
}

/** How a caller that can talk to the asker privately (a message shortcut's response URL) wants to. */
interface PrivateNotices {
  /** Told instead of posting the "slow down" notice in the conversation. */
  readonly rateLimited: () => Promise<void>;
  /** Told when the reply could not be posted (after it is logged). */
  readonly undelivered: (error: unknown) => Promise<void>;
}

/** Runs the whole reply cycle for one question in a channel, DM or thread. Never throws. */
export async function answerQuestion(
  q: Question,
  client: SlackClient,
  botUserId: string | undefined,
  deps: BotDeps,
  notices?: PrivateNotices,
): Promise<void> {
  // Embedding a question holds the event loop for tens of milliseconds; let Bolt's ack (already
  // written) reach the socket first, so Slack sees it well inside its 3 s budget.
  await setImmediate();
  const context = `event ${q.eventId ?? "?"}, channel ${q.channel}, ts ${q.ts}`;
  const post = async (message: RenderedMessage, conversation?: Conversation, before?: Conversation) => {
    try {
      const args = {
        channel: q.channel,
        ...(q.threadTs ? { thread_ts: q.threadTs } : {}),
        text: message.text,
        blocks: withRequester(message.blocks, q.requestedBy),
        unfurl_links: false,
        unfurl_media: false,
        ...(conversation ? { metadata: conversationMetadata(conversation) } : {}),
      };
      const posted = await postOnce(
        client,
        args,
        { channel: q.channel, threadTs: q.threadTs, after: q.ts, botUserId, checkFirst: deps.redelivered === true },
        deps.logger,
      );
      deps.metrics.replied(Math.max(0, Date.now() / 1000 - Number(q.ts)));
      if (q.threadTs) deps.threads.add(`${q.channel}:${q.threadTs}`);
      const replyTs = (posted as { ts?: unknown } | undefined)?.ts;
      if (typeof replyTs === "string") {
        deps.replies.set(`${q.channel}:${q.ts}`, {
          replyTs,
          conversationKey: `${q.channel}:${q.threadTs ?? ""}`,
          before,
          after: conversation,
          ...(q.requestedBy ? { requestedBy: q.requestedBy } : {}),
        });
      }
    } catch (error) {
      deps.logger.error(`Reply could not be delivered (${context}): ${describe(error)}`);
      await notices?.undelivered(error).catch(() => undefined);
    }
  };

  const decision = await deps.rateLimiter.check(q.user);
  if (decision === "drop") return;
  if (decision === "warn")
    return notices ? notices.rateLimited().catch(() => undefined) : post(renderNotice(RATE_LIMITED_REPLY));

  const question = slackToPlain(stripMention(q.text, botUserId)).trim();
  const reaction = { channel: q.channel, timestamp: q.ts, name: WORKING_REACTION };
  // The engine answers small talk (classify) without a search: the working indicator would only flash on it, and
  // the conversation's earlier questions need not be read back from Slack for it.
  const searches = question !== "" && smallTalk(question) === undefined;
  const working = searches
    ? client.reactions.add(reaction).then(
        () => true,
        () => false,
      )
    : Promise.resolve(false);
  // A thread or a DM is one conversation; a new top-level mention starts its own thread.
  const conversationKey = `${q.channel}:${q.threadTs ?? ""}`;
  const isReply = q.threadTs !== undefined && q.threadTs !== q.ts;
  const { message, answer, before, next } = await replyInConversation(
    conversationKey,
    question,
    deps,
    context,
    async () => (searches ? forgottenConversation(client, q, isReply, question, botUserId, deps) : undefined),
  );
  if (answer?.kind === "small-talk" && answer.talk === "thanks") {
    // "thanks!" under an answer: a reaction says "you're welcome" without another message in the thread.
    await client.reactions
      .add({ channel: q.channel, timestamp: q.ts, name: THANKS_REACTION })
      .catch((error: unknown) => deps.logger.warn(`Could not react to thanks (${context}): ${describe(error)}`));
    return;
  }
  await post(message, next, before);
  if (await working) await client.reactions.remove(reaction).catch(() => undefined);
}

/**
 * True when this event or message was already handled (Slack retries, app_mention + message pairs),
 * here or, in a fleet, on another replica. The event id owns its claims, so the same event run again
 * after its replica died is not taken for a duplicate of itself.
 */
export async function isDuplicate(
  deps: BotDeps,
  eventId: string | undefined,
  channel: string,
  ts: string,
): Promise<boolean> {
  const byEvent = eventId ? await deps.seen.firstTime(`event:${eventId}`, eventId) : true;
  const byMessage = await deps.seen.firstTime(`message:${channel}:${ts}`, eventId);
  const duplicate = !(byEvent && byMessage);
  if (duplicate) deps.metrics.duplicateDropped();
  return duplicate;
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
export async function handleAppMention(
  { event, client, context, body }: EventArgs<MentionEvent>,
  deps: BotDeps,
): Promise<void> {
  // The bot's own messages never get here: Bolt's ignoreSelf drops them. Other apps' are dropped here.
  if (event.bot_id || !event.user) return;
  if (await isDuplicate(deps, body.event_id, event.channel, event.ts)) return;
  await answerQuestion(
    {
      channel: event.channel,
      ts: event.ts,
      threadTs: event.thread_ts ?? event.ts,
      user: event.user,
      text: event.text ?? "",
      eventId: body.event_id,
    },
    client,
    context.botUserId,
    deps,
  );
}

interface MessageEvent extends MentionEvent {
  readonly subtype?: string;
  readonly channel_type?: string;
  /** For an edit (subtype message_changed): the message as it is now, and as it was. */
  readonly message?: { readonly ts: string; readonly user?: string; readonly text?: string; readonly bot_id?: string };
  readonly previous_message?: { readonly text?: string };
}

/**
 * Direct messages, and replies in threads the bot has answered in; an edit of a question it
 * answered updates the answer. Everything else (other channels' chatter, other edits, joins,
 * bots, the bot itself) is ignored.
 */
export async function handleMessage(
  { event, client, context, body }: EventArgs<MessageEvent>,
  deps: BotDeps,
): Promise<void> {
  if (event.subtype === "message_changed") return handleEdit({ event, client, context, body }, deps);
  // The bot's own messages never get here (Bolt's ignoreSelf); other apps' and system messages are dropped here.
  if (event.subtype !== undefined || event.bot_id || !event.user) return;
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
  if (await isDuplicate(deps, body.event_id, event.channel, event.ts)) return;
  await answerQuestion(
    {
      channel: event.channel,
      ts: event.ts,
      threadTs: isDm ? event.thread_ts : (event.thread_ts ?? event.ts),
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
 * A question the bot answered, edited (a typo fixed, a word added): its answer is worked out again
 * from the new text and the reply updated in place, so the thread does not keep an answer to a
 * question nobody asks any more. The question is read with the conversation as it stood before it
 * was first asked; the conversation moves on with the new answer only if nothing was asked since.
 * Edits that leave the text as it was (Slack sends one when a link unfurls), that leave no question
 * (emptied, or "thanks"), and edits of messages the bot did not answer, or answered too long ago to
 * remember (see BotDeps.replies), are ignored.
 */
async function handleEdit({ event, client, context, body }: EventArgs<MessageEvent>, deps: BotDeps): Promise<void> {
  const edited = event.message;
  if (!edited?.user || edited.bot_id || edited.user === context.botUserId) return;
  if ((edited.text ?? "") === (event.previous_message?.text ?? "")) return;
  const key = `${event.channel}:${edited.ts}`;
  const reply = deps.replies.get(key);
  if (!reply) return;
  if (body.event_id && !(await deps.seen.firstTime(`event:${body.event_id}`, body.event_id))) return;
  if ((await deps.rateLimiter.check(edited.user)) !== "allow") return;
  await setImmediate();
  const where = `edit event ${body.event_id ?? "?"}, channel ${event.channel}, ts ${edited.ts}`;
  const question = slackToPlain(stripMention(edited.text ?? "", context.botUserId)).trim();
  // Edited down to nothing: no longer a question, and the answer given stays.
  if (question === "") return;
  const { message, answer } = await composeReply(question, deps, where, false, reply.before);
  // Edited to "thanks": no longer a question either.
  if (answer?.kind === "small-talk") return;
  const next = answer ? nextConversation(reply.before, question, answer) : undefined;
  try {
    await client.chat.update({
      channel: event.channel,
      ts: reply.replyTs,
      text: message.text,
      blocks: withRequester(message.blocks, reply.requestedBy),
      ...(next ? { metadata: conversationMetadata(next) } : {}),
    });
  } catch (error) {
    deps.logger.error(`Updated answer could not be delivered (${where}): ${describe(error)}`);
    return;
  }
  if (deps.conversations.get(reply.conversationKey) === reply.after && next)
    deps.conversations.set(reply.conversationKey, next);
  deps.replies.set(key, { ...reply, after: next });
}

/**
 * A conversation the bot does not remember (it restarted, or the conversation predates it): its
 * topic from the earlier questions people asked in it, read in order, and what the bot's latest
 * reply about that topic had quoted (from the reply's metadata). A thread's messages are usually at
 * hand already (read to see whether to answer). A DM is read back (its last day, at most 20
 * messages) only when the question reads as a follow-up, so a restart does not add a Web API call
 * to every DM. A conversation that cannot be read has no topic.
 */
async function forgottenConversation(
  client: SlackClient,
  q: Question,
  isReply: boolean,
  question: string,
  botUserId: string | undefined,
  deps: BotDeps,
): Promise<Conversation | undefined> {
  const isDm = q.threadTs === undefined;
  if (!isReply && !(isDm && readsAsFollowUp(question))) return undefined;
  try {
    const messages = isDm
      ? (
          (
            await client.conversations.history({
              channel: q.channel,
              latest: q.ts,
              oldest: String(Number(q.ts) - TOPIC_LIFETIME_MS / 1000),
              limit: DM_HISTORY_MESSAGES,
              include_all_metadata: true,
            })
          ).messages ?? []
        )
          .slice()
          .reverse()
      : (q.threadMessages ??
        (
          await client.conversations.replies({
            channel: q.channel,
            ts: q.threadTs!,
            limit: 200,
            include_all_metadata: true,
          })
        ).messages ??
        []);
    const topic = topicOfMessages(messages, q.ts, botUserId);
    return topic === undefined ? undefined : { topic, quoted: quotedFromMessages(messages, q.ts, botUserId, topic) };
  } catch (error) {
    deps.logger.warn(
      `Could not read ${isDm ? `DM ${q.channel}` : `thread ${q.channel}:${q.threadTs}`} for its earlier questions: ${describe(error)}`,
    );
    return undefined;
  }
}

/** The topic after the people's messages before `beforeTs`, oldest first; the bot's own and other bots' messages are skipped. */
function topicOfMessages(
  messages: readonly ThreadMessage[],
  beforeTs: string,
  botUserId: string | undefined,
): string | undefined {
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
    const messages =
      (await client.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true }))
        .messages ?? [];
    const answered = messages.some((m) => m.user === botUserId);
    if (answered) deps.threads.add(key);
    return { answered, messages };
  } catch (error) {
    deps.logger.warn(`Could not read thread ${key} to see whether to answer: ${describe(error)}`);
    return { answered: false };
  }
}

export interface AssistantMessageArgs {
  readonly message: {
    readonly channel: string;
    readonly ts: string;
    readonly thread_ts?: string;
    readonly text?: string;
    readonly user?: string;
    readonly bot_id?: string;
  };
  readonly eventId: string | undefined;
  readonly say: (message: { text: string; blocks: Block[]; metadata?: ConversationMetadata }) => Promise<unknown>;
  readonly setStatus: (status: string) => Promise<unknown>;
  /** For reading the thread back after a restart (see forgottenConversation). */
  readonly client?: SlackClient;
  readonly botUserId?: string | undefined;
}

/** A question in an assistant thread: the status shows work in progress, then the answer is posted there. */
export async function handleAssistantMessage(
  { message, eventId, say, setStatus, client, botUserId }: AssistantMessageArgs,
  deps: BotDeps,
): Promise<void> {
  if (message.bot_id || !message.user) return;
  if (await isDuplicate(deps, eventId, message.channel, message.ts)) return;
  const decision = await deps.rateLimiter.check(message.user);
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
        ? forgottenConversation(
            client,
            { channel: message.channel, ts: message.ts, threadTs: message.thread_ts, user, text: question, eventId },
            true,
            question,
            botUserId,
            deps,
          )
        : undefined,
    );
    reply = composed.message;
    if (composed.next !== undefined) metadata = conversationMetadata(composed.next);
  }
  await say({ text: reply.text, blocks: reply.blocks, ...(metadata ? { metadata } : {}) }).catch((error: unknown) =>
    deps.logger.error(`Reply could not be delivered (${context}): ${describe(error)}`),
  );
}
