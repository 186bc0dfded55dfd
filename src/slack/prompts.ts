/** Suggested prompts for a new assistant thread, fitted to the documents. Pure. */
import { SOURCES_PROMPT, SUMMARIZE_FILE_PROMPT, SUMMARY_PROMPT } from "./messages.js";

/** A suggested prompt: its button title, and the message a click posts. */
export interface Prompt {
  readonly title: string;
  readonly message: string;
}

/** Slack shows at most four suggested prompts (assistant.threads.setSuggestedPrompts). */
export const MAX_PROMPTS = 4;
/** Example questions offered at most, so a summary and the list of documents always have room. */
const MAX_EXAMPLES = 2;

/**
 * A file name offered as a prompt: a click posts it as the user's own message, so only plain names
 * qualify (no markup that could format, link or mention), short enough to read as a button.
 */
const PLAIN_FILE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,59}$/u;

/**
 * The examples the documents answer plainly (the rest would be refused), then a summary and what the
 * documents are; with several files, summaries of single files fill the remaining places.
 */
export function suggestedPrompts(answeredExamples: readonly Prompt[], sources: readonly string[]): Prompt[] {
  const prompts: Prompt[] = [...answeredExamples.slice(0, MAX_EXAMPLES), SUMMARY_PROMPT, SOURCES_PROMPT];
  if (sources.length > 1) {
    for (const source of sources) {
      if (prompts.length >= MAX_PROMPTS) break;
      const fileName = source.split(/[\\/]/).pop() ?? "";
      if (PLAIN_FILE_NAME.test(fileName)) prompts.push(SUMMARIZE_FILE_PROMPT(fileName));
    }
  }
  return prompts.slice(0, MAX_PROMPTS).map((p) => ({ title: p.title, message: p.message }));
}
