import type { Answer } from "../answer.js";
import { NO_EARLIER_QUESTION_TEXT, NO_SEARCH_TERMS_TEXT, nothingToSearch } from "../compose.js";
import type { Intent } from "../intent.js";
import type { Asked } from "./engine.js";

/**
 * "Who is it?" with no earlier question to lean on, and "tell me more" with none to read on
 * from: searching would only list unrelated passages, so the answer says what to ask instead.
 */
export function answerNothingToSearch(
  intent: Extract<Intent, { kind: "no-search-terms" | "no-earlier-question" }>,
  { question }: Asked,
): Answer {
  if (intent.kind === "no-earlier-question") return nothingToSearch(question, NO_EARLIER_QUESTION_TEXT);
  return nothingToSearch(question, NO_SEARCH_TERMS_TEXT);
}
