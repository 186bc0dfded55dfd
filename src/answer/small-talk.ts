/**
 * Messages to the bot that are not questions about the documents: "help", "hi", "thanks!", "ok",
 * "👍". Pure.
 *
 * Searched for in the sources, they came back "not found" with a list of unrelated passages, and a
 * "thanks!" in a thread the bot answered in was answered that way too. The engine reads them first
 * (intent.ts) and answers without a search; each surface replies in its own words (Slack leaves a
 * reaction for thanks).
 */
export type SmallTalk = "help" | "greeting" | "thanks";

const HELP =
  /^(?:help|usage|commands|how (?:do i|to) use (?:this|you|it|citebot)|what (?:can|do) you do|how do(?:es)? (?:this|it|you) work|who are you|what are you)$/;
const GREETING =
  /^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening))(?: there| all| everyone| citebot)?$/;
/** Thanks, and the acknowledgements people leave under an answer ("ok", "got it", "great", an emoji alone). */
const THANKS =
  /^(?:(?:thanks|thank you|thx|ty|cheers|many thanks)(?: (?:so much|a lot|very much|again))?|ok|okay|k|got it|great|perfect|awesome|cool|nice|makes sense|understood)(?: thanks| citebot)?$/;

/** What kind of small talk the message is, or undefined for a question (or anything else). */
export function smallTalk(message: string): SmallTalk | undefined {
  if (/^\s*\?+\s*$/.test(message)) return "help";
  const text = message
    .toLowerCase()
    .replace(/’/g, "'")
    // Emoji, emoji codes and trailing punctuation carry no words: "thanks! :pray:", "hi 👋".
    .replace(/:[a-z0-9_+-]+:/g, " ")
    .replace(/[^\p{L}\p{N}' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  // Nothing but emoji or punctuation ("👍", ":+1:", "!!"): an acknowledgement; asked ("🤖?"), a call for help.
  if (text === "") return message.trim() === "" ? undefined : /\?\s*$/.test(message) ? "help" : "thanks";
  if (HELP.test(text)) return "help";
  if (GREETING.test(text)) return "greeting";
  if (THANKS.test(text)) return "thanks";
  return undefined;
}
