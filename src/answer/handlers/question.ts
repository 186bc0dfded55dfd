import type { Answer } from "../answer.js";
import { withTopic } from "../follow-up.js";
import type { Intent } from "../intent.js";
import type { Asked, Engine } from "./engine.js";

/**
 * An ordinary question: hybrid retrieval, then the composition rules (cite, warn or refuse). In a
 * conversation, one that finds nothing on its own is tried once more with the topic.
 */
export async function answerQuestion(
  intent: Extract<Intent, { kind: "question" }>,
  { question }: Asked,
  engine: Engine,
): Promise<Answer> {
  const found = await engine.answerTo(question, intent.text);
  if (found.answer.answered || intent.topic === undefined) return found.answer;
  // A question can lean on the one before without a telltale word ("Which parts were included?"
  // after "What did the US suspend?"). One that finds nothing on its own is answered with the topic
  // only if the sentence found holds one of its own words. The match is the topic's more than the
  // question's, so it always carries the weak-match warning: a word of its own can be a common one
  // ("U.S." in 10 of 26 sentences).
  const retried = await engine.answerTo(question, withTopic(question, intent.topic));
  if (retried.answer.answered && engine.retriever.mentionsAnyTerm(question, retried.hits[0]!.id)) {
    return { ...retried.answer, followUpTo: intent.topic, lowConfidence: true };
  }
  return found.answer;
}
