import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createAnswerService } from "../answer/service.js";
import { readModelFitAndReport } from "../answer/model-fit.js";
import type { EngineConfig } from "../config.js";
import { displayPath, loadCorpus, type Corpus } from "../corpus/load.js";
import { CiteBotError, describeError, ErrorCode } from "../errors.js";
import { SilentLogger, type Logger } from "../logger.js";
import {
  formatChecks,
  judgeAnswer,
  kindLookup,
  parseQuestionChecks,
  type CheckedQuestion,
  type CorpusPaths,
  type QuestionCheck,
} from "./own-questions.js";

export const MAX_QUESTIONS_FILE_BYTES = 5 * 1024 * 1024;

/**
 * `npm run eval -- --questions <file>`: a team's own questions put to the service `ask` uses, over
 * CORPUS_DIR with EMBEDDING_MODEL and its index, and how each came out (see own-questions.ts).
 * Returns the report; a questions file that names a file or line the corpus lacks stops first.
 */
export async function checkOwnQuestions(file: string, config: EngineConfig, logger: Logger): Promise<string> {
  let text: string;
  try {
    // A list of questions is small; anything this big was named by mistake (a log, a dump).
    if ((await stat(file)).size > MAX_QUESTIONS_FILE_BYTES) {
      throw new CiteBotError(
        ErrorCode.QuestionsFileInvalid,
        `The questions file ${file} is over ${MAX_QUESTIONS_FILE_BYTES / 1024 / 1024} MiB; is it the right file?`,
      );
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof CiteBotError) throw error;
    throw new CiteBotError(
      ErrorCode.QuestionsFileInvalid,
      `Cannot read the questions file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}); check the path.`,
      { cause: error },
    );
  }
  const name = displayPath(path.resolve(file));
  const checks = parseQuestionChecks(text, name);
  // Read here only to check the labels: the service reads it again and gives its warnings then, once.
  const corpus = await loadCorpus(config.corpusDir, new SilentLogger());
  const paths = corpusPaths(config.corpusDir);
  checkLabels(checks, corpus, paths.sourceOf, name, config.corpusDir);
  const fit = await readModelFitAndReport(config, logger);
  const service = await createAnswerService({ config, logger, ...(fit ? { fit } : {}) });
  const kindOf = kindLookup(corpus.sentences);
  const checked: CheckedQuestion[] = [];
  for (const check of checks) {
    try {
      checked.push({ check, outcome: judgeAnswer(check, await service.answer(check.question), paths, kindOf) });
    } catch (error) {
      // An empty or too long question is this file's problem, not the engine's: the rest still run.
      checked.push({ check, outcome: { kind: "error", message: describeError(error) } });
    }
  }
  return formatChecks(
    checked,
    `# ${name}: ${checks.length} questions over ${displayPath(path.resolve(config.corpusDir))}/ with ${service.manifest.embeddingModel}`,
  );
}

/** Every label must name a file of the corpus and lines that hold one of its sentences; all mistakes are named at once. */
function checkLabels(
  checks: readonly QuestionCheck[],
  corpus: Corpus,
  sourceOf: (file: string) => string,
  name: string,
  corpusDir: string,
): void {
  const sources = new Set(corpus.files.map((f) => f.source));
  const mistakes: string[] = [];
  for (const check of checks) {
    if (check.file === undefined) continue;
    const source = sourceOf(check.file);
    if (!sources.has(source)) {
      mistakes.push(`line ${check.line} names ${check.file}, which is not a .txt or .md file in ${corpusDir}`);
      continue;
    }
    const sentences = corpus.sentencesOf(source);
    const empty = check.lines.filter((line) => !sentences.some((s) => line >= s.lineStart && line <= s.lineEnd));
    if (empty.length > 0)
      mistakes.push(
        `line ${check.line}: ${check.file} has no sentence on line ${empty.join(", ")} (blank, a code fence's marker or front matter)`,
      );
  }
  if (mistakes.length > 0) {
    throw new CiteBotError(
      ErrorCode.QuestionsFileInvalid,
      `${name}: ${mistakes.slice(0, 5).join("; ")}${mistakes.length > 5 ? `; and ${mistakes.length - 5} more` : ""}.`,
    );
  }
}

/** Files named relative to the corpus folder, as a questions file names them and the report shows them. */
export function corpusPaths(corpusDir: string): CorpusPaths {
  const root = path.resolve(corpusDir);
  return {
    sourceOf: (file) => displayPath(path.resolve(root, file)),
    fileOf: (source) => path.relative(root, path.resolve(source)).split(path.sep).join("/"),
  };
}
