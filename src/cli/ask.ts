import { createAnswerService, type AnswerService } from "../answer/service.js";
import { formatAnswerText } from "../answer/compose.js";
import { MAX_QUESTION_CHARS } from "../answer/question.js";
import { configWarnings, loadDotEnv, readEngineConfig } from "../config.js";
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
    process.stderr.write(`${command.message}\n${ASK_USAGE}\n`);
    return 2;
  }
  loadDotEnv();
  const config = readEngineConfig();
  const logger = new StderrLogger(config.logLevel, "ask");
  for (const warning of configWarnings(config)) logger.warn(warning);
  const service = await createAnswerService({ config, logger, onProgress: stderrProgress() });

  if (command.kind === "jsonl") return answerLines(service);
  try {
    const answer = await service.answer(command.question);
    process.stdout.write(command.json ? `${JSON.stringify(answer)}\n` : `${formatAnswerText(answer)}\n`);
    return 0;
  } catch (error) {
    if (isCiteBotError(error, ErrorCode.QuestionEmpty) || isCiteBotError(error, ErrorCode.QuestionTooLong)) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
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
      const code = isCiteBotError(error) ? error.code : "ANSWER_FAILED";
      output = { question: line.text.slice(0, 200), answered: false, error: { code, message: describeError(error).replace(/^[A-Z_]+: /, "") } };
    }
    process.stdout.write(`${JSON.stringify(output)}\n`);
  }
  return 0;
}

runCommand(main);
