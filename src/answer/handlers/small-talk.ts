import type { SmallTalkReply } from "../answer.js";
import type { Intent } from "../intent.js";
import type { SmallTalk } from "../small-talk.js";
import type { Asked } from "./engine.js";

/** How to ask, for surfaces without a hint of their own (`npm run ask`, the JSON). */
export const HELP_TEXT =
  'Ask a question about the documents: I answer with the sentences I found and cite each one. "Summarize" gives a short summary; after an answer, "tell me more" reads on and "what else?" gives the next relevant sentences.';

/** The plain reply to each kind of small talk; Slack and the terminal chat reply in their own words. */
export const SMALL_TALK_TEXT: Readonly<Record<SmallTalk, string>> = Object.freeze({
  help: HELP_TEXT,
  greeting: `Hi! ${HELP_TEXT}`,
  thanks: "You're welcome! Ask me anything else about the documents.",
});

/** "help", "hi", "thanks", "👍": not a question about the documents, so nothing is searched. */
export function answerSmallTalk(intent: Extract<Intent, { kind: "small-talk" }>, { question }: Asked): SmallTalkReply {
  const { talk } = intent;
  return {
    kind: "small-talk",
    question,
    answered: false,
    text: SMALL_TALK_TEXT[talk],
    citations: [],
    related: [],
    talk,
  };
}
