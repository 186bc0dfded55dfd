/**
 * Posting a reply at most once. A chat.postMessage whose response never came (the call timed out,
 * or the connection dropped after the request went out) may still have posted the message: a blind
 * retry then puts the same answer in the conversation twice. So the Web API client does not retry
 * such a call itself (see `UNCONFIRMED_POST` and `retryUnlessUnconfirmedPost`); `postOnce` first
 * looks in the conversation for the reply, and posts again only when it is not there.
 *
 * What remains: a request that Slack is still processing when the check reads the conversation
 * (it is read after the 10 s timeout, so only a call that took longer than that and then succeeded)
 * can still show up twice.
 */
import type { Logger } from "../logger.js";
import { describe, type SlackClient, type ThreadMessage } from "./deps.js";

/** Tries at posting one reply, counting the first. */
export const POST_ATTEMPTS = 3;

/** Marks an error thrown for a chat.postMessage whose outcome is unknown. */
export const UNCONFIRMED_POST = "citebotUnconfirmedPost";

/** True for an error (or a Web API error wrapping one) from a chat.postMessage that may have posted. */
export function isUnconfirmedPost(error: unknown): boolean {
  const marked = (e: unknown) =>
    typeof e === "object" && e !== null && (e as Record<string, unknown>)[UNCONFIRMED_POST] === true;
  return marked(error) || marked((error as { original?: unknown } | undefined)?.original);
}

/**
 * A fetch for the Web API client: a chat.postMessage that timed out or lost its connection after
 * being sent rejects with an error marked as unconfirmed, which `retryUnlessUnconfirmedPost` does
 * not retry. Every other call and failure is unchanged.
 */
export function markUnconfirmedPosts(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await inner(input, init);
    } catch (error) {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!/\/chat\.postMessage$/.test(url) || !mayHaveBeenSent(error)) throw error;
      throw Object.assign(new Error(`chat.postMessage got no response (${describe(error)})`, { cause: error }), {
        [UNCONFIRMED_POST]: true,
      });
    }
  };
}

/** A timeout or a connection closed mid-request; a refused connection or an unknown host never reached Slack. */
function mayHaveBeenSent(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "TimeoutError" || name === "AbortError") return true;
  const code = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  return (
    code === "UND_ERR_SOCKET" ||
    code === "ECONNRESET" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT"
  );
}

/** p-retry's hook: throwing here stops the client's retries, so an unconfirmed post comes back to postOnce. */
export function retryUnlessUnconfirmedPost(error: unknown): void {
  if (isUnconfirmedPost(error)) throw error;
}

export interface ReplyPlace {
  readonly channel: string;
  /** The thread the reply goes into; undefined for top level (a DM). */
  readonly threadTs?: string | undefined;
  /** The question's ts: the reply can only be after it. */
  readonly after: string;
  readonly botUserId: string | undefined;
  /** Look in the conversation before the first try too: a re-delivered event's reply may be there already. */
  readonly checkFirst?: boolean;
}

/** Posts `args` (a reply at `place`), unless a try whose response was lost already posted it. */
export async function postOnce(
  client: SlackClient,
  args: Record<string, unknown> & { text: string },
  place: ReplyPlace,
  logger: Logger,
): Promise<unknown> {
  if (place.checkFirst) {
    const found = await findReply(client, args.text, place).catch(() => undefined);
    if (found) {
      logger.warn(
        `A re-delivered question in ${place.channel} was already answered (ts ${found.ts ?? "?"}); not posting it again.`,
      );
      return { ok: true, ts: found.ts, channel: place.channel };
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.chat.postMessage(args);
    } catch (error) {
      if (!isUnconfirmedPost(error) || attempt >= POST_ATTEMPTS) throw error;
      // If the conversation cannot be read, whether it was posted is unknown: report it rather than risk a second copy.
      const found = await findReply(client, args.text, place);
      if (found) {
        logger.warn(
          `A reply in ${place.channel} got no response from Slack but was posted (ts ${found.ts ?? "?"}); not posting it again.`,
        );
        return { ok: true, ts: found.ts, channel: place.channel };
      }
      logger.warn(
        `A reply in ${place.channel} got no response from Slack and is not in the conversation; posting it again (try ${attempt + 1} of ${POST_ATTEMPTS}).`,
      );
    }
  }
}

/** The bot's message with this text after the question, in its thread or channel. */
async function findReply(client: SlackClient, text: string, place: ReplyPlace): Promise<ThreadMessage | undefined> {
  const messages = place.threadTs
    ? (await client.conversations.replies({ channel: place.channel, ts: place.threadTs, limit: 200 })).messages
    : (
        await client.conversations.history({
          channel: place.channel,
          oldest: place.after,
          latest: String(Date.now() / 1000 + 60),
          limit: 50,
        })
      ).messages;
  return (messages ?? []).find(
    (m) =>
      m.text === text &&
      typeof m.ts === "string" &&
      Number(m.ts) > Number(place.after) &&
      (m.bot_id !== undefined || (place.botUserId !== undefined && m.user === place.botUserId)),
  );
}
