/**
 * Expected answer type of a question, and whether a sentence offers an answer of that type that
 * the question does not already contain. Classic QA answer-typing, kept deliberately coarse. Pure.
 */
export type AnswerType = "number" | "name" | "other";

const NUMBER_QUESTION =
  /\b(how (many|much|long|far|old|big|large|tall|high|often|fast|early|late)|what (year|percentage|percent|number|amount|age|date|time|size|score|decade|century|month)|which (year|decade|century|month)|when)\b/i;
const NAME_QUESTION =
  /\b(who|whom|whose|where|which (company|country|city|team|person|organization|group|player|state|nation|university))\b/i;

export function answerTypeOf(question: string): AnswerType {
  if (NUMBER_QUESTION.test(question)) return "number";
  if (NAME_QUESTION.test(question)) return "name";
  return "other";
}

const NUMBER_WORDS =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|dozen|january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi;

function numbersIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/\d+(?:[.,]\d+)*/g)) found.add(m[0]);
  for (const m of text.matchAll(NUMBER_WORDS)) found.add(m[0].toLowerCase());
  return found;
}

function namesIn(text: string): Set<string> {
  const found = new Set<string>();
  // Capitalised words that do not open the sentence (or a clause after a colon or quote).
  for (const m of text.matchAll(/(?<=[\p{L}\p{N},;)] )\p{Lu}[\p{L}'’.-]*/gu)) found.add(m[0].toLowerCase());
  return found;
}

/** 1 when the sentence holds a candidate answer of the expected type not already named in the question. */
export function answerTypeMatch(type: AnswerType, question: string, sentence: string): number {
  if (type === "other") return 0;
  const inQuestion =
    type === "number" ? numbersIn(question) : new Set(question.toLowerCase().split(/[^\p{L}\p{N}'’.-]+/u));
  const candidates = type === "number" ? numbersIn(sentence) : namesIn(sentence);
  for (const c of candidates) if (!inQuestion.has(c)) return 1;
  return 0;
}
