/**
 * Slack's interactive entry points: the `/ask` command, the "Answer in thread" message shortcut,
 * and the buttons under answers (feedback, share). Each is a named export taking the few Bolt
 * arguments it uses, so tests call them with a fake `respond` and `client`.
 */
import { setImmediate } from "node:timers/promises";
import { slackToPlain, stripMention } from "./escape.js";
import {
  ANSWER_REQUESTED_BY,
  ERROR_REPLY,
  FEEDBACK_FAILED,
  FEEDBACK_THANKS,
  RATE_LIMITED_REPLY,
  SHARE_EXPIRED,
  SHARED_BY,
  SHORTCUT_ALREADY_ANSWERED,
  SHORTCUT_BOT_MESSAGE,
  SHORTCUT_CANNOT_POST,
  SHORTCUT_NO_TEXT,
} from "./messages.js";
import { renderAnswer, renderNotice, type Block, type RenderedMessage } from "./render.js";
import { describe, slackErrorCode, type BotDeps, type Respond, type SlackClient } from "./deps.js";
import { composeReply, answerQuestion } from "./handlers.js";

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
  const decision = await deps.rateLimiter.check(command.user_id);
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
    readonly message: {
      readonly ts: string;
      readonly thread_ts?: string;
      readonly text?: string;
      readonly bot_id?: string;
    };
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
export async function handleMessageShortcut(
  { shortcut, ack, respond, client, context }: MessageShortcutArgs,
  deps: BotDeps,
): Promise<void> {
  await ack();
  const { message, channel, user } = shortcut;
  const tell = async (text: string): Promise<void> => {
    await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
      deps.logger.warn(`Could not tell ${user.id} about a message shortcut: ${describe(error)}`),
    );
  };
  if (message.bot_id) return tell(SHORTCUT_BOT_MESSAGE);
  if (slackToPlain(stripMention(message.text ?? "", context.botUserId)).trim() === "") return tell(SHORTCUT_NO_TEXT);
  // A double click, or two people at once: one answer per message.
  if (!(await deps.seen.firstTime(`shortcut:${channel.id}:${message.ts}`))) return tell(SHORTCUT_ALREADY_ANSWERED);
  await answerQuestion(
    {
      channel: channel.id,
      ts: message.ts,
      threadTs: message.thread_ts ?? message.ts,
      user: user.id,
      text: message.text ?? "",
      eventId: undefined,
      requestedBy: ANSWER_REQUESTED_BY(user.id),
    },
    client,
    context.botUserId,
    deps,
    {
      rateLimited: () => tell(RATE_LIMITED_REPLY),
      undelivered: async (error) => {
        const code = slackErrorCode(error);
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
    return {
      id: typeof parsed.id === "string" ? parsed.id : undefined,
      question: typeof parsed.q === "string" ? parsed.q : undefined,
    };
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
      citations: (answer?.citations ?? []).map(({ n, text, source, lineStart, lineEnd }) => ({
        n,
        text,
        source,
        lineStart,
        lineEnd,
      })),
      user: body.user.id,
      channel: body.channel?.id ?? null,
    });
  } catch (error) {
    deps.logger.error(`Feedback could not be saved (answer ${answerId}, user ${body.user.id}): ${describe(error)}`);
    await respond({ response_type: "ephemeral", replace_original: false, text: FEEDBACK_FAILED }).catch(
      () => undefined,
    );
    return;
  }
  await respond({ response_type: "ephemeral", replace_original: false, text: FEEDBACK_THANKS }).catch(
    (error: unknown) => deps.logger.warn(`Feedback saved but the thank-you could not be shown: ${describe(error)}`),
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
  const blocks: Block[] = [
    { type: "context", elements: [{ type: "mrkdwn", text: SHARED_BY(body.user.id) }] },
    ...message.blocks,
  ];
  try {
    await client.chat.postMessage({
      channel: body.channel.id,
      text: message.text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    await respond({ delete_original: true });
  } catch (error) {
    deps.logger.error(`Sharing answer ${answerId} failed: ${describe(error)}`);
    await respond({ response_type: "ephemeral", replace_original: false, text: ERROR_REPLY }).catch(() => undefined);
  }
}
