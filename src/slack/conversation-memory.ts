import { MAX_QUOTED, type Conversation } from "../answer/follow-up.js";

/**
 * What a conversation has been told, carried in the bot's own replies as Slack message metadata, so
 * that after a restart "tell me more" reads on from where the thread was instead of starting again.
 * Pure: the handlers attach `conversationMetadata` to each reply and read it back with
 * `quotedFromMessages` when the bot no longer remembers a thread or DM.
 */
export const CONVERSATION_EVENT_TYPE = "citebot_conversation";

/** Metadata stays small: the oldest quoted sentences are left out to keep the payload under this. */
export const MAX_METADATA_CHARS = 4000;

export interface ConversationMetadata {
  readonly event_type: string;
  readonly event_payload: { readonly topic: string; readonly quoted: string };
}

/** A message as conversations.replies / history return it with `include_all_metadata`. */
export interface MessageWithMetadata {
  readonly user?: string;
  readonly ts?: string;
  readonly metadata?: { readonly event_type?: string; readonly event_payload?: unknown };
}

/** The state as metadata; the quoted keys go as one JSON string (payload values cannot be string arrays). */
export function conversationMetadata(state: Conversation): ConversationMetadata {
  let quoted = state.quoted.slice(-MAX_QUOTED);
  const payload = () => ({ topic: state.topic, quoted: JSON.stringify(quoted) });
  while (quoted.length > 0 && JSON.stringify(payload()).length > MAX_METADATA_CHARS) quoted = quoted.slice(1);
  return { event_type: CONVERSATION_EVENT_TYPE, event_payload: payload() };
}

/**
 * The sentences already quoted about `topic`: from the bot's latest reply before `beforeTs` that
 * carries this conversation's metadata for the same topic. Anything else (another app's metadata,
 * a reply about an earlier topic, a malformed payload) gives none: the answer then starts afresh.
 */
export function quotedFromMessages(
  messages: readonly MessageWithMetadata[],
  beforeTs: string,
  botUserId: string | undefined,
  topic: string,
): string[] {
  let quoted: string[] = [];
  for (const m of messages) {
    if (!botUserId || m.user !== botUserId || m.ts === undefined || Number(m.ts) >= Number(beforeTs)) continue;
    if (m.metadata?.event_type !== CONVERSATION_EVENT_TYPE) continue;
    const payload = m.metadata.event_payload as { topic?: unknown; quoted?: unknown } | undefined;
    if (payload?.topic !== topic || typeof payload.quoted !== "string") {
      quoted = [];
      continue;
    }
    quoted = parseQuoted(payload.quoted);
  }
  return quoted;
}

function parseQuoted(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value)
      ? value.filter((key): key is string => typeof key === "string" && key.length <= 1000).slice(-MAX_QUOTED)
      : [];
  } catch {
    return [];
  }
}
