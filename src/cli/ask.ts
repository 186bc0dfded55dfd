import { createAnswerService, type AnswerService } from "../answer/service.js";
import { formatAnswerText } from "./render.js";
import { MAX_QUESTION_CHARS } from "../answer/question.js";
import { answerWithoutSearch } from "../answer/without-search.js";
import { loadDotEnv, readEngineConfig } from "../config.js";
import { readModelFitAndReport } from "../answer/model-fit.js";
import { CiteBotError, describeError, ErrorCode, isCiteBotError } from "../errors.js";
import { StderrLogger } from "../logger.js";
import { ASK_USAGE, parseAskArgs } from "./args.js";
import { inputLines, notTextMessage, overLongMessage } from "./lines.js";
import { runCommand } from "./run.js";
import { stderrProgress } from "./progress.js";

/** Exit codes: 0 answered (or said it could not), 1 the engine failed, 2 bad usage or question. */
async function main(): Promise<number> {
  const command = parseAskArgs(process.argv.slice(2));
  if (command.kind === "help") {
    process.stdout.write(`${ASK_USAGE}\n`);
    return 0;
  }
  if (command.kind === "usage-error") {
    if (command.json && command.code)
      process.stdout.write(`${JSON.stringify(errorObject("", new CiteBotError(command.code, command.message)))}\n`);
    process.stderr.write(`${command.message}\n${ASK_USAGE}\n`);
    return 2;
  }
  if (command.kind === "jsonl") return answerLines(await startService());
  try {
    // A question the service would refuse is refused, and small talk answered, before the index is loaded or built for it.
    const answer = answerWithoutSearch(command.question) ?? (await (await startService()).answer(command.question));
    process.stdout.write(command.json ? `${JSON.stringify(answer)}\n` : `${formatAnswerText(answer)}\n`);
    return 0;
  } catch (error) {
    // `--json` promises one JSON object on stdout whatever happens; the one-line message still goes to stderr.
    if (command.json) process.stdout.write(`${JSON.stringify(errorObject(command.question, error))}\n`);
    if (isCiteBotError(error, ErrorCode.QuestionEmpty) || isCiteBotError(error, ErrorCode.QuestionTooLong)) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Reads the configuration (every problem at once) and loads the corpus, index and model. */
async function startService(): Promise<AnswerService> {
  loadDotEnv();
  const config = readEngineConfig();
  const logger = new StderrLogger(config.logLevel, "ask");
  const fit = await readModelFitAndReport(config, logger);
  return createAnswerService({ config, logger, onProgress: stderrProgress(), ...(fit ? { fit } : {}) });
}

/** What `--json` and `--jsonl` print for a question that got no answer: the failure's stable code and how to fix it. */
function errorObject(question: string, error: unknown): object {
  const code = isCiteBotError(error) ? error.code : "ANSWER_FAILED";
  return {
    question: question.slice(0, 200),
    answered: false,
    error: { code, message: describeError(error).replace(/^[A-Z_]+: /, "") },
  };
}

/** One JSON object per input line, in order; a bad line gets an error object, not a crash. */
async function answerLines(service: AnswerService): Promise<number> {
  let number = 0;
  for await (const line of inputLines(process.stdin)) {
    number++;
    let output: object;
    try {
      if (line.overLong) throw new CiteBotError(ErrorCode.QuestionTooLong, overLongMessage(number, MAX_QUESTION_CHARS));
      if (!line.isText) throw new CiteBotError(ErrorCode.QuestionNotText, notTextMessage(number));
      output = await service.answer(line.text);
    } catch (error) {
      output = errorObject(line.text, error);
    }
    process.stdout.write(`${JSON.stringify(output)}\n`);
  }
  return 0;
}

runCommand(main);
