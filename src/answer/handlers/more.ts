import type { Answer } from "../answer.js";
import { notFound, NOTHING_MORE_TEXT, quoteSentences } from "../compose.js";
import { quotedKey } from "../follow-up.js";
import type { Intent } from "../intent.js";
import type { Asked, Engine } from "./engine.js";

/**
 * "Tell me more": the passage around the earlier question's best sentence, which a re-run of that
 * question finds again (the index does not change within one engine); asked again, the passage after it.
 */
export async function answerMore(
  intent: Extract<Intent, { kind: "more" }>,
  { question, quoted }: Asked,
  engine: Engine,
): Promise<Answer> {
  const { topic } = intent;
  const earlier = await engine.answerTo(topic, topic);
  if (earlier.answer.kind === "not-found") return { ...earlier.answer, question, followUpTo: topic };
  // What the earlier answer cited counts as quoted even when the conversation's memory was lost.
  const passage = engine.view.passageAround(
    earlier.hits[0]!.id,
    new Set([...quoted, ...earlier.answer.citations.map(quotedKey)]),
  );
  if (passage.length === 0) return { ...notFound(question, NOTHING_MORE_TEXT), followUpTo: topic };
  return { ...quoteSentences(question, passage), followUpTo: topic };
}
