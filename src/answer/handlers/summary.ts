import type { Answer, SubjectSummary } from "../answer.js";
import { quoteSentences, relevance } from "../compose.js";
import type { Intent } from "../intent.js";
import {
  composeSummary,
  filesToSummarize,
  openingSentence,
  OVERVIEW_MAX_FILES,
  SUMMARY_SENTENCES,
} from "../summary.js";
import type { Asked, Engine } from "./engine.js";

/**
 * "Summarize the article", "tl;dr", "What documents do you have?": the summary of the file it names
 * (or of the only file), or with several files and none named, how each opens. "Summarize the tariff
 * changes" names no file: what the sources say about the subject. undefined when the sources say
 * too little about it for a summary: the question is then answered as its `otherwise` intent.
 */
export async function answerSummary(
  intent: Extract<Intent, { kind: "summary" }>,
  { question }: Asked,
  engine: Engine,
): Promise<Answer | undefined> {
  const files = engine.view.files();
  const summarized = filesToSummarize(intent.request, files);
  if (!summarized) return subjectSummary(question, intent.request.subject, engine);
  if (summarized.length === 1)
    return composeSummary(question, engine.summaryOf(summarized[0]!), [summarized[0]!.source], files.length);
  const listed = summarized.slice(0, OVERVIEW_MAX_FILES);
  return composeSummary(
    question,
    listed.map((f) => openingSentence(f.sentences)!),
    listed.map((f) => f.source),
    files.length,
  );
}

/**
 * "Summarize the tariff changes": every sentence relevant to the subject by the "not found" rule, up
 * to SUMMARY_SENTENCES, in document order. undefined (an ordinary answer instead) when fewer than
 * two are: one sentence is what an answer would say anyway.
 */
async function subjectSummary(question: string, subject: string, engine: Engine): Promise<SubjectSummary | undefined> {
  const { abstention } = engine;
  const hits = await engine.retrieve(subject, SUMMARY_SENTENCES * 4);
  const relevant = hits
    .filter((hit) => relevance(hit, abstention.denseWeight) >= abstention.threshold)
    .slice(0, SUMMARY_SENTENCES);
  if (relevant.length < 2) return undefined;
  relevant.sort((a, b) => a.id - b.id);
  const quoted = quoteSentences(
    question,
    relevant.map((hit) => hit.sentence),
  );
  return { ...quoted, kind: "subject-summary", summaryAbout: subject };
}
