import { alternation, BACK_REFERENCE_OPENERS } from "../language/english.js";
import type { Sentence } from "./split.js";

/**
 * Whether a sentence opens with a word that points back to the sentence before it ("He is also
 * the oldest...", "These materials are vital..."): its subject is named elsewhere. Pure.
 * Used by retrieval (a ranking feature) and by answer composition (cite the sentence it points to).
 */
const BACK_REFERENCE_START = new RegExp(`^["'“(]*(${alternation(BACK_REFERENCE_OPENERS)})\\b`, "i");

export function opensWithBackReference(text: string): boolean {
  return BACK_REFERENCE_START.test(text);
}

/**
 * A heading rather than a sentence, judged from the text alone: short and without closing
 * punctuation ("Installation", "Fruit guide"). For plain-text title lines; Markdown marks its own.
 */
export function isHeadingLike(text: string): boolean {
  const trimmed = text.trim();
  // Closing emphasis is markup, not punctuation: "**Where is the VPN guide?**" is a question,
  // "**Accounts**" a heading.
  const words = trimmed.replace(/[*_]+$/u, "");
  // A table row ("| Pro | $10 |") is data, not a heading, however short.
  return !trimmed.startsWith("|") && !/[.!?…:;"'”’)\]]$/u.test(words) && trimmed.split(/\s+/u).length <= 12;
}

/** A passage and, when the splitter knows it, the Markdown structure it came from. */
export type Passage = Pick<Sentence, "text" | "kind">;

/** A row of a Markdown table, its header row included. */
export function isTableRow(passage: Passage): boolean {
  return passage.kind === "row" || passage.kind === "header-row";
}

/**
 * A heading: a Markdown heading, or prose that looks like one (a title line in a .txt file). A
 * list item, table row or code block never is, however short ("PagerDuty, for the on-call rota").
 * A heading says where the answer is, the sentences under it say what it is.
 */
export function isHeading(passage: Passage): boolean {
  return passage.kind === "heading" || (passage.kind === undefined && isHeadingLike(passage.text));
}

/**
 * A question in the text itself ("Where is the VPN guide?", "**How do I reset my password?**"):
 * in an FAQ the answer is what follows it.
 */
export function isQuestionSentence(text: string): boolean {
  return /\?["'”’)*_]*$/u.test(text.trim());
}

/**
 * A sentence that introduces what follows ("To install the service, run:", "The steps are:"): alone
 * it says nothing; the code block or list after it is the content.
 */
export function isLeadIn(passage: Passage): boolean {
  return passage.kind !== "code" && !isTableRow(passage) && /:[*_]*$/u.test(passage.text.trim());
}

/** Where a new section begins: a heading or a question in the text (an FAQ entry). */
export function startsSection(passage: Passage): boolean {
  return isHeading(passage) || (passage.kind !== "code" && !isTableRow(passage) && isQuestionSentence(passage.text));
}

/**
 * A heading, a question, a lead-in or a table's header row: a sentence that leads into the ones
 * after it, which hold the answer.
 */
export function leadsIntoNext(passage: Passage): boolean {
  return startsSection(passage) || isLeadIn(passage) || passage.kind === "header-row";
}

/**
 * Whether a passage says something on its own, as a summary or an opening line must: not a
 * heading, a lead-in ("Clone the repo and run:"), a code block or a table row.
 */
export function standsAlone(passage: Passage): boolean {
  return !isHeading(passage) && !isLeadIn(passage) && passage.kind !== "code" && !isTableRow(passage);
}

/**
 * Whether a passage answers a question in the text just before it (an FAQ's "They live in the docs
 * folder." under "**Where are the diagrams?**"): alone it does not say what it is about.
 */
export function answersQuestionBefore(passage: Passage, previous: Passage | undefined): boolean {
  if (!previous || passage.kind === "heading") return false;
  return previous.kind !== "code" && !isTableRow(previous) && isQuestionSentence(previous.text);
}
