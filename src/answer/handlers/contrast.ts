import type { Answer } from "../answer.js";
import { composeAnswer } from "../compose.js";
import { contrastRetrievalText, quotedKey } from "../follow-up.js";
import type { Intent } from "../intent.js";
import type { Asked, Engine } from "./engine.js";
import { readWithTopic } from "./follow-up.js";

/**
 * "And the US side?" after "Who leads the Chinese delegation?": read with the topic, the best
 * sentence is the one already quoted about the Chinese side. A sentence quoted on the topic that
 * lacks any of the new subject's words answered the question before, not this one, so it is left
 * out; one that has them all stays ("And exports?" after imports: one line gives both).
 */
export async function answerContrast(
  intent: Extract<Intent, { kind: "contrast" }>,
  { question, quoted }: Asked,
  engine: Engine,
): Promise<Answer> {
  const text = contrastRetrievalText(question, intent.subject, intent.topic);
  const hits = await engine.retrieve(text, Math.max(5, engine.maxSentences) + quoted.size);
  const kept = hits.filter(
    (hit) => !quoted.has(quotedKey(hit.sentence)) || engine.retriever.mentionsEveryTerm(intent.subject, hit.id),
  );
  const found = { hits: kept, answer: composeAnswer(question, kept, engine.composeOptions) };
  return readWithTopic(question, intent.topic, found, engine);
}
