import type { SmallTalkReply } from "./answer.js";
import { answerSmallTalk } from "./handlers/small-talk.js";
import { normalizeQuestion } from "./question.js";
import { smallTalk } from "./small-talk.js";

/**
 * The answer to a message that needs no search ("help", "hi", "thanks"), or undefined for a
 * question. Pure, and known before the index has loaded: a front end that holds the service as a
 * promise answers these at once instead of after loading (the service itself gives the same answer:
 * classify reads small talk first). Throws QUESTION_EMPTY / QUESTION_TOO_LONG as the service does.
 */
export function answerWithoutSearch(raw: string): SmallTalkReply | undefined {
  const question = normalizeQuestion(raw);
  const talk = smallTalk(question);
  return talk === undefined
    ? undefined
    : answerSmallTalk({ kind: "small-talk", talk }, { question, quoted: new Set() });
}
