import { isAcronym } from "../retrieval/rewriting/acronyms.js";

/**
 * The acronym a question asks the meaning of: "What does SSO stand for?", "What is PTO?", "What's an
 * SLA?", "What are SLAs?", "What does SRE mean?", "Define SLA", "Meaning of PTO?", "SSO?". Pure.
 *
 * Searched for like any question, "What is PTO?" finds the sentences that use "PTO" most ("PTO
 * requests go through Workday."), not the one that says what it stands for. The service answers
 * these from the sentences that spell the acronym out. Only an acronym as written counts (two or more
 * capitals): "what is it?" is about a pronoun, not IT.
 */
const ASKS_MEANING = [
  /^what(?:'s| is| are)(?: an?| the)? (\S+)$/i,
  /^what do(?:es)? (?:an? |the )?(\S+) (?:stand for|mean)$/i,
  /^(?:define|meaning of|definition of) (?:an? |the )?(\S+)$/i,
  /^(\S+) (?:stands for|means)$/i,
  /^(\S+)$/,
];

export function acronymAskedAbout(question: string): string | undefined {
  // Such a question is short; a long one is not read with the patterns at all.
  if (question.length > 80) return undefined;
  const text = question
    .replace(/’/g, "'")
    .replace(/[?!.\s]+$/u, "")
    .replace(/\s+/gu, " ")
    .trim();
  for (const pattern of ASKS_MEANING) {
    const match = pattern.exec(text);
    const acronym = match?.[1]?.replace(/[,:;"'()]+/gu, "");
    if (acronym && isAcronym(acronym)) return acronym;
  }
  return undefined;
}
