import type { Answer } from "../answer.js";
import { quoteSentences } from "../compose.js";
import type { Intent } from "../intent.js";
import type { Asked, Engine } from "./engine.js";

/**
 * "What is PTO?": the sentences that spell the acronym out, not those that use it most. undefined
 * when the corpus never spells it out: the question is then answered as its `otherwise` intent.
 */
export function answerDefinition(
  intent: Extract<Intent, { kind: "definition" }>,
  { question }: Asked,
  engine: Engine,
): Answer | undefined {
  const definitions = engine.retriever.definitionsOf(intent.acronym);
  if (definitions.length === 0) return undefined;
  return quoteSentences(question, definitions.slice(0, engine.maxSentences));
}
