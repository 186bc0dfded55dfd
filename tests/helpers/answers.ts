import type { Answer } from "../../src/answer/answer.js";

/**
 * The fields only some kinds of answer have, read off any answer (undefined where its kind has none),
 * for tests that check them whatever the kind turned out to be.
 */
export function kindFields(answer: Answer): {
  lowConfidence: true | undefined;
  summaryOf: readonly string[] | undefined;
  corpusFiles: number | undefined;
  summaryAbout: string | undefined;
} {
  return {
    lowConfidence: answer.kind === "answer" ? answer.lowConfidence : undefined,
    summaryOf: answer.kind === "summary" ? answer.summaryOf : undefined,
    corpusFiles: answer.kind === "summary" ? answer.corpusFiles : undefined,
    summaryAbout: answer.kind === "subject-summary" ? answer.summaryAbout : undefined,
  };
}
