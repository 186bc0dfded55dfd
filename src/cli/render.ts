/**
 * Plain-text rendering of an answer, for `npm run ask` and the terminal chat. Pure. One case per
 * kind of answer: a kind added to the `Answer` union fails to compile here until it is rendered.
 */
import type { Answer } from "../answer/answer.js";
import { unhandledKind } from "../answer/answer.js";
import {
  FOLLOW_UP_TEXT,
  formatLocation,
  LOW_CONFIDENCE_TEXT,
  SUMMARY_ABOUT_TEXT,
  summaryHeading,
} from "../answer/wording.js";
import { dropControlCharacters } from "../control-characters.js";

/** A quoted passage of several lines, its later lines indented under the source line. */
function indentContinuation(text: string): string {
  return text.replace(/\n/g, "\n    ");
}

/** What is printed above the answer's text, by kind. */
function headings(answer: Answer): string[] {
  switch (answer.kind) {
    case "answer":
      return answer.lowConfidence ? [LOW_CONFIDENCE_TEXT, ""] : [];
    case "not-found":
    case "nothing-to-search":
    case "small-talk":
      return [];
    case "summary":
      return [summaryHeading(answer.summaryOf, answer.corpusFiles)];
    case "subject-summary":
      return [SUMMARY_ABOUT_TEXT(answer.summaryAbout)];
    default:
      return unhandledKind(answer);
  }
}

/** The answer as the terminal shows it: headings, the text with [n] markers, then its sources (or the closest passages). */
export function formatAnswerText(answer: Answer): string {
  const lines = [
    ...(answer.followUpTo !== undefined ? [`(${FOLLOW_UP_TEXT(answer.followUpTo)})`] : []),
    ...headings(answer),
    answer.text,
  ];
  if (answer.citations.length > 0) {
    lines.push("", "Sources:");
    for (const c of answer.citations)
      lines.push(`[${c.n}] ${formatLocation(c)}${c.context ? " (context)" : ""}  "${indentContinuation(c.text)}"`);
  } else if (answer.related.length > 0) {
    lines.push("", "Closest passages (not an answer):");
    for (const r of answer.related) lines.push(`- ${formatLocation(r)}  "${indentContinuation(r.text)}"`);
  }
  return dropControlCharacters(lines.join("\n"));
}
