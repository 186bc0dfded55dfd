import { CiteBotError, ErrorCode } from "../errors.js";

export const MAX_QUESTION_CHARS = 2_000;

/** The text without control, zero-width and bidirectional-override characters (tab and newline kept). Pure. */
export function withoutInvisibles(text: string): string {
  // Control characters are exactly what this strips.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, "");
}

/**
 * Normalises a question: control and zero-width characters removed, whitespace collapsed.
 * Throws QUESTION_EMPTY / QUESTION_TOO_LONG with a message fit to show the asker. Pure.
 */
export function normalizeQuestion(raw: string): string {
  const question = withoutInvisibles(raw.normalize("NFKC")).replace(/\s+/g, " ").trim();
  if (question === "")
    throw new CiteBotError(ErrorCode.QuestionEmpty, "The question is empty; ask something about the documents.");
  if (question.length > MAX_QUESTION_CHARS) {
    throw new CiteBotError(
      ErrorCode.QuestionTooLong,
      `The question is ${question.length} characters long; the limit is ${MAX_QUESTION_CHARS}. Ask a shorter question.`,
    );
  }
  return question;
}
