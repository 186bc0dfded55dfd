import type { Answer } from "../answer.js";
import type { Intent } from "../intent.js";
import type { Asked, Engine, Found } from "./engine.js";

/** "What is his role?" after "Who leads the Chinese delegation?": read together with the topic. */
export async function answerFollowUp(
  intent: Extract<Intent, { kind: "follow-up" }>,
  { question }: Asked,
  engine: Engine,
): Promise<Answer> {
  return readWithTopic(question, intent.topic, await engine.answerTo(question, intent.text), engine);
}

/**
 * A follow-up's answer, marked as read with `topic`. Read with its topic, "What is his favourite
 * food?" finds the topic's sentence as surely as "What is his role?" does. When the best sentence
 * has none of the follow-up's own words, it may not answer the follow-up at all: say so with the
 * weak-match warning.
 */
export function readWithTopic(question: string, topic: string, found: Found, engine: Engine): Answer {
  if (found.answer.kind === "not-found") return { ...found.answer, followUpTo: topic };
  const ownWordsMissing = !engine.retriever.mentionsAnyTerm(question, found.hits[0]!.id);
  return { ...found.answer, followUpTo: topic, ...(ownWordsMissing ? { lowConfidence: true as const } : {}) };
}
