/**
 * Headings the surfaces show above an answer, worded once here so that the terminal and Slack say
 * the same thing (each surface formats them: Slack escapes the quoted text and code-formats file
 * names). Pure.
 */

import type { Citation } from "./answer.js";

/** Where a cited passage is: "corpus/file.txt:7-8" or "corpus/file.txt:11". */
export function formatLocation(c: Pick<Citation, "source" | "lineStart" | "lineEnd">): string {
  return c.lineEnd > c.lineStart ? `${c.source}:${c.lineStart}-${c.lineEnd}` : `${c.source}:${c.lineStart}`;
}

/** Above an answer whose best sentence may not answer the question (`lowConfidence`). */
export const LOW_CONFIDENCE_TEXT = "Weak match: the sources may not answer this question. The closest they come:";

/** Above an answer read together with an earlier question (`followUpTo`). */
export const FOLLOW_UP_TEXT = (topic: string): string => `Read as a follow-up to: "${topic}"`;

/** Above a summary of what the sources say about a subject. */
export const SUMMARY_ABOUT_TEXT = (subject: string): string => `What the sources say about "${subject}":`;

/**
 * What a summary covers, shown above it. `files` are the sources as the caller shows them (Slack
 * escapes and code-formats them).
 */
export function summaryHeading(files: readonly string[], corpusFiles: number | undefined): string {
  if (files.length === 1) return `Summary of ${files[0]!}:`;
  const total = corpusFiles ?? files.length;
  const which = files.length < total ? `the first ${files.length} begin` : "each begins";
  return `The sources hold ${total} files. How ${which} (ask me to summarize one by name):`;
}
