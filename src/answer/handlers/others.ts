import type { Sentence } from "../../corpus/split.js";
import { startsSection } from "../../corpus/reference.js";
import type { Answer } from "../answer.js";
import { composeAnswer, NOTHING_ELSE_TEXT, notFound } from "../compose.js";
import { quotedKey } from "../follow-up.js";
import type { Intent } from "../intent.js";
import type { Asked, Engine } from "./engine.js";

/** "What else?" looks this many candidates past the earlier answer's sentences. */
const OTHERS_CANDIDATES = 5;

type Hit = { readonly id: number; readonly sentence: Sentence };

/**
 * "What else?": the earlier question's answer again, without the sentences it cited or the
 * conversation has quoted since. The "not found" rule still applies, so what is left must be
 * relevant to the earlier question.
 */
export async function answerOthers(
  intent: Extract<Intent, { kind: "others" }>,
  { question, quoted }: Asked,
  engine: Engine,
): Promise<Answer> {
  const { topic } = intent;
  const { view } = engine;
  const earlier = await engine.answerTo(topic, topic, engine.maxSentences + OTHERS_CANDIDATES + quoted.size);
  if (earlier.answer.kind === "not-found") return { ...earlier.answer, question, followUpTo: topic };
  const cited = new Set([...quoted, ...earlier.answer.citations.map(quotedKey)]);
  const fresh = (sentence: Sentence) => !cited.has(quotedKey(sentence));
  // A heading's section and an answer's context sentence must not bring back what was quoted
  // either; a heading whose section has all been quoted has nothing left to lead into.
  const freshOnly = (contextOf: (hit: Hit) => Sentence | undefined) => (hit: Hit) => {
    const context = contextOf(hit);
    return context && fresh(context) ? context : undefined;
  };
  const allQuoted = (section: readonly Sentence[]) => section.length > 0 && !section.some(fresh);
  const rest = earlier.hits.filter(
    (hit) => fresh(hit.sentence) && !(startsSection(hit.sentence) && allQuoted(view.sectionAfter(hit))),
  );
  const others = composeAnswer(question, rest, {
    ...engine.composeOptions,
    sectionAfter: (hit) => view.sectionAfter(hit).filter(fresh),
    previousOf: freshOnly(view.previousOf),
    nextOf: freshOnly(view.nextOf),
    headerRowOf: freshOnly(view.headerRowOf),
  });
  // Nothing further is relevant: the closest of the rest would be unrelated, so none is listed.
  if (others.kind === "not-found") return { ...notFound(question, NOTHING_ELSE_TEXT), followUpTo: topic };
  return { ...others, followUpTo: topic };
}
