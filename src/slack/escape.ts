import { dropControlCharacters } from "../control-characters.js";

/**
 * Escaping for Slack mrkdwn. Pure. Text from documents and users is untrusted: `&`, `<` and `>`
 * are escaped so nothing becomes a link or a special mention (`<!channel>`, `<@U123>`,
 * `<!subteam^S1>`), and bare `@channel`/`@here`/`@everyone` get a zero-width joiner so that even
 * a client that links names cannot notify anyone.
 */
const WORD_JOINER = "\u2060";

export function escapeMrkdwn(text: string): string {
  // Control characters and bidirectional overrides can garble or disguise a message.
  return dropControlCharacters(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, `@${WORD_JOINER}$1`);
}

/** Removes the bot's own mention and trims: "<@UBOT> where are the talks?" -> "where are the talks?". */
export function stripMention(text: string, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g") : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/;
  return text.replace(own, " ").replace(/\s+/g, " ").trim();
}

/** Turns Slack markup in a question into plain words: links to their label, mentions removed. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<(?:https?|mailto):[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<((?:https?|mailto):[^>]*)>/g, "$1")
    .replace(/<[@#!][^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
